"""QForge from Python: compile a model to a quantized shared library and run it.

    import numpy as np, qforge
    model = qforge.compile("examples/mlp_model.mlir", scheme="w4g32")
    (y,) = model(np.zeros((4, 128), np.float32))
    print(model.report["layers"])

    text = qforge.opt(mlir_text, "qf-quantize{scheme=w8},qf-lower-to-reference")
"""
from __future__ import annotations

import json
import os
import tempfile

import numpy as np

from ._qforge import Model as _Model
from ._qforge import compile_mlir as _compile_mlir
from ._qforge import opt as _opt

__all__ = ["compile", "opt", "CompiledModel"]


def opt(mlir_text: str, pipeline: str) -> str:
    """Runs a pass pipeline (mlir-opt syntax, qf passes included) on MLIR text."""
    return _opt(mlir_text, pipeline)


class CompiledModel:
    """A compiled artifact: call it with numpy arrays, get numpy arrays back."""

    def __init__(self, library: str, report: dict):
        self.library = library
        self.report = report
        self._model = _Model(library)

    @property
    def inputs(self):
        """[(name, dtype, shape)] of the inputs."""
        return self._model.inputs

    @property
    def outputs(self):
        """[(name, dtype, shape)] of the outputs."""
        return self._model.outputs

    def __call__(self, *arrays: np.ndarray) -> list[np.ndarray]:
        return self._model(*arrays)


def compile(model_path: str, calib=None, scheme: str | None = None,
            algorithm: str = "rtn", target: str = "host",
            scheme_file: str | None = None, out_dir: str | None = None,
            name: str | None = None, entry: str | None = None) -> CompiledModel:
    """Compiles an MLIR model (`.mlir`) to a shared library and loads it.

    `scheme` (e.g. "w8", "w4g128", "a8w8") or `scheme_file` choose the
    quantization; neither keeps the model in float. `out_dir` defaults to a
    fresh temporary directory. Calibration data (`calib`) is not supported
    yet and is rejected rather than ignored.
    """
    if calib is not None:
        raise NotImplementedError(
            "calibration data is not supported by qforge.compile yet")
    if not str(model_path).endswith(".mlir"):
        raise ValueError(f"{model_path}: only .mlir models can be compiled "
                         "for now")
    with open(model_path, encoding="utf-8") as f:
        text = f.read()
    out_dir = out_dir or tempfile.mkdtemp(prefix="qforge-")
    report = json.loads(_compile_mlir(
        text, out_dir, scheme or "", scheme_file or "", algorithm, target,
        name or "", entry or ""))
    return CompiledModel(os.path.join(out_dir, report["name"] + ".so"), report)
