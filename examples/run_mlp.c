/* Runs a float artifact and a quantized artifact of the same model on the
 * same input through the QForge C runtime, and prints the quantized one's
 * relative error, library size and speed against float.
 *
 *   run_mlp FLOAT.so QUANT.so INPUT.bin [REPS]
 */
#include "qforge-c/qforge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static long fileSize(const char *path) {
  struct stat s;
  return stat(path, &s) == 0 ? (long)s.st_size : -1;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int64_t count(int32_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (int32_t i = 0; i < rank; ++i)
    n *= shape[i];
  return n;
}

/* Runs `model` reps times on `input`; returns the output and the median time. */
static float *run(qforge_model *model, float *input, int reps, double *median) {
  qforge_dtype dtype;
  int32_t inRank, outRank;
  const int64_t *inShape, *outShape;
  qforge_input_info(model, 0, &dtype, &inRank, &inShape);
  qforge_output_info(model, 0, &dtype, &outRank, &outShape);
  float *output = calloc(count(outRank, outShape), sizeof(float));
  qforge_tensor in = {input, QFORGE_F32, inRank, inShape};
  qforge_tensor out = {output, QFORGE_F32, outRank, outShape};
  double *times = calloc(reps, sizeof(double));
  for (int r = 0; r < reps; ++r) {
    double t0 = now();
    if (qforge_run(model, &in, 1, &out, 1) != 0) {
      fprintf(stderr, "run_mlp: %s\n", qforge_last_error());
      exit(1);
    }
    times[r] = now() - t0;
  }
  qsort(times, reps, sizeof(double), cmp);
  *median = times[reps / 2];
  free(times);
  return output;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: run_mlp FLOAT.so QUANT.so INPUT.bin [REPS]\n");
    return 2;
  }
  int reps = argc > 4 ? atoi(argv[4]) : 50;
  qforge_model *ref = qforge_load(argv[1]);
  qforge_model *q = ref ? qforge_load(argv[2]) : NULL;
  if (!ref || !q) {
    fprintf(stderr, "run_mlp: %s\n", qforge_last_error());
    return 1;
  }
  qforge_dtype dtype;
  int32_t rank;
  const int64_t *shape;
  qforge_input_info(ref, 0, &dtype, &rank, &shape);
  int64_t n = count(rank, shape);
  float *input = malloc(n * sizeof(float));
  FILE *f = fopen(argv[3], "rb");
  if (!f || fread(input, sizeof(float), n, f) != (size_t)n) {
    fprintf(stderr, "run_mlp: cannot read %lld floats from '%s'\n",
            (long long)n, argv[3]);
    return 1;
  }
  fclose(f);

  double tRef, tQ;
  float *yRef = run(ref, input, reps, &tRef);
  float *yQ = run(q, input, reps, &tQ);
  qforge_output_info(ref, 0, &dtype, &rank, &shape);
  int64_t m = count(rank, shape);
  double err = 0, norm = 0;
  for (int64_t i = 0; i < m; ++i) {
    err += (yQ[i] - yRef[i]) * (double)(yQ[i] - yRef[i]);
    norm += yRef[i] * (double)yRef[i];
  }
  printf("output[0..4]      float % .4f % .4f % .4f % .4f\n", yRef[0], yRef[1],
         yRef[2], yRef[3]);
  printf("                  quant % .4f % .4f % .4f % .4f\n", yQ[0], yQ[1],
         yQ[2], yQ[3]);
  printf("relative error    %.4f\n", sqrt(err / norm));
  printf("library size      %ld bytes (float %ld bytes, %.2fx smaller)\n",
         fileSize(argv[2]), fileSize(argv[1]),
         (double)fileSize(argv[1]) / (double)fileSize(argv[2]));
  printf("median latency    %.1f us (float %.1f us, %.2fx)\n", tQ * 1e6,
         tRef * 1e6, tRef / tQ);
  free(yRef);
  free(yQ);
  free(input);
  qforge_free(ref);
  qforge_free(q);
  return 0;
}
