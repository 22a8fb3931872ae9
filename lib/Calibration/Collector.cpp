//===- Collector.cpp - Observers' values into statistics and errors ------===//

#include "qforge/Calibration/Collector.h"

#include <cstring>

namespace qforge::calib {

using formats::NpyArray;

std::vector<double> toDoubles(const NpyArray &a) {
  std::vector<double> out(size_t(a.numElements()));
  for (size_t i = 0; i < out.size(); ++i) {
    const char *p = a.data.data() + i * a.itemSize;
    auto get = [&](auto tag) {
      decltype(tag) v;
      std::memcpy(&v, p, sizeof v);
      return double(v);
    };
    if (a.kind == 'f')
      out[i] = a.itemSize == 4 ? get(float()) : a.itemSize == 8 ? get(double()) : 0.0;
    else if (a.kind == 'u')
      out[i] = a.itemSize == 1 ? get(uint8_t()) : a.itemSize == 2 ? get(uint16_t())
             : a.itemSize == 4 ? get(uint32_t()) : get(uint64_t());
    else if (a.kind == 'b')
      out[i] = get(uint8_t());
    else
      out[i] = a.itemSize == 1 ? get(int8_t()) : a.itemSize == 2 ? get(int16_t())
             : a.itemSize == 4 ? get(int32_t()) : get(int64_t());
  }
  return out;
}

} // namespace qforge::calib
