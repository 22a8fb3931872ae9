# lit configuration for QForge: FileCheck tests on IR and end-to-end tests
# run with Debian's mlir-runner.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QForge"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qforge_obj_root, "test")
config.excludes = ["unit", "install", "lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

runner_libs = ",".join(
    os.path.join(config.llvm_lib_dir, lib)
    for lib in ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so"))
config.substitutions.append(("%mlir_runner_libs", runner_libs))
# The dialect + pass plugin for stock mlir-opt (lib/Plugin).
config.substitutions.append(
    ("%qforge_plugin", os.path.join(config.qforge_obj_root, "lib", "QForgePlugin.so")))

tool_dirs = [config.qforge_tools_dir, config.llvm_tools_dir]
tools = [
    "qforge-opt",
    "qforge-import",
    "qforge-compile",
    "run_mlp",
    "qforge-calibrate",
    "qforge-run",
    ToolSubst("mlir-runner", unresolved="fatal"),
    ToolSubst("mlir-opt", unresolved="fatal"),
    ToolSubst("not", unresolved="fatal"),
    ToolSubst("count", unresolved="fatal"),
    ToolSubst("llvm-objdump", unresolved="fatal"),
    ToolSubst("mlir-translate", unresolved="fatal"),
    ToolSubst("llc", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# A sanitizer build (scripts/test-sanitizers.sh): processes QForge did not
# build (mlir-opt loading the plugin, Python) preload the sanitizer runtime
# that QForge's own libraries need.
preload = getattr(config, "qforge_sanitizer_preload", "")
if preload:
    config.environment["LD_PRELOAD"] = preload

# LLVM's test utilities (not, count) for RUN lines.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Python with numpy and onnx for RUN lines that make samples, write ONNX
# models and check results: the project's venv (feature `onnx`), else the
# Python running lit. It replaces lit's own %python.
import sys
qforge_python = getattr(config, "qforge_python", "")
if qforge_python and os.path.exists(qforge_python):
    config.available_features.add("onnx")
else:
    qforge_python = sys.executable
config.substitutions = [s for s in config.substitutions if s[0] != "%python"]
config.substitutions.append(("%python", qforge_python))
