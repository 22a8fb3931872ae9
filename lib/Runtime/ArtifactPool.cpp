//===- ArtifactPool.cpp - Kernel thread pools of loaded artifacts --------===//

#include "ArtifactPool.h"

#include "qforge-c/qforge_parallel.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace qforge::runtime {
namespace {

struct Entry {
  qforge_pool *pool = nullptr;
  void *forGlobal = nullptr, *poolGlobal = nullptr;
  int references = 0;
};

std::mutex registryMutex;
std::map<void *, Entry> &registry() {
  static std::map<void *, Entry> entries;
  return entries;
}

} // namespace

bool attachPool(void *handle, const char **error) {
  void *forGlobal = dlsym(handle, QFORGE_PARALLEL_FOR_SYMBOL);
  void *poolGlobal = dlsym(handle, QFORGE_PARALLEL_POOL_SYMBOL);
  if (!forGlobal || !poolGlobal)
    return true; // no parallel kernels
  std::lock_guard<std::mutex> lock(registryMutex);
  Entry &e = registry()[handle];
  if (!e.pool) {
    e.pool = qforge_pool_create(0);
    if (!e.pool) {
      registry().erase(handle);
      *error = "cannot create the kernels' thread pool";
      return false;
    }
    e.forGlobal = forGlobal;
    e.poolGlobal = poolGlobal;
    qforge_pool_bind(e.pool, forGlobal, poolGlobal);
  }
  ++e.references;
  return true;
}

void detachPool(void *handle) {
  std::lock_guard<std::mutex> lock(registryMutex);
  auto it = registry().find(handle);
  if (it == registry().end() || --it->second.references > 0)
    return;
  qforge_pool_bind(nullptr, it->second.forGlobal, it->second.poolGlobal);
  qforge_pool_destroy(it->second.pool);
  registry().erase(it);
}

void setPoolThreads(void *handle, int32_t threads) {
  std::lock_guard<std::mutex> lock(registryMutex);
  auto it = registry().find(handle);
  if (it != registry().end())
    qforge_pool_set_threads(it->second.pool, threads);
}

} // namespace qforge::runtime
