// Stats files: safetensors layout (checked byte by byte against the format),
// round trips through the writer and reader, and clear errors (with the
// path) for every kind of corrupt or foreign file.
#include "qforge/Formats/Npy.h"
#include "qforge/Formats/SafeTensors.h"
#include "qforge/Calibration/StatsFile.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

namespace {

using namespace qforge::calib;
using namespace qforge::formats;

std::string errorOf(llvm::Error err) {
  return err ? llvm::toString(std::move(err)) : std::string();
}

template <typename T> std::string errorOf(llvm::Expected<T> value) {
  if (value)
    return "";
  return llvm::toString(value.takeError());
}

StatsFile sampleStats() {
  StatsFile f;
  f.fingerprint = std::string(64, 'a');
  f.observer = "percentile";
  f.momentum = 0.95;
  f.percentile = 99.9;
  f.samples = 17;
  TensorStats in;
  in.min = -1.5f;
  in.max = 2.25f;
  in.channels = 3;
  in.absMax = {1.5f, 2.25f, 0.5f};
  in.absMean = {0.25f, 0.5f, 0.125f};
  in.xtx = {1, 2, 0.5f, 2, 5, 1, 0.5f, 1, 2};
  in.hist = {4, 0, 2, 1};
  in.histLow = 0.0f;
  in.histHigh = 4.0f;
  in.count = 12;
  in.rows = {-1.5f, 2.25f, 0.5f, 0.25f, -2.0f, 0.0f}; // 2 sampled rows
  TensorStats out = in;
  out.xtx.clear();
  out.rows.clear();
  out.channels = 2;
  out.absMax = {7, 8};
  out.absMean = {1, 2};
  f.ids = {"fc1.input", "fc1.output"};
  f.stats["fc1.input"] = in;
  f.stats["fc1.output"] = out;
  return f;
}

std::string serialize(const StatsFile &f) {
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  writeStatsFile(os, f);
  os.flush();
  return bytes;
}

/// Rewrites the JSON header of a safetensors buffer.
std::string withHeader(const std::string &bytes,
                       llvm::function_ref<void(llvm::json::Object &)> edit) {
  uint64_t n = llvm::support::endian::read64le(bytes.data());
  auto json = llvm::json::parse(llvm::StringRef(bytes).substr(8, n));
  EXPECT_TRUE(bool(json));
  edit(*json->getAsObject());
  std::string header;
  llvm::raw_string_ostream os(header);
  os << llvm::json::Value(std::move(*json));
  os.flush();
  std::string out(8, '\0');
  llvm::support::endian::write64le(out.data(), header.size());
  return out + header + bytes.substr(8 + n);
}

TEST(SafeTensors, LayoutFollowsTheFormat) {
  SafeTensorsFile f;
  f.metadata["k"] = "v";
  f.tensors.emplace_back("a", SafeTensor::f32({2}, {1.0f, -2.0f}));
  f.tensors.emplace_back("b", SafeTensor::i64({}, {7}));
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  writeSafeTensors(os, f);
  os.flush();
  uint64_t n = llvm::support::endian::read64le(bytes.data());
  EXPECT_EQ(n % 8, 0u);
  ASSERT_EQ(bytes.size(), 8 + n + 8 + 8);
  auto json = llvm::json::parse(llvm::StringRef(bytes).substr(8, n));
  ASSERT_TRUE(bool(json)) << llvm::toString(json.takeError());
  auto *root = json->getAsObject();
  EXPECT_EQ(*root->getObject("__metadata__")->getString("k"), "v");
  auto *a = root->getObject("a");
  EXPECT_EQ(*a->getString("dtype"), "F32");
  EXPECT_EQ(*(*a->getArray("data_offsets"))[0].getAsInteger(), 0);
  EXPECT_EQ(*(*a->getArray("data_offsets"))[1].getAsInteger(), 8);
  auto *b = root->getObject("b");
  EXPECT_EQ(*b->getString("dtype"), "I64");
  EXPECT_TRUE(b->getArray("shape")->empty());
  float second;
  std::memcpy(&second, bytes.data() + 8 + n + 4, 4);
  EXPECT_EQ(second, -2.0f);
  int64_t seven;
  std::memcpy(&seven, bytes.data() + 8 + n + 8, 8);
  EXPECT_EQ(seven, 7);
}

TEST(StatsFile, RoundTripsThroughAFile) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("stats", "safetensors", path));
  StatsFile f = sampleStats();
  ASSERT_EQ(errorOf(writeStatsFile(path.str(), f)), "");
  llvm::Expected<StatsFile> r = readStatsFile(path.str());
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_EQ(r->fingerprint, f.fingerprint);
  EXPECT_EQ(r->observer, "percentile");
  EXPECT_EQ(r->momentum, 0.95);
  EXPECT_EQ(r->percentile, 99.9);
  EXPECT_EQ(r->samples, 17);
  EXPECT_EQ(r->ids, f.ids);
  EXPECT_EQ(r->metadata.at("format"), "qforge-stats");
  EXPECT_EQ(r->metadata.at("version"), "1");
  EXPECT_EQ(r->metadata.at("ids"), "[\"fc1.input\",\"fc1.output\"]");
  for (const std::string &id : f.ids) {
    const TensorStats *a = r->lookup(id), &b = f.stats[id];
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->min, b.min);
    EXPECT_EQ(a->max, b.max);
    EXPECT_EQ(a->channels, b.channels);
    EXPECT_EQ(a->absMax, b.absMax);
    EXPECT_EQ(a->absMean, b.absMean);
    EXPECT_EQ(a->xtx, b.xtx);
    EXPECT_EQ(a->hist, b.hist);
    EXPECT_EQ(a->histLow, b.histLow);
    EXPECT_EQ(a->histHigh, b.histHigh);
    EXPECT_EQ(a->count, b.count);
    EXPECT_EQ(a->rows, b.rows);
  }
  EXPECT_EQ(r->lookup("fc1.input")->sampleRows(), 2);
  EXPECT_EQ(r->lookup("fc1.output")->sampleRows(), 0);
  EXPECT_EQ(r->lookup("nope"), nullptr);
  llvm::sys::fs::remove(path);
}

TEST(StatsFile, ErrorsNameThePathAndTheProblem) {
  std::string good = serialize(sampleStats());
  struct Case {
    const char *name;
    std::string bytes;
    const char *expected;
  };
  std::vector<Case> cases = {
      {"empty", "", "too short"},
      {"short", "abc", "too short"},
      {"header too long", std::string("\xff\xff\x00\x00\x00\x00\x00\x00", 8) + "{}",
       "header length 65535 exceeds"},
      {"truncated data", good.substr(0, good.size() - 5), "outside the"},
      {"not json", std::string("\x04\0\0\0\0\0\0\0", 8) + "{]]}", "corrupt safetensors header"},
      {"not an object", std::string("\x02\0\0\0\0\0\0\0", 8) + "[]", "not a JSON object"},
      {"foreign safetensors",
       withHeader(good, [](llvm::json::Object &o) { o.erase("__metadata__"); }),
       "__metadata__ has no 'format'"},
      {"wrong format", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("__metadata__"))["format"] = "pt";
       }),
       "format is 'pt'"},
      {"wrong version", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("__metadata__"))["version"] = "2";
       }),
       "unsupported stats file version '2'"},
      {"bad ids", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("__metadata__"))["ids"] = "fc1";
       }),
       "ids is not a JSON list"},
      {"missing tensor", withHeader(good, [](llvm::json::Object &o) {
         o.erase("fc1.input.absmean");
       }),
       "missing tensor 'fc1.input.absmean'"},
      {"unknown dtype", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("fc1.input.min"))["dtype"] = "F33";
       }),
       "unknown dtype 'F33'"},
      {"wrong dtype", withHeader(good, [](llvm::json::Object &o) {
         auto &t = *o.getObject("fc1.input.min");
         t["dtype"] = "I32";
       }),
       "'fc1.input.min' has dtype I32, expected F32"},
      {"size mismatch", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("fc1.input.absmax"))["shape"] = llvm::json::Array{4};
       }),
       "needs 16 bytes but data_offsets span 12"},
      {"wrong shape", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("fc1.input.xtx"))["shape"] = llvm::json::Array{9, 1};
       }),
       "'fc1.input.xtx' has shape [9, 1], expected [3, 3]"},
      {"metadata not strings", withHeader(good, [](llvm::json::Object &o) {
         (*o.getObject("__metadata__"))["samples"] = 17;
       }),
       "value of 'samples' is not a string"},
  };
  for (const Case &c : cases) {
    std::string message = errorOf(parseStatsFile(c.bytes, "dir/stats.safetensors"));
    EXPECT_NE(message.find("dir/stats.safetensors: "), std::string::npos)
        << c.name << ": " << message;
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << c.name << ": " << message;
  }
  // And the unmodified bytes parse.
  EXPECT_EQ(errorOf(parseStatsFile(good, "ok")), "");
}

// Crafted statistics with a copied fingerprint quantized to NaN or garbage
// with rc 0 (issue 16 #7): what cannot come from real data is refused.
TEST(StatsFile, RefusesStatisticsThatCannotComeFromRealData) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    const char *expected;
    std::function<void(TensorStats &)> edit;
  };
  std::vector<Case> cases = {
      {"range [min, max] is not finite", [&](TensorStats &s) { s.min = nan; }},
      {"range [min, max] is not finite", [&](TensorStats &s) { s.max = inf; }},
      {"min > max", [](TensorStats &s) { std::swap(s.min, s.max); }},
      {"NaN or infinite", [&](TensorStats &s) { s.absMax[1] = nan; }},
      {"NaN or infinite", [&](TensorStats &s) { s.xtx[4] = inf; }},
      {"NaN or infinite", [&](TensorStats &s) { s.hist[0] = nan; }},
      {"negative", [](TensorStats &s) { s.absMean[0] = -0.25f; }},
      {"mean |x| exceeds its max |x|", [](TensorStats &s) { s.absMean[2] = 1.0f; }},
      {"X^T X's diagonal at channel 0",
       [](TensorStats &s) { std::fill(s.xtx.begin(), s.xtx.end(), 0.0f); }},
      {"X^T X's diagonal at channel 1", [](TensorStats &s) { s.xtx[4] = 1e6f; }},
      {"exceeds the largest |x| observed",
       [](TensorStats &s) { std::fill(s.absMax.begin(), s.absMax.end(), 0.0f);
                            std::fill(s.absMean.begin(), s.absMean.end(), 0.0f);
                            s.xtx.assign(9, 0.0f); }},
      {"no rows were observed", [](TensorStats &s) { s.count = 0; }},
      {"histogram's range", [](TensorStats &s) { s.histLow = 5.0f; }},
      {"negative count", [](TensorStats &s) { s.hist[1] = -1.0f; }},
  };
  // The unedited statistics are accepted.
  ASSERT_EQ(errorOf(parseStatsFile(serialize(sampleStats()), "s")), "");
  for (const Case &c : cases) {
    StatsFile f = sampleStats();
    c.edit(f.stats["fc1.input"]);
    std::string message = errorOf(parseStatsFile(serialize(f), "crafted.safetensors"));
    EXPECT_NE(message.find("crafted.safetensors: the statistics of 'fc1.input' "
                           "cannot come from real data"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << c.expected << " / " << message;
  }
}

/// `bytes` (a safetensors file) with tensor `name` replaced by `t` (or added).
std::string withTensor(const std::string &bytes, const std::string &name,
                       SafeTensor t) {
  auto parsed = parseSafeTensors(bytes, "x");
  EXPECT_TRUE(bool(parsed));
  bool found = false;
  for (auto &[n, old] : parsed->tensors)
    if (n == name) {
      old = t;
      found = true;
    }
  if (!found)
    parsed->tensors.emplace_back(name, std::move(t));
  std::string out;
  llvm::raw_string_ostream os(out);
  writeSafeTensors(os, *parsed);
  os.flush();
  return out;
}

TEST(StatsFile, WritesSampledRowsAsRK) {
  std::string bytes = serialize(sampleStats());
  auto parsed = parseSafeTensors(bytes, "x");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  const SafeTensor *rows = parsed->find("fc1.input.rows");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ(rows->dtype, "F32");
  EXPECT_EQ(rows->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(rows->toFloats(), sampleStats().stats["fc1.input"].rows);
  // Values without a sample (here the output) get no tensor.
  EXPECT_EQ(parsed->find("fc1.output.rows"), nullptr);
}

// Files written before the sample was kept have no .rows: still valid.
TEST(StatsFile, ReadsAFileWithoutRows) {
  StatsFile f = sampleStats();
  f.stats["fc1.input"].rows.clear();
  std::string bytes = serialize(f);
  EXPECT_EQ(bytes.find(".rows"), std::string::npos);
  auto r = parseStatsFile(bytes, "old.safetensors");
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_FALSE(r->lookup("fc1.input")->hasRows());
  EXPECT_EQ(r->lookup("fc1.input")->sampleRows(), 0);
  EXPECT_TRUE(r->lookup("fc1.input")->hasXtx());
}

// Sampled rows are untrusted input like the rest: a shape other than [R, K]
// with 1 <= R <= min(count, 4096), non-finite values or values beyond their
// channel's max |x| are refused, naming the id and .rows.
TEST(StatsFile, RefusesBadSampledRows) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::string good = serialize(sampleStats());
  std::vector<float> six = sampleStats().stats["fc1.input"].rows;
  auto edited = [](std::function<void(StatsFile &)> edit) {
    StatsFile f = sampleStats();
    edit(f);
    return serialize(f);
  };
  struct Case {
    const char *name;
    std::string bytes;
    std::vector<const char *> expected;
  };
  std::vector<Case> cases = {
      {"rank 1", withTensor(good, "fc1.input.rows", SafeTensor::f32({6}, six)),
       {"'fc1.input.rows' has shape [6], expected [R, 3]"}},
      {"wrong K", withTensor(good, "fc1.input.rows", SafeTensor::f32({3, 2}, six)),
       {"'fc1.input.rows' has shape [3, 2], expected [R, 3]"}},
      {"rank 3", withTensor(good, "fc1.input.rows", SafeTensor::f32({1, 2, 3}, six)),
       {"'fc1.input.rows' has shape [1, 2, 3], expected [R, 3]"}},
      {"no rows", withTensor(good, "fc1.input.rows", SafeTensor::f32({0, 3}, {})),
       {"'fc1.input.rows' holds 0 sampled rows", "min(count, 4096) = 12"}},
      {"R > count",
       withTensor(good, "fc1.input.rows",
                  SafeTensor::f32({13, 3}, std::vector<float>(39, 0.0f))),
       {"'fc1.input.rows' holds 13 sampled rows", "(count 12)"}},
      {"R > 4096",
       withTensor(edited([](StatsFile &f) { f.stats["fc1.output"].count = 10000; }),
                  "fc1.output.rows",
                  SafeTensor::f32({4097, 2}, std::vector<float>(8194, 0.0f))),
       {"'fc1.output.rows' holds 4097 sampled rows", "min(count, 4096) = 4096"}},
      {"wrong dtype",
       withTensor(good, "fc1.input.rows", SafeTensor::i64({2, 3}, {0, 0, 0, 0, 0, 0})),
       {"'fc1.input.rows' has dtype I64, expected F32"}},
      {"NaN", edited([&](StatsFile &f) { f.stats["fc1.input"].rows[1] = nan; }),
       {"the statistics of 'fc1.input' cannot come from real data",
        "sampled rows (.rows) hold NaN or infinite values"}},
      {"inf", edited([&](StatsFile &f) { f.stats["fc1.input"].rows[5] = -inf; }),
       {"the statistics of 'fc1.input' cannot come from real data",
        "sampled rows (.rows) hold NaN or infinite values"}},
      {"above absmax",
       edited([](StatsFile &f) { f.stats["fc1.input"].rows[2] = 0.5001f; }),
       {"the statistics of 'fc1.input' cannot come from real data",
        "sampled row 0 (.rows) exceeds channel 2's max |x|"}},
      {"below -absmax",
       edited([](StatsFile &f) { f.stats["fc1.input"].rows[4] = -2.5f; }),
       {"sampled row 1 (.rows) exceeds channel 1's max |x|"}},
      {"output beyond absmax",
       edited([](StatsFile &f) { f.stats["fc1.output"].rows = {7.0f, 8.5f}; }),
       {"the statistics of 'fc1.output' cannot come from real data",
        "sampled row 0 (.rows) exceeds channel 1's max |x|"}},
  };
  ASSERT_EQ(errorOf(parseStatsFile(good, "s")), "");
  for (const Case &c : cases) {
    std::string message = errorOf(parseStatsFile(c.bytes, "bad.safetensors"));
    EXPECT_EQ(message.find("bad.safetensors: "), 0u) << c.name << ": " << message;
    EXPECT_NE(message.find(".rows"), std::string::npos) << c.name << ": " << message;
    for (const char *e : c.expected)
      EXPECT_NE(message.find(e), std::string::npos)
          << c.name << ": expected '" << e << "' in: " << message;
  }
  // Within the tolerance (a value at, or one float above, its channel's max)
  // and up to count rows: accepted.
  for (auto edit : std::vector<std::function<void(StatsFile &)>>{
           [](StatsFile &f) {
             f.stats["fc1.input"].rows[2] = std::nextafter(0.5f, 1.0f);
           },
           [](StatsFile &f) {
             f.stats["fc1.input"].rows.assign(12 * 3, -0.5f);
           },
           [](StatsFile &f) { f.stats["fc1.output"].rows = {-7.0f, 8.0f}; }}) {
    std::string bytes = edited(edit);
    EXPECT_EQ(errorOf(parseStatsFile(bytes, "ok")), "");
  }
}

TEST(StatsFile, MissingFileIsAnErrorWithThePath) {
  std::string message = errorOf(readStatsFile("/nonexistent/dir/s.safetensors"));
  EXPECT_NE(message.find("/nonexistent/dir/s.safetensors"), std::string::npos);
  EXPECT_NE(message.find("cannot read"), std::string::npos);
}

TEST(StatsFile, AcceptsAFloatCount) {
  std::string bytes = serialize(sampleStats());
  // Replace fc1.output.count (I64, 8 bytes) by an F32 count: same layout
  // otherwise, so rewrite it as a fresh safetensors file.
  auto parsed = parseSafeTensors(bytes, "x");
  ASSERT_TRUE(bool(parsed));
  for (auto &[name, t] : parsed->tensors)
    if (name == "fc1.output.count")
      t = SafeTensor::f32({}, {12.0f});
  std::string rewritten;
  llvm::raw_string_ostream os(rewritten);
  writeSafeTensors(os, *parsed);
  os.flush();
  auto r = parseStatsFile(rewritten, "x");
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_EQ(r->lookup("fc1.output")->count, 12);
}

TEST(Npz, RoundTripsAndDetectsCorruption) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("samples", "npz", path));
  NpyArray a;
  a.name = "arg0";
  a.kind = 'f';
  a.itemSize = 4;
  a.shape = {2, 3};
  std::vector<float> values = {1, 2, 3, 4, 5, -6};
  a.data.resize(24);
  std::memcpy(a.data.data(), values.data(), 24);
  NpyArray b = a;
  b.name = "arg1";
  b.kind = 'i';
  b.itemSize = 8;
  b.shape = {3};
  std::vector<int64_t> ints = {7, -8, 9};
  b.data.resize(24);
  std::memcpy(b.data.data(), ints.data(), 24);
  ASSERT_EQ(errorOf(writeNpz(path.str(), {a, b})), "");
  auto r = readNpyOrNpz(path.str());
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "arg0");
  EXPECT_EQ((*r)[0].shape, a.shape);
  EXPECT_EQ((*r)[0].data, a.data);
  EXPECT_EQ((*r)[0].dtypeName(), "float32");
  EXPECT_EQ((*r)[1].name, "arg1");
  EXPECT_EQ((*r)[1].shape, b.shape);
  EXPECT_EQ((*r)[1].data, b.data);
  EXPECT_EQ((*r)[1].dtypeName(), "int64");

  // Flip a data byte: the CRC catches it.
  auto buffer = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(bool(buffer));
  std::string bytes = (*buffer)->getBuffer().str();
  size_t at = bytes.find("\x93NUMPY") + 128 + 4; // inside arg0's data
  bytes[at] ^= 0x40;
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << bytes;
  }
  std::string message = errorOf(readNpyOrNpz(path.str()));
  EXPECT_NE(message.find(path.str().str()), std::string::npos) << message;
  EXPECT_NE(message.find("CRC mismatch"), std::string::npos) << message;
  // Truncated: no central directory.
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << bytes.substr(0, 100);
  }
  message = errorOf(readNpyOrNpz(path.str()));
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  llvm::sys::fs::remove(path);
}

TEST(Npy, ParsesHeadersAndRejectsWhatItCannotRead) {
  auto npy = [](const std::string &header, size_t dataBytes) {
    std::string h = header;
    while ((10 + h.size() + 1) % 64)
      h += ' ';
    h += '\n';
    std::string out = "\x93NUMPY\x01";
    out.push_back('\0');
    out.push_back(char(h.size() & 0xff));
    out.push_back(char(h.size() >> 8));
    return out + h + std::string(dataBytes, '\0');
  };
  auto ok = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24), "x");
  ASSERT_TRUE(bool(ok)) << llvm::toString(ok.takeError());
  EXPECT_EQ(ok->shape, (std::vector<int64_t>{2, 3}));
  auto scalar = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 8), "x");
  ASSERT_TRUE(bool(scalar));
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->numElements(), 1);
  struct Bad {
    std::string bytes;
    const char *expected;
  } bad[] = {
      {"nope", "bad magic"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20), "truncated .npy data"},
      {npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8), "big-endian"},
      {npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16), "unsupported dtype"},
      {npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", 16), "unsupported dtype"},
      {npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24), "Fortran-order"},
      // Issue 16 #3: element counts that overflow (here to 0 and to 16 bytes
      // with 64-bit arithmetic) must not "fit" a small file.
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 16),
       "has more elements than any file can hold"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693954, 2), }", 32),
       "has more elements than any file can hold"},
  };
  for (const Bad &b : bad) {
    std::string message = errorOf(parseNpy(b.bytes, "file.npy"));
    EXPECT_NE(message.find("file.npy: "), std::string::npos) << message;
    EXPECT_NE(message.find(b.expected), std::string::npos) << message;
  }
}

} // namespace
