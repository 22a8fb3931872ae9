/*===- qforge_parallel.h - Thread pool behind the generated kernels -*- C -*-===*
 *
 * Code compiled by --qf-cpu-to-llvm runs each kernel's outer loop (N tiles x
 * M blocks) through two weak, null-initialized globals it defines:
 *
 *   qforge_parallel_for_fn qforge_parallel_for;    QFORGE_PARALLEL_FOR_SYMBOL
 *   void                  *qforge_parallel_pool;   QFORGE_PARALLEL_POOL_SYMBOL
 *
 * and calls qforge_parallel_for(qforge_parallel_pool, task, ctx, count,
 * grain), or task(ctx, 0, count) on the calling thread while
 * qforge_parallel_for is null. Whoever loads the code (qforge_load for an
 * artifact, a JIT) binds both to one pool with qforge_pool_bind: the pool is
 * created once and reused by every kernel call of that module.
 *
 * Every iteration writes its own outputs with the same code whichever thread
 * runs it, so results are bit-identical for any number of threads.
 *===----------------------------------------------------------------------===*/
#ifndef QFORGE_C_QFORGE_PARALLEL_H
#define QFORGE_C_QFORGE_PARALLEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QFORGE_PARALLEL_FOR_SYMBOL "qforge_parallel_for"
#define QFORGE_PARALLEL_POOL_SYMBOL "qforge_parallel_pool"

/* Runs iterations [begin, end) of a kernel loop. */
typedef void (*qforge_parallel_task)(void *ctx, int64_t begin, int64_t end);
/* Runs task over [0, count) in disjoint ranges of at least `grain`
 * iterations (the last may be shorter) and returns when all are done. */
typedef void (*qforge_parallel_for_fn)(void *pool, qforge_parallel_task task,
                                       void *ctx, int64_t count,
                                       int64_t grain);

typedef struct qforge_pool qforge_pool;

/* A pool running loops on `threads` threads, the caller's included (so
 * threads - 1 workers); threads <= 0 means all cores. At most 256 threads
 * (more are capped), and fewer when the system refuses to create some: the
 * pool then runs with those it has (qforge_pool_threads says how many).
 * NULL on failure. */
qforge_pool *qforge_pool_create(int32_t threads);
void qforge_pool_destroy(qforge_pool *pool);
/* Changes the thread count (threads <= 0: all cores; capped as above). Must
 * not race with a loop running on the pool. */
void qforge_pool_set_threads(qforge_pool *pool, int32_t threads);
int32_t qforge_pool_threads(const qforge_pool *pool);
/* Overrides the kernels' grain when > 0 (tests and tuning); 0 restores it. */
void qforge_pool_set_grain(qforge_pool *pool, int64_t grain);

/* A qforge_parallel_for_fn; `pool` is a qforge_pool. With one thread, or
 * when the range fits in one task, it calls task(ctx, 0, count) on the
 * calling thread: exactly the single-threaded code. A loop started while
 * another runs on the same pool (from another thread), or from inside a
 * task, also runs on the calling thread. */
void qforge_pool_parallel_for(void *pool, qforge_parallel_task task, void *ctx,
                              int64_t count, int64_t grain);

/* Writes qforge_pool_parallel_for and `pool` to the addresses of a module's
 * QFORGE_PARALLEL_FOR_SYMBOL and QFORGE_PARALLEL_POOL_SYMBOL globals (pool
 * NULL: unbinds, back to serial). */
void qforge_pool_bind(qforge_pool *pool, void *parallel_for_global,
                      void *pool_global);

/* The number of cores this process may run on. */
int32_t qforge_hardware_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* QFORGE_C_QFORGE_PARALLEL_H */
