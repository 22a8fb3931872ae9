"""QForge from Python: compile a model to a quantized shared library and run it.

    import numpy as np, qforge
    model = qforge.compile("examples/mlp_model.mlir", scheme="w4g32")
    (y,) = model(np.zeros((4, 128), np.float32))
    print(model.report["layers"])

    # ONNX, calibrated (per-layer errors in the report), dynamic batch:
    model = qforge.compile("model.onnx", calib={"x": samples}, scheme="a8w8-static")
    (y,) = model(np.zeros((17, 64), np.float32))

    text = qforge.opt(mlir_text, "qf-quantize{scheme=w8},qf-lower-to-reference")
"""
from __future__ import annotations

import json
import os
import tempfile

import numpy as np

from ._qforge import Model as _Model
from ._qforge import compile_file as _compile_file
from ._qforge import opt as _opt

__all__ = ["compile", "opt", "autoquant", "CompiledModel", "AutoquantPlan"]


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
        """[(name, dtype, shape)] of the inputs; a dynamic dimension is None."""
        return self._model.inputs

    @property
    def outputs(self):
        """[(name, dtype, shape)] of the outputs."""
        return self._model.outputs

    def __call__(self, *arrays: np.ndarray) -> list[np.ndarray]:
        return self._model(*arrays)


def _shape_texts(shapes) -> list[str]:
    """{"x": (4, 64)} or ["x=4x64"] -> ["x=4x64"]."""
    if shapes is None:
        return []
    if isinstance(shapes, dict):
        return [f"{name}=" + "x".join(str(int(d)) for d in dims)
                for name, dims in shapes.items()]
    return [str(s) for s in shapes]


def compile(model_path: str, calib=None, scheme: str | None = None,
            algorithm: str = "rtn", target: str = "host",
            scheme_file: str | None = None, out_dir: str | None = None,
            name: str | None = None, entry: str | None = None,
            shapes=None, stats: str | None = None,
            lowering: str = "cpu",
            int8_activations: bool = False,
            autoquant: dict | None = None, eval=None,
            only: str = "all", sensitive_layers: str = "keep",
            sensitive_min_sqnr: float = 10.0) -> CompiledModel:
    """Compiles an ONNX (`.onnx`) or MLIR (`.mlir`) model to a shared library
    and loads it.

    `scheme` (e.g. "w8", "w4g128", "a8w8") or `scheme_file` choose the
    quantization; neither keeps the model in float. `calib` is the
    calibration set: a dict {input name: array with a leading sample
    dimension} or the path of such an .npz (ONNX input names; arg0, arg1,
    ... for MLIR functions); it feeds gptq/awq/smoothquant and a8w8-static
    and puts each layer's error on the samples into `report`. `stats` is a
    statistics file from qforge-calibrate instead. `shapes` ({name: shape}
    or ["name=4x64"]) gives inputs static shapes; dimensions left dynamic
    take any size at call time. `int8_activations` makes 4- and 8-bit
    integer, NF4 and FP4 layers (groups of a multiple of 64 / 32, or per
    channel; NF4 / FP4 with their codebook rounded to int8) multiply int8
    activations quantized
    per group at run time (qforge-compile --int8-activations). `eval`
    (held-out samples, as `calib`) makes the report measure its errors on
    them instead of the calibration samples. `only` ("all", "matmul",
    "conv") restricts the scheme to one kind of layer. With a scheme
    narrower than 8 bits, `sensitive_layers="keep"` (the default) leaves
    the first and last layers, layers with K below the group and layers
    whose SQNR is under `sensitive_min_sqnr` dB at int8 weights (the
    report's "kept_wider" says why); "quantize" gives every layer the
    scheme. `out_dir` defaults to a fresh temporary directory.

    `scheme="auto"` (or "auto:w8,w4g128,...") chooses each layer's scheme by
    timing the generated kernels under an accuracy guard (docs/AUTOQUANT.md);
    `autoquant` takes its options by qforge-compile's names without the
    "--autoquant-" prefix: {"m": "1:0.9,512:0.1", "min_sqnr": 15,
    "cache": path, "cache_mode": "readwrite", "plan": path, "timer":
    "measure", "costs": path, "threads": 1, "rounds": 7, "max_error":
    0.02 (with `calib`), "verify": True, "quiet": True};
    the report then has an "autoquant" entry (see `autoquant()`).
    """
    path = os.fspath(model_path)
    if not (path.endswith(".mlir") or path.endswith(".onnx")):
        raise ValueError(f"{path}: expected an .onnx or .mlir model")
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    out_dir = out_dir or tempfile.mkdtemp(prefix="qforge-")
    with tempfile.TemporaryDirectory(prefix="qforge-calib-") as tmp:
        def samples_path(samples, file_name):
            if isinstance(samples, dict):
                path = os.path.join(tmp, file_name)
                np.savez(path, **{k: np.ascontiguousarray(v)
                                  for k, v in samples.items()})
                return path
            return "" if samples is None else os.fspath(samples)
        calib_path = samples_path(calib, "calib.npz")
        eval_path = samples_path(eval, "eval.npz")
        report = json.loads(_compile_file(
            path, out_dir, scheme or "", scheme_file or "", algorithm, target,
            name or "", entry or "", calib_path, stats or "",
            _shape_texts(shapes), lowering, bool(int8_activations),
            {str(k): str(v) for k, v in (autoquant or {}).items()},
            eval_path, only, sensitive_layers, float(sensitive_min_sqnr)))
    return CompiledModel(os.path.join(out_dir, report["name"] + ".so"), report)


class AutoquantPlan:
    """What `autoquant()` chose: `plan` (scheme-file text that
    `compile(..., scheme_file=...)` replays), `report` (per layer: the
    chosen candidate and kernel, every candidate's time, SQNR and
    exclusion) and `model` (the compiled artifact with the plan)."""

    def __init__(self, plan: str, report: dict, model: "CompiledModel"):
        self.plan = plan
        self.report = report
        self.model = model

    def choices(self) -> dict:
        """{layer name: chosen candidate}."""
        return {layer["name"]: layer["chosen"]
                for layer in self.report["layers"]}


def autoquant(model_path: str, candidates=None, calib=None,
              stats: str | None = None, target: str = "host", shapes=None,
              out_dir: str | None = None, **options) -> AutoquantPlan:
    """Chooses a scheme per layer of the model by timing the generated
    kernels under an accuracy guard, compiles it, and returns the plan and
    the report. `candidates`: a list of schemes (default: autoquant's own
    list); `options`: as compile()'s `autoquant` dict (m, min_sqnr, cache,
    cache_mode, timer, costs, threads, rounds, max_error, verify, quiet)."""
    scheme = "auto" if not candidates else "auto:" + ",".join(candidates)
    out_dir = out_dir or tempfile.mkdtemp(prefix="qforge-")
    os.makedirs(out_dir, exist_ok=True)
    plan_path = os.path.join(out_dir, "autoquant-plan.txt")
    options = dict(options)
    options.setdefault("quiet", True)
    options["plan"] = plan_path
    model = compile(model_path, calib=calib, scheme=scheme, target=target,
                    out_dir=out_dir, shapes=shapes, stats=stats,
                    autoquant=options)
    with open(plan_path) as f:
        plan = f.read()
    return AutoquantPlan(plan, model.report["autoquant"], model)
