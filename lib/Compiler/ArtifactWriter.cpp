//===- ArtifactWriter.cpp - Files of a compiled model --------------------===//

#include "ArtifactWriter.h"

#include "llvm/ADT/STLExtras.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Target/LLVMIR/Dialect/ArmNeon/ArmNeonToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// `void qforge_entry(void **args)`: args[i] is the i-th memref descriptor
/// (inputs, then outputs), so the runtime can call any signature.
llvm::Error addPackedEntry(llvm::Module &module, const std::string &entry) {
  llvm::Function *ciface = module.getFunction("_mlir_ciface_" + entry);
  if (!ciface)
    return fail("the lowered module has no C interface for '" + entry + "'");
  if (!ciface->getReturnType()->isVoidTy())
    return fail("'" + entry + "' still returns values after lowering; only "
                "tensor results are supported");
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false);
  auto *wrapper = llvm::Function::Create(
      type, llvm::GlobalValue::ExternalLinkage, "qforge_entry", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  SmallVector<llvm::Value *> args;
  for (llvm::Argument &arg : ciface->args()) {
    if (!arg.getType()->isPointerTy())
      return fail("'" + entry + "' has a non-tensor argument");
    llvm::Value *slot =
        b.CreateConstGEP1_64(ptr, wrapper->getArg(0), arg.getArgNo());
    args.push_back(b.CreateLoad(ptr, slot));
  }
  b.CreateCall(ciface, args);
  b.CreateRetVoid();
  return llvm::Error::success();
}

void addInfo(llvm::Module &module, llvm::StringRef text) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *data = llvm::ConstantDataArray::getString(ctx, text);
  new llvm::GlobalVariable(module, data->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, data,
                           "qforge_model_info");
}

/// A dimension as the signature writes it: its size, or ?NAME if dynamic.
std::string dimText(const TensorSignature &t, size_t d) {
  return t.shape[d] < 0 ? "?" + t.dimNames[d] : std::to_string(t.shape[d]);
}

std::string shapeText(const TensorSignature &t) {
  std::string out;
  for (size_t d = 0; d < t.shape.size(); ++d)
    out += (d ? "x" : "") + dimText(t, d);
  return t.dtype + "[" + out + "]";
}

} // namespace

std::string ArtifactWriter::path(const std::string &file) const {
  llvm::SmallString<128> p(dir);
  llvm::sys::path::append(p, file);
  return p.str().str();
}

llvm::Error ArtifactWriter::writeFile(const std::string &file,
                                      llvm::StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path(file), ec);
  if (ec)
    return fail("cannot write '" + file + "': " + ec.message());
  os << contents;
  os.close();
  if (os.has_error())
    return fail("cannot write '" + file + "': " + os.error().message());
  if (!llvm::is_contained(report.files, file))
    report.files.push_back(file);
  return llvm::Error::success();
}

llvm::Error ArtifactWriter::writeReports() {
  if (llvm::Error e = writeFile("report.json", reportToJSON(report)))
    return e;
  return writeFile("report.svg", reportToSVG(report));
}

llvm::Error ArtifactWriter::writeMLIR(ModuleOp module, StringRef suffix,
                                      bool newline) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  if (newline)
    os << "\n";
  return writeFile(report.name + suffix.str(), text);
}

std::string ArtifactWriter::infoText() const {
  // One record per line, fields separated by spaces: parsed by the runtime
  // (lib/Runtime), which must not need a JSON library.
  // Version 2 only when needed: static artifacts stay loadable by
  // runtimes that predate dynamic dimensions.
  bool dynamic = llvm::any_of(report.inputs, [](const TensorSignature &t) {
    return t.isDynamic();
  });
  std::string out = std::string("qforge-artifact ") + (dynamic ? "2" : "1") +
                    "\nname " + report.name + "\n";
  auto add = [&](const char *kind, const TensorSignature &t) {
    out += std::string(kind) + " " + t.name + " " + t.dtype + " " +
           std::to_string(t.shape.size());
    for (size_t d = 0; d < t.shape.size(); ++d)
      out += " " + dimText(t, d);
    out += "\n";
  };
  for (const auto &t : report.inputs)
    add("input", t);
  for (const auto &t : report.outputs)
    add("output", t);
  return out;
}

std::string ArtifactWriter::header() const {
  std::string guard = "QFORGE_MODEL_";
  for (char c : report.name)
    guard += isalnum(static_cast<unsigned char>(c))
                 ? char(toupper(static_cast<unsigned char>(c)))
                 : '_';
  std::string out = "/* " + report.name +
                    ".h: generated by qforge-compile for target " +
                    report.target + ". */\n";
  out += "#ifndef " + guard + "_H\n#define " + guard + "_H\n\n";
  out += "/* Load and run " + report.name +
         ".so with the QForge runtime (qforge-c/qforge.h):\n"
         " *   qforge_model *m = qforge_load(\"" + report.name + ".so\");\n"
         " *   qforge_run(m, inputs, " + std::to_string(report.inputs.size()) +
         ", outputs, " + std::to_string(report.outputs.size()) + ");\n"
         " *\n * Inputs (row-major, caller-owned):\n";
  for (size_t i = 0; i < report.inputs.size(); ++i)
    out += " *   " + std::to_string(i) + ": " + report.inputs[i].name + " " +
           shapeText(report.inputs[i]) + "\n";
  out += " * Outputs (row-major, caller-owned, written by the call):\n";
  for (size_t i = 0; i < report.outputs.size(); ++i)
    out += " *   " + std::to_string(i) + ": " + report.outputs[i].name + " " +
           shapeText(report.outputs[i]) + "\n";
  if (llvm::any_of(report.inputs,
                   [](const TensorSignature &t) { return t.isDynamic(); }))
    out += " * A dimension ?NAME is dynamic: any size, the same wherever NAME "
           "appears;\n * qforge_input_info reports it as -1, "
           "qforge_output_shape computes outputs'.\n";
  out += " *\n * Without the runtime: qforge_entry(args), where args[i] points "
         "to an MLIR\n * memref descriptor { T *allocated, *aligned; int64_t "
         "offset, sizes[rank],\n * strides[rank]; } for each input, then each "
         "output. */\n\n";
  out += "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  out += "void qforge_entry(void **args);\n";
  out += "/* The signature above as text, read by qforge_load. */\n";
  out += "extern const char qforge_model_info[];\n\n";
  out += "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return out;
}

llvm::Error ArtifactWriter::writeCode(ModuleOp module, const std::string &entry,
                                      const TargetInfo &target, EmitKind emit) {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  // The a8w8 kernels' sdot on AArch64 targets with dotprod.
  registerArmNeonDialectTranslation(*module.getContext());

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, report.name);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  if (llvm::Error e = addPackedEntry(*llvmModule, entry))
    return e;
  addInfo(*llvmModule, infoText());

  llvm::Triple triple(target.getTriple());
  std::string lookupError;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!llvmTarget)
    return fail("no LLVM target for '" + triple.str() + "': " + lookupError);
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.getLLVMCPU(), target.getLLVMFeatures(), targetOptions,
      llvm::Reloc::PIC_));
  if (!machine)
    return fail("cannot create a target machine for '" + triple.str() + "'");
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  auto optimize = makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                            machine.get());
  if (llvm::Error e = optimize(llvmModule.get()))
    return e;

  if (emit == EmitKind::LLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    return writeFile(report.name + ".ll", text);
  }

  llvm::SmallString<0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return fail("the target cannot emit object files");
    codegen.run(*llvmModule);
  }
  std::string objectFile = report.name + ".o";
  if (llvm::Error e = writeFile(objectFile, object))
    return e;
  if (emit == EmitKind::Object)
    return llvm::Error::success();

  // Link the shared library with the system's C compiler driver.
  if (!target.isHost() &&
      target.getTriple() != llvm::sys::getProcessTriple())
    return fail("linking a shared library for '" + triple.str() +
                "' is not supported here; use --emit=obj");
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return fail("no C compiler driver ('cc') found to link the shared library");
  std::string so = report.name + ".so";
  std::string soPath = path(so), objPath = path(objectFile);
  llvm::SmallVector<llvm::StringRef> args = {*cc, "-shared", "-o", soPath,
                                             objPath, "-lm"};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0)
    return fail("linking '" + so + "' failed" +
                (message.empty() ? "" : ": " + message));
  // The object was only a step towards the library.
  llvm::sys::fs::remove(objPath);
  report.files.erase(llvm::find(report.files, objectFile));
  report.files.push_back(so);
  if (llvm::Error e = writeFile(report.name + ".h", header()))
    return e;
  return writeReports();
}

} // namespace qforge
