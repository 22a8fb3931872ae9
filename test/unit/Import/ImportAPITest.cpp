//===- ImportAPITest.cpp - qforge::importONNX* entry points ---------------===//
//
// The library API: bytes and files, options, errors as llvm::Error and as
// diagnostics, malformed input (every truncation of a model is rejected
// cleanly), external data that escapes the model's directory.
//
//===----------------------------------------------------------------------===//

#include "qforge/Import/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

fs::path casesDir() {
  const char *env = std::getenv("QFORGE_IMPORT_CASES");
  return env ? env : QFORGE_IMPORT_CASES;
}

/// A two-node model built with the protobuf classes: y = Relu(x @ W).
onnx::ModelProto tinyModel(int64_t k = 4, int64_t n = 3) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  onnx::GraphProto *g = model.mutable_graph();
  g->set_name("tiny");
  auto addValue = [](onnx::ValueInfoProto *v, const char *name,
                     std::initializer_list<int64_t> dims) {
    v->set_name(name);
    auto *t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) {
      auto *dim = t->mutable_shape()->add_dim();
      if (d < 0)
        dim->set_dim_param("batch");
      else
        dim->set_dim_value(d);
    }
  };
  addValue(g->add_input(), "x", {-1, k});
  addValue(g->add_output(), "y", {-1, n});
  onnx::TensorProto *w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(k);
  w->add_dims(n);
  for (int64_t i = 0; i < k * n; ++i)
    w->add_float_data(float(i) * 0.25f);
  onnx::NodeProto *mm = g->add_node();
  mm->set_name("proj");
  mm->set_op_type("MatMul");
  mm->add_input("x");
  mm->add_input("W");
  mm->add_output("h");
  onnx::NodeProto *relu = g->add_node();
  relu->set_op_type("Relu");
  relu->add_input("h");
  relu->add_output("y");
  return model;
}

std::string bytesOf(const onnx::ModelProto &m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

TEST(ImportAPI, FromBytes) {
  mlir::MLIRContext context;
  qforge::ONNXImportOptions options;
  options.functionName = "forward";
  auto module =
      qforge::importONNXFromBytes(bytesOf(tinyModel()), &context, options);
  ASSERT_TRUE(bool(module)) << llvm::toString(module.takeError());
  auto func = (**module).lookupSymbol<mlir::func::FuncOp>("forward");
  ASSERT_TRUE(func);
  EXPECT_TRUE(func->hasAttr("llvm.emit_c_interface"));
  auto argType = mlir::cast<mlir::RankedTensorType>(func.getArgumentTypes()[0]);
  EXPECT_TRUE(argType.isDynamicDim(0));
  EXPECT_EQ(argType.getDimSize(1), 4);
  EXPECT_EQ(func.getArgAttrOfType<mlir::StringAttr>(0, "qf.name").getValue(),
            "x");
  EXPECT_EQ(func.getResultAttrOfType<mlir::StringAttr>(0, "qf.name").getValue(),
            "y");
  // 12 weights: dense by default; a blob with maxDenseElements below that.
  int matmuls = 0;
  func.walk([&](mlir::linalg::MatmulOp op) {
    ++matmuls;
    auto loc = mlir::dyn_cast<mlir::NameLoc>(op->getLoc());
    ASSERT_TRUE(loc);
    EXPECT_EQ(loc.getName().getValue(), "proj");
    auto cst = op.getInputs()[1].getDefiningOp<mlir::arith::ConstantOp>();
    ASSERT_TRUE(cst);
    auto dense = mlir::dyn_cast<mlir::DenseElementsAttr>(cst.getValue());
    ASSERT_TRUE(dense);
    EXPECT_EQ(dense.getValues<float>()[5], 1.25f);
  });
  EXPECT_EQ(matmuls, 1);

  options.maxDenseElements = 4;
  auto blobbed =
      qforge::importONNXFromBytes(bytesOf(tinyModel()), &context, options);
  ASSERT_TRUE(bool(blobbed)) << llvm::toString(blobbed.takeError());
  bool sawBlob = false;
  (**blobbed).walk([&](mlir::arith::ConstantOp cst) {
    if (auto r = mlir::dyn_cast<mlir::DenseF32ResourceElementsAttr>(
            cst.getValue())) {
      sawBlob = true;
      std::optional<llvm::ArrayRef<float>> data = r.tryGetAsArrayRef();
      ASSERT_TRUE(data);
      ASSERT_EQ(data->size(), 12u);
      EXPECT_EQ((*data)[11], 2.75f);
    }
  });
  EXPECT_TRUE(sawBlob);
}

TEST(ImportAPI, ErrorsAsLlvmErrorAndDiagnostics) {
  onnx::ModelProto m = tinyModel();
  m.mutable_graph()->mutable_node(1)->set_op_type("Frobnicate");
  mlir::MLIRContext context;
  auto module = qforge::importONNXFromBytes(bytesOf(m), &context);
  ASSERT_FALSE(bool(module));
  std::string error = llvm::toString(module.takeError());
  EXPECT_NE(error.find("cannot import 1 ONNX node:"), std::string::npos)
      << error;
  EXPECT_NE(
      error.find(
          "node producing 'y' (Frobnicate, opset 17): unsupported operator"),
      std::string::npos)
      << error;

  // The diagnostics variant reports through the context.
  std::string seen;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    seen += d.str();
    return mlir::success();
  });
  EXPECT_FALSE(qforge::importONNXBytes(bytesOf(m), &context));
  EXPECT_NE(seen.find("Frobnicate"), std::string::npos) << seen;
  seen.clear();
  EXPECT_FALSE(qforge::importONNXFile("/nonexistent/model.onnx", &context));
  EXPECT_NE(seen.find("cannot open ONNX model '/nonexistent/model.onnx'"),
            std::string::npos)
      << seen;
}

TEST(ImportAPI, EveryTruncationIsRejected) {
  std::string bytes = bytesOf(tinyModel());
  mlir::MLIRContext context;
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  ASSERT_TRUE(qforge::importONNXBytes(bytes, &context));
  for (size_t len = 0; len < bytes.size(); ++len)
    EXPECT_FALSE(
        qforge::importONNXBytes(llvm::StringRef(bytes.data(), len), &context))
        << "a " << len << "-byte prefix of " << bytes.size() << " was accepted";
}

TEST(ImportAPI, MalformedGraphs) {
  mlir::MLIRContext context;
  auto expectError = [&](const onnx::ModelProto &m, const std::string &what) {
    auto module = qforge::importONNXFromBytes(bytesOf(m), &context);
    ASSERT_FALSE(bool(module)) << what;
    std::string error = llvm::toString(module.takeError());
    EXPECT_NE(error.find(what), std::string::npos) << error;
  };
  onnx::ModelProto m = tinyModel();
  m.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
  expectError(m, "uses 'nowhere', which is not a graph input");

  m = tinyModel();
  m.mutable_graph()->mutable_output(0)->set_name("missing");
  expectError(m, "graph output 'missing' is not produced");

  m = tinyModel();
  m.mutable_graph()->mutable_initializer(0)->add_float_data(1.0f);
  expectError(m, "tensor 'W': has 13 elements, expected 12");

  m = tinyModel(4, 3);
  m.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(1)
      ->set_dim_value(5);
  expectError(m, "inner dimensions differ (5 vs 4)");
}

TEST(ImportAPI, ExternalDataMustStayInTheModelDirectory) {
  onnx::ModelProto m = tinyModel();
  onnx::TensorProto *w = m.mutable_graph()->mutable_initializer(0);
  w->clear_float_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto *kv = w->add_external_data();
  kv->set_key("location");
  kv->set_value("../weights.bin");
  mlir::MLIRContext context;
  auto module = qforge::importONNXFromBytes(bytesOf(m), &context);
  ASSERT_FALSE(bool(module));
  std::string error = llvm::toString(module.takeError());
  EXPECT_NE(error.find("must be relative to the model's directory"),
            std::string::npos)
      << error;

  // Inside the directory (with an offset): read from there.
  fs::path dir = fs::temp_directory_path() /
                 ("qforge-import-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "w.bin", std::ios::binary);
    out.write("PAD!", 4);
    for (int i = 0; i < 12; ++i) {
      float f = -float(i);
      out.write(reinterpret_cast<const char *>(&f), 4);
    }
  }
  kv->set_value("w.bin");
  auto *offset = w->add_external_data();
  offset->set_key("offset");
  offset->set_value("4");
  {
    std::ofstream out(dir / "m.onnx", std::ios::binary);
    out << bytesOf(m);
  }
  qforge::ONNXImportOptions options;
  options.maxDenseElements = 0;
  auto ok = qforge::importONNX((dir / "m.onnx").string(), &context, options);
  ASSERT_TRUE(bool(ok)) << llvm::toString(ok.takeError());
  bool checked = false;
  (**ok).walk([&](mlir::arith::ConstantOp cst) {
    if (auto r = mlir::dyn_cast<mlir::DenseF32ResourceElementsAttr>(
            cst.getValue())) {
      EXPECT_EQ((*r.tryGetAsArrayRef())[7], -7.0f);
      checked = true;
    }
  });
  EXPECT_TRUE(checked);
  fs::remove_all(dir);
}

TEST(ImportAPI, ImportsEveryGeneratedModelFile) {
  // The numeric models through the file entry point (external data
  // included); their numerics are ImportNumeric's job.
  fs::path dir = casesDir() / "models";
  if (!fs::is_directory(dir))
    GTEST_SKIP() << "no generated models in " << dir;
  mlir::MLIRContext context;
  int count = 0;
  for (const auto &e : fs::directory_iterator(dir)) {
    auto module =
        qforge::importONNX((e.path() / "model.onnx").string(), &context);
    EXPECT_TRUE(bool(module))
        << e.path() << ": " << llvm::toString(module.takeError());
    ++count;
  }
  EXPECT_GE(count, 8);
}

} // namespace
