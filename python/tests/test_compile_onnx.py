"""qforge.compile on ONNX models: dynamic dimensions bound at call time and
compared with onnxruntime, --shape specialisation, calibration with
per-layer errors, and the report's weight bytes against the library's size."""
import importlib.util
import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import qforge

ort = pytest.importorskip("onnxruntime")

SRC = os.environ.get("QFORGE_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))


def load_models():
    spec = importlib.util.spec_from_file_location(
        "onnx_models", os.path.join(SRC, "test", "Import", "Inputs", "onnx_models.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MODELS = load_models()


def save(model, path):
    onnx.save_model(model, str(path))
    return str(path)


def run_ort(path, feeds):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def rel_error(y, ref):
    return float(np.linalg.norm(y - ref) / np.linalg.norm(ref))


@pytest.fixture(scope="module")
def mlp_onnx(tmp_path_factory):
    model, _ = MODELS.mlp()
    return save(model, tmp_path_factory.mktemp("onnx") / "mlp.onnx")


@pytest.fixture(scope="module")
def mlp_float(mlp_onnx, tmp_path_factory):
    return qforge.compile(mlp_onnx, out_dir=str(tmp_path_factory.mktemp("f32")))


def test_dynamic_batch_matches_onnxruntime(mlp_onnx, mlp_float):
    # Compiled once; the batch dimension is bound at each call.
    assert mlp_float.inputs == [("x", "f32", (None, 64))]
    assert mlp_float.outputs == [("y", "f32", (None, 10))]
    assert mlp_float.report["inputs"][0]["shape"] == [-1, 64]
    assert mlp_float.report["inputs"][0]["dim_names"] == ["batch", ""]
    rng = np.random.default_rng(0)
    for batch in (1, 3, 17):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        (ref,) = run_ort(mlp_onnx, {"x": x})
        (y,) = mlp_float(x)
        assert y.shape == (batch, 10)
        np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scheme,bound", [("w8", 0.02), ("w4g32", 0.1),
                                          ("a8w8", 0.05)])
def test_dynamic_batch_quantized(mlp_onnx, tmp_path, scheme, bound):
    model = qforge.compile(mlp_onnx, scheme=scheme, out_dir=str(tmp_path),
                           sensitive_layers="quantize")
    rng = np.random.default_rng(1)
    for batch in (1, 3, 17):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        (ref,) = run_ort(mlp_onnx, {"x": x})
        (y,) = model(x)
        assert y.shape == (batch, 10)
        assert rel_error(y, ref) < bound, (scheme, batch)


def test_int8_activations(mlp_onnx, tmp_path):
    """int8 activations for 4-bit weights: recorded in the report, close to
    the f32-activation artifact, and really different from it."""
    f32_act = qforge.compile(mlp_onnx, scheme="w4g64", out_dir=str(tmp_path / "a"),
                             sensitive_layers="quantize")
    int8_act = qforge.compile(mlp_onnx, scheme="w4g64", int8_activations=True,
                              out_dir=str(tmp_path / "b"),
                              sensitive_layers="quantize")
    assert int8_act.report["int8_activations"] is True
    assert f32_act.report["int8_activations"] is False
    rng = np.random.default_rng(2)
    for batch in (1, 3, 40):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        (ref,) = run_ort(mlp_onnx, {"x": x})
        (y8,) = int8_act(x)
        (y32,) = f32_act(x)
        assert rel_error(y8, ref) < 0.1, batch
        assert 0 < rel_error(y8, y32) < 0.02, batch


def test_dynamic_wrong_shapes(mlp_float):
    with pytest.raises(ValueError, match=r"input 0 \('x'\) must have shape \[batch, 64\], got \[3, 63\]"):
        mlp_float(np.zeros((3, 63), np.float32))
    with pytest.raises(ValueError, match=r"input 0 \('x'\) must have shape \[batch, 64\], got \[64\]"):
        mlp_float(np.zeros((64,), np.float32))


def two_inputs_model():
    """y = x W + z: x [batch, 8], z [batch, 4] share the dim_param."""
    r = np.random.default_rng(5)
    w = (r.standard_normal((8, 4)) * 0.3).astype(np.float32)
    nodes = [h.make_node("MatMul", ["x", "W"], ["xw"], name="fc"),
             h.make_node("Add", ["xw", "z"], ["y"], name="add")]
    g = h.make_graph(nodes, "two", [
        h.make_tensor_value_info("x", T.FLOAT, ["batch", 8]),
        h.make_tensor_value_info("z", T.FLOAT, ["batch", 4])],
        [h.make_tensor_value_info("y", T.FLOAT, ["batch", 4])],
        [nh.from_array(w, "W")])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def test_shared_dynamic_dim_is_checked(tmp_path):
    path = save(two_inputs_model(), tmp_path / "two.onnx")
    model = qforge.compile(path, out_dir=str(tmp_path / "out"))
    x = np.ones((3, 8), np.float32)
    z = np.ones((3, 4), np.float32)
    (y,) = model(x, z)
    (ref,) = run_ort(path, {"x": x, "z": z})
    np.testing.assert_allclose(y, ref, rtol=1e-5)
    with pytest.raises(ValueError, match=r"input 1 \('z'\) must have shape \[batch, 4\] with batch = 3"):
        model(x, np.ones((4, 4), np.float32))


def test_shape_specialisation(mlp_onnx, tmp_path):
    model = qforge.compile(mlp_onnx, scheme="w8", shapes={"x": (5, 64)},
                           out_dir=str(tmp_path))
    assert model.inputs == [("x", "f32", (5, 64))]
    assert model.outputs == [("y", "f32", (5, 10))]
    x = np.random.default_rng(2).standard_normal((5, 64)).astype(np.float32)
    (ref,) = run_ort(mlp_onnx, {"x": x})
    (y,) = model(x)
    assert rel_error(y, ref) < 0.02
    with pytest.raises(ValueError, match=r"must have shape \[5, 64\], got \[3, 64\]"):
        model(x[:3])
    with pytest.raises(RuntimeError, match="no input named 'q'"):
        qforge.compile(mlp_onnx, shapes=["q=1x64"], out_dir=str(tmp_path / "bad"))
    with pytest.raises(RuntimeError, match=r"has shape \[\?, 64\], got \[5, 63\]"):
        qforge.compile(mlp_onnx, shapes={"x": (5, 63)}, out_dir=str(tmp_path / "bad2"))


def test_transformer_dynamic_batch_and_sequence(tmp_path):
    model_proto, _ = MODELS.transformer()
    path = save(model_proto, tmp_path / "block.onnx")
    model = qforge.compile(path, out_dir=str(tmp_path / "out"))
    rng = np.random.default_rng(3)
    for batch, seq in ((1, 3), (2, 7)):
        x = rng.standard_normal((batch, seq, 32)).astype(np.float32)
        (ref,) = run_ort(path, {"x": x})
        (y,) = model(x)
        np.testing.assert_allclose(y, ref, rtol=1e-3, atol=1e-4)


def test_calibration_report_matches_the_artifact(mlp_onnx, mlp_float, tmp_path):
    rng = np.random.default_rng(4)
    samples = rng.standard_normal((12, 3, 64)).astype(np.float32)
    model = qforge.compile(mlp_onnx, calib={"x": samples}, scheme="a8w8-static",
                           out_dir=str(tmp_path))
    report = model.report
    assert report["calibration_samples"] == 12
    layers = {l["name"]: l for l in report["layers"]}
    assert set(layers) == {"fc1", "fc2", "fc3"}
    for layer in layers.values():
        assert layer["scheme"] == "a8w8-static"
        assert 0 < layer["rel_error"] < 0.1
    # The reported output error is what the artifact does on the samples.
    err = ref = 0.0
    for s in samples:
        (y,) = model(s)
        (f,) = mlp_float(s)
        err += float(np.sum((y.astype(np.float64) - f) ** 2))
        ref += float(np.sum(f.astype(np.float64) ** 2))
    measured = np.sqrt(err / ref)
    reported = report["output_errors"][0]["rel_error"]
    assert reported == pytest.approx(measured, rel=0.1, abs=1e-4)


def test_held_out_report_matches_the_artifact(mlp_onnx, mlp_float, tmp_path):
    # eval=: the report's errors are the artifact's on the held-out samples.
    rng = np.random.default_rng(5)
    calib = rng.standard_normal((3, 2, 64)).astype(np.float32)
    held = rng.standard_normal((9, 2, 64)).astype(np.float32)
    model = qforge.compile(mlp_onnx, calib={"x": calib}, eval={"x": held},
                           scheme="w4g32", algorithm="gptq",
                           out_dir=str(tmp_path))
    report = model.report
    assert report["calibration_samples"] == 3
    assert report["evaluation_samples"] == 9
    assert report["evaluation_data"] == "held_out"
    err = ref = 0.0
    for s in held:
        (y,) = model(s)
        (f,) = mlp_float(s)
        err += float(np.sum((y.astype(np.float64) - f) ** 2))
        ref += float(np.sum(f.astype(np.float64) ** 2))
    reported = report["output_errors"][0]["rel_error"]
    assert reported == pytest.approx(np.sqrt(err / ref), rel=0.1, abs=1e-4)


def test_only_conv_leaves_matmuls_float(mlp_onnx, tmp_path):
    model = qforge.compile(mlp_onnx, scheme="w8", only="conv",
                           out_dir=str(tmp_path))
    assert {l["kind"] for l in model.report["layers"]} == {"matmul"}
    assert {l["scheme"] for l in model.report["layers"]} == {"f32"}
    with pytest.raises(RuntimeError, match=r"--only=dense is not one of"):
        qforge.compile(mlp_onnx, scheme="w8", only="dense",
                       out_dir=str(tmp_path / "bad"))


def test_sensitive_layers(mlp_onnx, tmp_path):
    """A 4-bit scheme for the whole model leaves its first and last layers
    at w8 by default (the report says why); "quantize" gives every layer the
    scheme; each artifact runs on the weights its report names."""
    keep = qforge.compile(mlp_onnx, scheme="w4g32", out_dir=str(tmp_path / "k"))
    every = qforge.compile(mlp_onnx, scheme="w4g32", sensitive_layers="quantize",
                           out_dir=str(tmp_path / "q"))
    layers = keep.report["layers"]
    assert [l["name"] for l in layers] == ["fc1", "fc2", "fc3"]
    assert [l["scheme"] for l in layers] == ["w8", "w4g32", "w8"]
    assert layers[0]["kept_wider"].startswith("first layer")
    assert "kept_wider" not in layers[1]
    assert layers[2]["kept_wider"].startswith("last layer")
    assert layers[0]["scheme_requested"] == layers[2]["scheme_requested"] == "w4g32"
    assert all(l["scheme"] == "w4g32" and "kept_wider" not in l
               for l in every.report["layers"])
    x = np.random.default_rng(3).standard_normal((5, 64)).astype(np.float32)
    (ref,) = run_ort(mlp_onnx, {"x": x})
    assert rel_error(keep(x)[0], ref) < rel_error(every(x)[0], ref)
    with pytest.raises(RuntimeError, match=r"--sensitive-layers=some is not"):
        qforge.compile(mlp_onnx, scheme="w4g32", sensitive_layers="some",
                       out_dir=str(tmp_path / "bad"))


def test_calibration_errors(mlp_onnx, tmp_path):
    samples = np.zeros((4, 3, 64), np.float32)
    with pytest.raises(RuntimeError, match=r"no array 'x' for argument 0"):
        qforge.compile(mlp_onnx, calib={"arg0": samples}, scheme="w8",
                       out_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"the array needs shape \[N, \?, 64\]"):
        qforge.compile(mlp_onnx, calib={"x": samples[:, :, :10]}, scheme="w8",
                       out_dir=str(tmp_path))
    assert not any(p.suffix == ".so" for p in tmp_path.iterdir())
    npz = tmp_path / "s.npz"
    np.savez(npz, x=np.random.default_rng(0).standard_normal((4, 2, 64)).astype(np.float32))
    model = qforge.compile(mlp_onnx, calib=str(npz), scheme="w4g32",
                           algorithm="gptq", out_dir=str(tmp_path / "ok"))
    assert all("rel_error" in l for l in model.report["layers"])


def big_mlp(path, k=512, n=512):
    """A one-matmul MLIR model with a large constant weight."""
    w = np.random.default_rng(6).standard_normal((k, n)).astype(np.float32)
    hexdata = "0x04000000" + w.tobytes().hex().upper()
    text = f"""
func.func @big(%x: tensor<2x{k}xf32> {{qf.name = "x"}}) -> (tensor<2x{n}xf32> {{qf.name = "y"}}) {{
  %w = arith.constant dense_resource<w> : tensor<{k}x{n}xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x{n}xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x{n}xf32>) -> tensor<2x{n}xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f : tensor<2x{n}xf32>) -> tensor<2x{n}xf32> loc("fc")
  return %y : tensor<2x{n}xf32>
}}
{{-#
  dialect_resources: {{
    builtin: {{
      w: "{hexdata}"
    }}
  }}
#-}}
"""
    with open(path, "w") as f:
        f.write(text)
    return str(path)


@pytest.mark.parametrize("scheme", ["w8", "w4g32", "nf4g64", "w2g32asym"])
def test_report_bytes_match_library_size(tmp_path, scheme):
    # The report counts what the library stores: the library shrinks from
    # float by the reported difference (up to alignment and code size).
    path = big_mlp(tmp_path / "big.mlir")
    f32 = qforge.compile(path, out_dir=str(tmp_path / "f32"))
    q = qforge.compile(path, scheme=scheme, out_dir=str(tmp_path / scheme),
                       sensitive_layers="quantize")
    layer = q.report["layers"][0]
    assert layer["scheme"] == scheme
    assert layer["weight_bytes_before"] == 512 * 512 * 4
    saved = layer["weight_bytes_before"] - layer["weight_bytes_after"]
    shrink = os.path.getsize(f32.library) - os.path.getsize(q.library)
    assert abs(shrink - saved) < 48 * 1024, (scheme, shrink, saved)
    x = np.random.default_rng(7).standard_normal((2, 512)).astype(np.float32)
    (ref,) = f32(x)
    (y,) = q(x)
    assert rel_error(y, ref) < 0.5
