//===- QForgeModule.cpp - Python bindings (pybind11 + numpy) -------------===//
//
// `qforge._qforge`: the compiler (compile, opt) and the runtime (Model). The
// Python API in qforge/__init__.py is built on these.
//
//===----------------------------------------------------------------------===//

#include "qforge-c/qforge.h"
#include "qforge/Compiler/Compile.h"
#include "qforge/Support/InputFile.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Import/ONNXImporter.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <map>
#include <string>

namespace py = pybind11;

namespace {

void registerEverything() {
  static bool done = [] {
    mlir::registerAllPasses();
    qforge::qf::registerQFPasses();
    qforge::registerPipelines();
    return true;
  }();
  (void)done;
}

mlir::DialectRegistry makeRegistry() {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qforge::qf::QFDialect>();
  return registry;
}

/// Collects diagnostics so that they become the Python exception's text.
struct Diagnostics {
  explicit Diagnostics(mlir::MLIRContext &ctx)
      : handler(&ctx, [this](mlir::Diagnostic &d) {
          llvm::raw_string_ostream os(text);
          os << d.getLocation() << ": " << d << "\n";
          return mlir::success();
        }) {}
  std::string text;
  mlir::ScopedDiagnosticHandler handler;
};

mlir::OwningOpRef<mlir::ModuleOp> parse(mlir::MLIRContext &ctx,
                                        const std::string &text,
                                        Diagnostics &diags) {
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
  if (!module)
    throw py::value_error("invalid MLIR:\n" + diags.text);
  return module;
}

std::string opt(const std::string &text, const std::string &pipeline) {
  registerEverything();
  mlir::MLIRContext ctx(makeRegistry());
  Diagnostics diags(ctx);
  auto module = parse(ctx, text, diags);
  mlir::PassManager pm(&ctx);
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  // The pass manager is anchored on the module already: accept mlir-opt's
  // `builtin.module(...)` spelling by dropping that wrapper.
  llvm::StringRef body(pipeline);
  body = body.trim();
  if (body.consume_front("builtin.module(") && body.consume_back(")"))
    ;
  else
    body = llvm::StringRef(pipeline).trim();
  if (mlir::failed(mlir::parsePassPipeline(body, pm, errorStream)))
    throw py::value_error("invalid pipeline '" + pipeline + "': " + error);
  if (mlir::failed(pm.run(*module)))
    throw std::runtime_error("pipeline failed:\n" + diags.text);
  std::string out;
  llvm::raw_string_ostream os(out);
  module->print(os);
  return out;
}

/// Compiles an .onnx or .mlir file; returns report.json's text.
std::string compile(const std::string &path, const qforge::CompileOptions &o) {
  registerEverything();
  mlir::MLIRContext ctx(makeRegistry());
  Diagnostics diags(ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (llvm::StringRef(path).ends_with(".onnx")) {
    module = qforge::importONNXFile(path, &ctx);
    if (!module)
      throw py::value_error("cannot import '" + path + "':\n" + diags.text);
  } else {
    auto file = qforge::readInputFile(path);
    if (!file)
      throw py::value_error("cannot read '" + path + "': " +
                            qforge::inputFileError(path, file.getError()));
    module = parse(ctx, (*file)->getBuffer().str(), diags);
  }
  llvm::Expected<qforge::CompileReport> report =
      qforge::compileModule(*module, o);
  if (!report)
    throw std::runtime_error(llvm::toString(report.takeError()) +
                             (diags.text.empty() ? "" : "\n" + diags.text));
  return qforge::reportToJSON(*report);
}

struct TensorSpec {
  std::string name;
  qforge_dtype dtype;
  std::vector<int64_t> shape;
};

py::dtype numpyDType(qforge_dtype d) {
  switch (d) {
  case QFORGE_F32:
    return py::dtype::of<float>();
  case QFORGE_F16:
    return py::dtype("float16");
  case QFORGE_BF16:
    return py::dtype("uint16"); // raw bf16 bits; numpy has no bfloat16
  case QFORGE_I8:
    return py::dtype::of<int8_t>();
  case QFORGE_U8:
    return py::dtype::of<uint8_t>();
  case QFORGE_I32:
    return py::dtype::of<int32_t>();
  case QFORGE_I64:
    return py::dtype::of<int64_t>();
  }
  throw std::runtime_error("unknown dtype");
}

/// A loaded artifact; calls go through the C runtime, which checks them.
class Model {
public:
  explicit Model(const std::string &path) : model(qforge_load(path.c_str())) {
    if (!model)
      throw std::runtime_error(qforge_last_error());
    for (int32_t i = 0; i < qforge_num_inputs(model); ++i)
      inputs.push_back(spec(i, true));
    for (int32_t i = 0; i < qforge_num_outputs(model); ++i)
      outputs.push_back(spec(i, false));
  }
  ~Model() { qforge_free(model); }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  py::list call(py::args args) {
    if (args.size() != inputs.size())
      throw py::value_error("model '" + std::string(qforge_model_name(model)) +
                            "' takes " + std::to_string(inputs.size()) +
                            " inputs, got " + std::to_string(args.size()));
    std::vector<py::array> keep;
    std::vector<std::vector<int64_t>> shapes;
    std::vector<qforge_tensor> in;
    for (size_t i = 0; i < args.size(); ++i) {
      // Row-major and of the model's dtype; a float64 array is not silently
      // converted (that would hide a wrong input).
      py::array a = py::array::ensure(args[i], py::array::c_style);
      if (!a)
        throw py::value_error("input " + std::to_string(i) + " ('" +
                              inputs[i].name + "') is not an array");
      qforge_dtype dtype = inputs[i].dtype;
      if (!a.dtype().is(numpyDType(dtype)))
        throw py::value_error(
            "input " + std::to_string(i) + " ('" + inputs[i].name +
            "') must be " + qforge_dtype_name(dtype) + ", got " +
            std::string(py::str(a.dtype())));
      shapes.emplace_back(a.shape(), a.shape() + a.ndim());
      keep.push_back(a);
      in.push_back({a.mutable_data(), dtype, int32_t(a.ndim()),
                    shapes.back().data()});
    }
    py::list results;
    std::vector<qforge_tensor> out;
    std::vector<py::array> outArrays;
    std::vector<std::vector<int64_t>> outShapes;
    for (size_t i = 0; i < outputs.size(); ++i) {
      // Dynamic dimensions take the sizes the inputs bind (checked there).
      std::vector<int64_t> shape(outputs[i].shape.size());
      if (qforge_output_shape(model, in.data(), int32_t(in.size()), int32_t(i),
                              shape.data()) != 0)
        throw py::value_error(qforge_last_error());
      outShapes.push_back(shape);
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      const TensorSpec &o = outputs[i];
      // numpy.empty: a fresh C-contiguous array of the output's shape.
      py::array a = py::module_::import("numpy").attr("empty")(
          py::tuple(py::cast(outShapes[i])), numpyDType(o.dtype));
      outArrays.push_back(a);
      out.push_back({a.mutable_data(), o.dtype, int32_t(outShapes[i].size()),
                     outShapes[i].data()});
    }
    if (qforge_run(model, in.data(), int32_t(in.size()), out.data(),
                   int32_t(out.size())) != 0)
      throw py::value_error(qforge_last_error());
    for (py::array &a : outArrays)
      results.append(a);
    return results;
  }

  py::list signature(bool ofInputs) const {
    py::list out;
    for (const TensorSpec &t : ofInputs ? inputs : outputs) {
      // A dynamic dimension is None (numpy/ONNX style), not -1.
      py::list shape;
      for (int64_t d : t.shape)
        shape.append(d < 0 ? py::object(py::none()) : py::object(py::int_(d)));
      out.append(py::make_tuple(t.name, qforge_dtype_name(t.dtype),
                                py::tuple(shape)));
    }
    return out;
  }

private:
  TensorSpec spec(int32_t i, bool input) {
    TensorSpec t;
    int32_t rank;
    const int64_t *shape;
    if (input) {
      t.name = qforge_input_name(model, i);
      qforge_input_info(model, i, &t.dtype, &rank, &shape);
    } else {
      t.name = qforge_output_name(model, i);
      qforge_output_info(model, i, &t.dtype, &rank, &shape);
    }
    t.shape.assign(shape, shape + rank);
    return t;
  }

  qforge_model *model;
  std::vector<TensorSpec> inputs, outputs;
};

} // namespace

PYBIND11_MODULE(_qforge, m) {
  m.doc() = "QForge: quantizing compiler (native part)";
  m.def("opt", &opt, py::arg("mlir_text"), py::arg("pipeline"),
        "Run a pass pipeline (mlir-opt syntax) on MLIR text; returns MLIR "
        "text.");
  m.def(
      "compile_file",
      [](const std::string &path, const std::string &outDir,
         const std::string &scheme, const std::string &schemeFile,
         const std::string &algorithm, const std::string &target,
         const std::string &name, const std::string &entry,
         const std::string &calib, const std::string &stats,
         const std::vector<std::string> &shapes, const std::string &lowering,
         bool int8Activations,
         const std::map<std::string, std::string> &autoquant,
         const std::string &eval, const std::string &only,
         const std::string &sensitiveLayers, double sensitiveMinSqnr) {
        qforge::CompileOptions o;
        // --scheme auto's options, by qforge-compile's names without the
        // "autoquant-" prefix.
        for (const auto &[key, value] : autoquant) {
          qforge::AutoquantOptions &a = o.autoquant;
          auto number = [&](double &out) {
            llvm::StringRef text(value);
            if (text.getAsDouble(out))
              throw py::value_error("autoquant option '" + key +
                                    "' must be a number, got '" + value + "'");
          };
          double v = 0;
          if (key == "m")
            a.mProfile = value;
          else if (key == "min_sqnr")
            number(a.minSqnr);
          else if (key == "cache")
            a.cachePath = value;
          else if (key == "cache_mode")
            a.cacheMode = value;
          else if (key == "plan")
            a.planFile = value;
          else if (key == "timer")
            a.timer = value;
          else if (key == "costs")
            a.costs = value;
          else if (key == "budget")
            number(a.budget);
          else if (key == "max_error")
            number(a.maxError);
          else if (key == "threads" || key == "rounds") {
            number(v);
            if (!(v >= (key == "threads" ? 0 : 1) && v <= 1024))
              throw py::value_error("autoquant option '" + key +
                                    "' must be between " +
                                    (key == "threads" ? "0" : "1") +
                                    " and 1024");
            (key == "threads" ? a.threads : a.rounds) = unsigned(v);
          } else if (key == "verify")
            a.verify = value == "1" || value == "true" || value == "True";
          else if (key == "quiet")
            a.quiet = value == "1" || value == "true" || value == "True";
          else
            throw py::value_error(
                "unknown autoquant option '" + key +
                "' (m, min_sqnr, cache, cache_mode, plan, timer, costs, "
                "budget, max_error, verify, threads, rounds, quiet)");
        }
        o.int8Activations = int8Activations;
        o.outDir = outDir;
        o.scheme = scheme;
        o.schemeFile = schemeFile;
        o.algorithm = algorithm;
        o.target = target;
        o.name = name;
        o.entry = entry;
        o.calib = calib;
        o.eval = eval;
        o.only = only;
        o.sensitiveLayers = sensitiveLayers;
        o.sensitiveMinSqnr = sensitiveMinSqnr;
        o.stats = stats;
        for (const std::string &text : shapes) {
          llvm::Expected<qforge::InputShape> shape =
              qforge::parseInputShape(text);
          if (!shape)
            throw py::value_error(llvm::toString(shape.takeError()));
          o.shapes.push_back(*shape);
        }
        if (lowering == "reference")
          o.lowering = qforge::Lowering::Reference;
        else if (lowering != "cpu")
          throw py::value_error("lowering must be 'cpu' or 'reference', got '" +
                                lowering + "'");
        return compile(path, o);
      },
      py::arg("path"), py::arg("out_dir"), py::arg("scheme") = "",
      py::arg("scheme_file") = "", py::arg("algorithm") = "rtn",
      py::arg("target") = "host", py::arg("name") = "", py::arg("entry") = "",
      py::arg("calib") = "", py::arg("stats") = "",
      py::arg("shapes") = std::vector<std::string>(),
      py::arg("lowering") = "cpu", py::arg("int8_activations") = false,
      py::arg("autoquant") = std::map<std::string, std::string>(),
      py::arg("eval") = "", py::arg("only") = "all",
      py::arg("sensitive_layers") = "keep",
      py::arg("sensitive_min_sqnr") = 10.0,
      "Compile an .onnx or .mlir file to OUT_DIR/<name>.so; returns "
      "report.json's text.");
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string &>(), py::arg("path"))
      .def("__call__", &Model::call)
      .def_property_readonly("inputs",
                             [](const Model &mo) { return mo.signature(true); })
      .def_property_readonly(
          "outputs", [](const Model &mo) { return mo.signature(false); });
}
