/*===- qforge.h - C API: load and run a compiled QForge model ----*- C -*-===*
 *
 * An artifact is the <name>.so written by qforge-compile. The runtime reads
 * its signature (names, dtypes, shapes) from the library itself, checks
 * every call against it, and runs it on caller-owned buffers.
 *
 *   qforge_model *m = qforge_load("out/mlp.so");
 *   if (!m) { fprintf(stderr, "%s\n", qforge_last_error()); return 1; }
 *   qforge_tensor in = {x, QFORGE_F32, 2, x_shape};
 *   qforge_tensor out = {y, QFORGE_F32, 2, y_shape};
 *   if (qforge_run(m, &in, 1, &out, 1) != 0) { ... qforge_last_error() ... }
 *   qforge_free(m);
 *
 * Dynamic dimensions: an input dimension may be dynamic (e.g. an ONNX
 * model's batch or sequence dimension). qforge_input_info reports it as -1
 * and qforge_input_dim_name gives its name (the ONNX dim_param, or
 * "<input>.<dim>"); each call binds it from the given inputs, and a name
 * shared by several inputs must have the same size in all of them. Static
 * dimensions must match exactly. An output's dynamic dimensions are named
 * after the input dimensions they equal; qforge_output_shape computes an
 * output's shape for given inputs, so the caller can allocate it.
 *
 * Errors: functions return NULL or non-zero and qforge_last_error() says why
 * (per thread; valid until the thread's next call into the runtime).
 *===----------------------------------------------------------------------===*/
#ifndef QFORGE_C_QFORGE_H
#define QFORGE_C_QFORGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  QFORGE_F32 = 0,
  QFORGE_F16 = 1,
  QFORGE_BF16 = 2,
  QFORGE_I8 = 3,
  QFORGE_U8 = 4,
  QFORGE_I32 = 5,
  QFORGE_I64 = 6
} qforge_dtype;

/* A row-major tensor: data, its element type, rank and shape. */
typedef struct {
  void *data;
  qforge_dtype dtype;
  int32_t rank;
  const int64_t *shape;
} qforge_tensor;

typedef struct qforge_model qforge_model;

/* Loads an artifact; NULL on error (missing file, not an artifact, or an
 * artifact of an incompatible format version). */
qforge_model *qforge_load(const char *path);
void qforge_free(qforge_model *model);

const char *qforge_last_error(void);

const char *qforge_model_name(const qforge_model *model);
int32_t qforge_num_inputs(const qforge_model *model);
int32_t qforge_num_outputs(const qforge_model *model);
/* Name, dtype, rank and shape of input/output i; NULL/-1 if out of range.
 * A dynamic dimension's size is -1. The returned pointers live as long as
 * the model. */
const char *qforge_input_name(const qforge_model *model, int32_t i);
const char *qforge_output_name(const qforge_model *model, int32_t i);
int32_t qforge_input_info(const qforge_model *model, int32_t i,
                          qforge_dtype *dtype, int32_t *rank,
                          const int64_t **shape);
int32_t qforge_output_info(const qforge_model *model, int32_t i,
                           qforge_dtype *dtype, int32_t *rank,
                           const int64_t **shape);

/* The name of dimension `dim` of input/output i if it is dynamic; NULL if
 * it is static or out of range. */
const char *qforge_input_dim_name(const qforge_model *model, int32_t i,
                                  int32_t dim);
const char *qforge_output_dim_name(const qforge_model *model, int32_t i,
                                   int32_t dim);

/* Writes the shape output i has when the model runs on `inputs` (checked
 * as by qforge_run) into shape[0 .. rank-1]. Returns 0 on success. */
int32_t qforge_output_shape(const qforge_model *model,
                            const qforge_tensor *inputs, int32_t num_inputs,
                            int32_t i, int64_t *shape);

/* Threads for the model's kernels; 0 (the default) means all cores. Kernels
 * compiled by --qf-cpu-to-llvm split their work over a thread pool created at
 * qforge_load and reused by every call (models loaded from the same file
 * share it); results do not depend on the thread count. Code without
 * parallel kernels (the reference lowering) ignores it. */
void qforge_set_threads(qforge_model *model, int32_t threads);

/* Runs the model. Counts, dtypes, ranks and static dimensions must match
 * the model's signature exactly, dynamic dimensions the sizes bound by the
 * inputs; otherwise nothing runs and the error names the tensor and the
 * expected shape (e.g. "[batch, 64]"). Returns 0 on success. */
int32_t qforge_run(qforge_model *model, const qforge_tensor *inputs,
                   int32_t num_inputs, qforge_tensor *outputs,
                   int32_t num_outputs);

const char *qforge_dtype_name(qforge_dtype dtype);

#ifdef __cplusplus
}
#endif

#endif /* QFORGE_C_QFORGE_H */
