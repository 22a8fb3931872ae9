// An embedder running an artifact through the installed C++ runtime wrapper
// (qforge-c/qforge.hpp; links only QForge::qforge_runtime).
#include "qforge-c/qforge.hpp"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer-run ARTIFACT.so\n");
    return 2;
  }
  try {
    qforge::Model model(argv[1]);
    std::vector<float> x = {1, 2, 3, 4, 0, -1, 0.5f, 2};
    std::vector<qforge::Tensor> y = model.run({x});
    std::printf("%s:", model.output(0).name.c_str());
    for (float v : y[0].toVector<float>())
      std::printf(" %.4g", v);
    std::printf("\n");
  } catch (const qforge::Error &e) {
    std::fprintf(stderr, "consumer-run: %s\n", e.what());
    return 1;
  }
  return 0;
}
