"""The Python package end to end: compile the bundled MLP, run it from numpy,
check accuracy against the float build, and the errors a user would hit."""
import importlib.util
import os

import numpy as np
import pytest

import qforge

SRC = os.environ.get("QFORGE_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(SRC, "examples", "mlp_model.mlir")
INPUT = np.fromfile(os.path.join(SRC, "examples", "mlp_input.bin"),
                    dtype=np.float32).reshape(4, 128)


@pytest.fixture(scope="module")
def float_model(tmp_path_factory):
    return qforge.compile(MODEL, out_dir=str(tmp_path_factory.mktemp("f32")))


def rel_error(y, ref):
    return float(np.linalg.norm(y - ref) / np.linalg.norm(ref))


def test_signature(float_model):
    assert float_model.inputs == [("x", "f32", (4, 128))]
    assert float_model.outputs == [("y", "f32", (4, 16))]
    assert float_model.report["name"] == "mlp"


def test_float_matches_numpy(float_model):
    # The generator that wrote the model gives its weights: the float
    # artifact must compute relu(x W1 + b1) W2 + b2.
    spec = importlib.util.spec_from_file_location(
        "make_mlp", os.path.join(SRC, "examples", "make_mlp.py"))
    make_mlp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_mlp)
    x, w1, b1, w2, b2 = make_mlp.make()
    np.testing.assert_array_equal(x, INPUT)
    ref = np.maximum(x.astype(np.float64) @ w1 + b1, 0) @ w2 + b2
    (y,) = float_model(INPUT)
    assert y.shape == (4, 16) and y.dtype == np.float32
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("scheme,bound", [("w8", 0.02), ("a8w8", 0.05),
                                          ("w4g32", 0.2), ("nf4g64", 0.2)])
def test_quantized_accuracy(float_model, tmp_path, scheme, bound):
    # Both layers are first/last: quantize them anyway, to test the scheme.
    model = qforge.compile(MODEL, scheme=scheme, out_dir=str(tmp_path),
                           sensitive_layers="quantize")
    (ref,) = float_model(INPUT)
    (y,) = model(INPUT)
    err = rel_error(y, ref)
    assert 0 < err < bound, f"{scheme}: relative error {err}"
    layers = {l["name"]: l for l in model.report["layers"]}
    assert layers["fc1"]["scheme"] == scheme
    assert layers["fc1"]["weight_bytes_after"] < layers["fc1"]["weight_bytes_before"]


def test_bad_inputs(float_model):
    with pytest.raises(ValueError, match=r"must have shape \[4, 128\], got \[4, 127\]"):
        float_model(np.zeros((4, 127), np.float32))
    with pytest.raises(ValueError, match=r"must be f32, got float64"):
        float_model(np.zeros((4, 128)))
    with pytest.raises(ValueError, match="takes 1 inputs, got 2"):
        float_model(INPUT, INPUT)


def test_bad_scheme_and_file(tmp_path):
    with pytest.raises(RuntimeError, match="invalid scheme 'w5'"):
        qforge.compile(MODEL, scheme="w5", out_dir=str(tmp_path))
    assert not any(p.suffix == ".so" for p in tmp_path.iterdir())
    with pytest.raises(FileNotFoundError):
        qforge.compile(str(tmp_path / "missing.mlir"))
    with pytest.raises(ValueError, match="expected an .onnx or .mlir model"):
        qforge.compile(str(tmp_path / "model.txt"))


def test_opt():
    text = open(MODEL, encoding="utf-8").read()
    out = qforge.opt(text, "builtin.module(qf-quantize{scheme=w8})")
    assert 'qf.matmul #qf.scheme<"w8">' in out
    assert "linalg.matmul" not in out
    with pytest.raises(ValueError, match="invalid pipeline"):
        qforge.opt(text, "no-such-pass")
    with pytest.raises(ValueError, match="invalid MLIR"):
        qforge.opt("func.func @f(", "canonicalize")


def test_autoquant_plan_and_replay(tmp_path, float_model):
    # A cost table makes the choice deterministic: w4g32 for fc1, w8 for fc2.
    costs = tmp_path / "costs.txt"
    costs.write_text("w4g32 4 64 128 5\nw8 4 64 128 10\n"
                     "w4g32 4 16 64 10\nw8 4 16 64 5\n")
    result = qforge.autoquant(MODEL, candidates=["w8", "w4g32"],
                              timer="table", costs=str(costs),
                              out_dir=str(tmp_path / "auto"))
    assert result.choices() == {"fc1": "w4g32", "fc2": "w8"}
    assert result.report["guard"] == "weights only"
    plan = tmp_path / "plan.txt"
    plan.write_text(result.plan)
    replay = qforge.compile(MODEL, scheme_file=str(plan),
                            out_dir=str(tmp_path / "replay"))
    y, ref = result.model(INPUT)[0], float_model(INPUT)[0]
    np.testing.assert_array_equal(y, replay(INPUT)[0])
    assert rel_error(y, ref) < 0.2
    with pytest.raises(ValueError, match="unknown autoquant option"):
        qforge.compile(MODEL, scheme="auto", autoquant={"bogus": 1})


def test_autoquant_max_error(tmp_path):
    # w4g32 is the fastest for both layers, but its output error on these
    # samples (about 0.13) is over the budget: both layers go back to w8.
    costs = tmp_path / "costs.txt"
    costs.write_text("w4g32 4 64 128 5\nw8 4 64 128 10\n"
                     "w4g32 4 16 64 5\nw8 4 16 64 6\n")
    samples = np.random.default_rng(1).standard_normal(
        (8, 4, 128)).astype(np.float32)
    result = qforge.autoquant(MODEL, candidates=["w8", "w4g32"],
                              calib={"x": samples}, timer="table",
                              costs=str(costs), max_error=0.05,
                              out_dir=str(tmp_path / "auto"))
    assert result.choices() == {"fc1": "w8", "fc2": "w8"}
    assert result.report["max_error"] == 0.05
    assert result.report["output_error"] <= 0.05
    assert [r["layer"] for r in result.report["reverts"]] == ["fc2", "fc1"]
    assert "reverted fc2: w4g32 -> w8" in result.plan
    with pytest.raises(RuntimeError, match="unknown candidate"):
        qforge.autoquant(MODEL, candidates=["w8", "nope"], timer="model")
