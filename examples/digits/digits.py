"""scikit-learn's digits (8x8 images of 0-9) with small torch models, and the
compile-and-measure loop shared by the README's main job
(examples/digits/run_digits.py) and the real-model tests (test/e2e/).

Training needs torch and scikit-learn (Debian's python3-torch,
python3-sklearn); evaluating a model needs only numpy and QForge's tools:
qforge-compile (with --calib for calibrated schemes) to build an artifact
per scheme, qforge-run to run it.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass

import numpy as np

# The whole test split runs as one batch: the exported models have static
# shapes (a fixed batch of TEST_SIZE images).
TEST_SIZE = 360
CALIB_SAMPLES = 2  # calibration samples, each a batch of TEST_SIZE images


def digits_csv() -> str:
    """scikit-learn's bundled copy of the digits data, found without importing
    sklearn (Debian's sklearn and scipy are built for numpy 1.x; the venv's
    PyPI packages bring numpy 2)."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scikit-learn is not installed (Debian: "
                           "python3-sklearn, scripts/setup.sh installs it)")
    return os.path.join(list(spec.submodule_search_locations)[0], "datasets",
                        "data", "digits.csv.gz")


def load_digits_split():
    """(train_x, train_y, test_x, test_y): the 1797 images' pixels in [0, 1]
    as float32 [n, 64] and their labels; a fixed split with TEST_SIZE / 10
    test images of every digit."""
    data = np.loadtxt(digits_csv(), delimiter=",", dtype=np.float64)
    x = (data[:, :-1] / 16.0).astype(np.float32)
    y = data[:, -1].astype(np.int64)
    rng = np.random.default_rng(0)
    test = np.concatenate([rng.permutation(np.flatnonzero(y == d))[:TEST_SIZE // 10]
                           for d in range(10)])
    test = rng.permutation(test)
    train = rng.permutation(np.setdiff1d(np.arange(len(y)), test))
    return x[train], y[train], x[test], y[test]


def to_torch(array):
    """numpy -> torch without torch's numpy bridge (Debian's torch is built
    for numpy 1.x; the venv has numpy 2)."""
    import torch

    dtype = torch.int64 if array.dtype.kind in "iu" else torch.float32
    return torch.tensor(array.tolist(), dtype=dtype)


def to_numpy(tensor):
    """torch -> numpy float32, without the numpy bridge either."""
    return np.array(tensor.detach().tolist(), dtype=np.float32)


def calibration_set(train_x, shape):
    """CALIB_SAMPLES batches of training images, each of the model's input
    `shape` (the batch first): [CALIB_SAMPLES, *shape]."""
    rng = np.random.default_rng(0)
    n = shape[0]
    picks = [rng.choice(len(train_x), n, replace=False) for _ in range(CALIB_SAMPLES)]
    return np.stack([train_x[p].reshape(shape) for p in picks]).astype(np.float32)


def make_model(kind: str):
    """The MLP (64-128-64-10) or the CNN (two 3x3 convolutions with ReLU and
    2x2 max pooling, 16 and 32 channels, then a linear layer)."""
    import torch.nn as nn

    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 10))
    if kind == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 2 * 2, 10))
    raise ValueError(kind)


def input_shape(kind: str, batch: int = TEST_SIZE):
    return (batch, 64) if kind == "mlp" else (batch, 1, 8, 8)


def train(kind: str, train_x, train_y, epochs: int = 40, seed: int = 0):
    """A few seconds of Adam on the CPU, fixed seeds, one thread."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    model = make_model(kind)
    x = to_torch(train_x.reshape((-1,) + input_shape(kind)[1:]))
    y = to_torch(train_y)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    return model.eval()


def export_onnx(model, shape, path: str, input_name: str = "pixels",
                output_name: str = "logits", dtype=None, opset: int = 17):
    """torch.onnx.export with a static input shape."""
    import torch

    example = torch.zeros(shape, dtype=dtype or torch.float32)
    with torch.no_grad():
        torch.onnx.export(model, example, path, opset_version=opset,
                          input_names=[input_name], output_names=[output_name],
                          do_constant_folding=True)


# ---------------------------------------------------------------------------
# Compiling and running with QForge's tools.


@dataclass
class Scheme:
    """One way to compile a model: a scheme, an algorithm, and whether the
    quantization uses calibration statistics."""
    label: str
    scheme: str | None = None
    algorithm: str = "rtn"

    @property
    def needs_stats(self):
        return self.algorithm in ("gptq", "awq", "smoothquant") or (
            self.scheme or "").endswith("-static")


def parse_scheme(text: str) -> Scheme:
    """"f32", "w8", "w4g32:gptq", "a8w8:smoothquant", "a8w8-static"."""
    if text == "f32":
        return Scheme("f32")
    scheme, _, algorithm = text.partition(":")
    return Scheme(text, scheme, algorithm or "rtn")


class Tools:
    """QForge's command-line tools in `bindir`; every failure is raised with
    the tool's own message."""

    def __init__(self, bindir: str, verbose: bool = False):
        self.bindir = bindir
        self.verbose = verbose

    def __call__(self, tool: str, *args: str) -> str:
        cmd = [os.path.join(self.bindir, tool), *map(str, args)]
        if self.verbose:
            print("+", " ".join(cmd), file=sys.stderr)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}")
        return proc.stdout

    def compile(self, onnx_path: str, scheme: Scheme, out_dir: str,
                calib_npz: str | None = None) -> dict:
        """Compiles `onnx_path` to `out_dir`; returns the report (plus the
        library's path). Calibrated schemes calibrate in-process on
        `calib_npz` (qforge-compile --calib)."""
        os.makedirs(out_dir, exist_ok=True)
        args = [onnx_path, "-o", out_dir, "--quiet"]
        if scheme.scheme is not None:
            args += ["--scheme", scheme.scheme, "--algorithm", scheme.algorithm]
        if scheme.needs_stats:
            if calib_npz is None:
                raise ValueError(f"{scheme.label} needs calibration samples")
            args += ["--calib", calib_npz]
        self("qforge-compile", *args)
        with open(os.path.join(out_dir, "report.json")) as f:
            report = json.load(f)
        report["library"] = os.path.join(out_dir, report["name"] + ".so")
        return report

    def run(self, library: str, inputs: dict, work_dir: str,
            bench: int = 0) -> tuple[dict, float | None]:
        """Runs `library` on `inputs` (name -> array) with qforge-run; returns
        the outputs (name -> array) and, with `bench`, the median latency in
        seconds."""
        os.makedirs(work_dir, exist_ok=True)
        in_path = os.path.join(work_dir, "inputs.npz")
        out_path = os.path.join(work_dir, "outputs.npz")
        np.savez(in_path, **inputs)
        args = [library, "--input", in_path, "--output", out_path]
        if bench:
            args += ["--bench", str(bench)]
        text = self("qforge-run", *args)
        median = None
        if bench:
            m = re.search(r"median ([0-9.]+) ms", text)
            if not m:
                raise RuntimeError(f"no median in qforge-run's output:\n{text}")
            median = float(m.group(1)) * 1e-3
        with np.load(out_path) as z:
            outputs = {k: z[k] for k in z.files}
        return outputs, median


@dataclass
class Row:
    label: str
    accuracy: float
    weight_bytes: int
    library_bytes: int
    seconds: float | None
    logits: np.ndarray


def evaluate(tools: Tools, onnx_path: str, test_x, test_y, schemes, work_dir,
             calib=None, bench: int = 0, input_name: str = "pixels",
             output_name: str = "logits"):
    """Compiles `onnx_path` at every scheme and runs the test set through
    each artifact: one Row per scheme (accuracy in percent)."""
    calib_npz = None
    if calib is not None:
        # Arrays named after the model's inputs, a leading sample dimension.
        calib_npz = os.path.join(work_dir, "calib.npz")
        os.makedirs(work_dir, exist_ok=True)
        np.savez(calib_npz, **{input_name: calib})
    rows = []
    for text in schemes:
        scheme = parse_scheme(text)
        out_dir = os.path.join(work_dir, text.replace(":", "-"))
        report = tools.compile(onnx_path, scheme, out_dir, calib_npz)
        outputs, seconds = tools.run(report["library"], {input_name: test_x},
                                     out_dir, bench)
        logits = outputs[output_name]
        accuracy = 100.0 * float(np.mean(logits.argmax(-1) == test_y))
        rows.append(Row(text, accuracy, int(report["weight_bytes_after"]),
                        os.path.getsize(report["library"]), seconds, logits))
    return rows


def format_table(rows, title: str = "") -> str:
    """Accuracy, size and speed of every scheme against the first row
    (float)."""
    base = rows[0]
    lines = []
    if title:
        lines.append(title)
    head = (f"{'scheme':<18}{'accuracy':>9}{'vs f32':>8}{'weights':>10}"
            f"{'size':>7}{'library':>10}")
    if base.seconds is not None:
        head += f"{'latency':>11}{'speed':>7}"
    lines.append(head)
    for r in rows:
        line = (f"{r.label:<18}{r.accuracy:>8.2f}%{r.accuracy - base.accuracy:>+8.2f}"
                f"{r.weight_bytes:>10}{r.weight_bytes / base.weight_bytes:>6.2f}x"
                f"{r.library_bytes:>10}")
        if r.seconds is not None:
            line += (f"{r.seconds * 1e3:>8.3f} ms"
                     f"{base.seconds / r.seconds:>6.2f}x")
        lines.append(line)
    return "\n".join(lines)
