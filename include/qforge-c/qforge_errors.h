/*===- qforge_errors.h - Run-time errors of generated code ------*- C -*-===*
 *
 * Generated code that finds its input invalid at run time never reads or
 * writes outside a buffer: it uses a neutral value (zeros) instead and
 * reports through null-initialized globals it defines,
 *
 *   qforge_index_error_fn qforge_index_error_hook;  QFORGE_INDEX_ERROR_HOOK
 *     an ONNX Gather index outside [-size, size): (index, size)
 *   qforge_shape_error_fn qforge_shape_error_hook;  QFORGE_SHAPE_ERROR_HOOK
 *     an output whose model-declared static dimension differs from what the
 *     graph computes for these inputs: (output, dim, computed, declared)
 *
 * calling them when not null. Whoever loads the code binds them: qforge_load
 * to the runtime's handlers, which make qforge_run return -1 with the reason
 * in qforge_last_error(); the calibration JIT to its own. Called on the
 * thread that runs the entry point (the checks are not inside the parallel
 * kernels).
 *===----------------------------------------------------------------------===*/
#ifndef QFORGE_C_QFORGE_ERRORS_H
#define QFORGE_C_QFORGE_ERRORS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QFORGE_INDEX_ERROR_HOOK "qforge_index_error_hook"
/* The function generated code calls; its body loads and calls the hook. */
#define QFORGE_INDEX_ERROR_FUNCTION "qforge_index_error"

typedef void (*qforge_index_error_fn)(int64_t index, int64_t size);

#define QFORGE_SHAPE_ERROR_HOOK "qforge_shape_error_hook"
#define QFORGE_SHAPE_ERROR_FUNCTION "qforge_shape_error"

typedef void (*qforge_shape_error_fn)(int64_t output, int64_t dim,
                                      int64_t computed, int64_t declared);

#ifdef __cplusplus
}
#endif

#endif /* QFORGE_C_QFORGE_ERRORS_H */
