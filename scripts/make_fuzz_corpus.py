#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/corpus/NAME), deterministically.

Seeds are small valid (and a few nearly valid) inputs of each format, so that
libFuzzer starts from real structure: ONNX node models from Debian's
libonnx-testdata plus a small MLP with initializers, .npy/.npz arrays
(stored, deflated, zip64), a stats file written by qforge-calibrate, option
texts and timing-cache lines, and the qf dialect's lit tests split at
`// -----`. Run with the project's venv (numpy, onnx):

    .venv/bin/python scripts/make_fuzz_corpus.py --bin build/bin
"""
import argparse
import io
import os
import pathlib
import shutil
import subprocess
import tempfile
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
ONNX_NODE_TESTS = pathlib.Path("/usr/share/libonnx-testdata/data/node")
NODE_MODELS = [
    "add", "batchnorm_epsilon", "cast_FLOAT_to_FLOAT16", "concat_2d_axis_0",
    "conv_with_strides_padding", "dequantizelinear", "gather_0",
    "layer_normalization_2d_axis0", "matmul_2d", "maxpool_2d_default",
    "quantizelinear", "reduce_mean_default_axes_keepdims_example", "relu",
    "reshape_reduced_dims", "sigmoid", "slice", "softmax_axis_1",
    "transpose_default", "where_example",
]


def fresh(name):
    directory = CORPUS / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def onnx_corpus():
    out = fresh("onnx")
    for name in NODE_MODELS:
        shutil.copy(ONNX_NODE_TESTS / f"test_{name}" / "model.onnx", out / f"{name}.onnx")
    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array(rng.standard_normal((8, 16)).astype(np.float32), "w1")
    b1 = numpy_helper.from_array(rng.standard_normal(16).astype(np.float32), "b1")
    w2 = numpy_helper.from_array(rng.standard_normal((16, 4)).astype(np.float32), "w2")
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"]),
        helper.make_node("Add", ["h0", "b1"], ["h1"]),
        helper.make_node("Relu", ["h1"], ["h2"]),
        helper.make_node("MatMul", ["h2", "w2"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
        [w1, b1, w2])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    (out / "mlp.onnx").write_bytes(model.SerializeToString())
    # The same model with its first weight in an external file (refused by
    # the fuzzer's nonexistent base directory: the path is still parsed).
    w1.ClearField("raw_data")
    w1.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", "512")):
        entry = w1.external_data.add()
        entry.key, entry.value = key, value
    graph = helper.make_graph(nodes, "mlp", list(graph.input), list(graph.output), [w1, b1, w2])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    (out / "mlp-external.onnx").write_bytes(model.SerializeToString())
    gather = helper.make_graph(
        [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0)], "embed",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["n"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 4])],
        [numpy_helper.from_array(np.arange(40, dtype=np.float32).reshape(10, 4), "table")])
    model = helper.make_model(gather, opset_imports=[helper.make_opsetid("", 13)])
    (out / "gather-initializer.onnx").write_bytes(model.SerializeToString())


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npy_corpus():
    out = fresh("npy")
    arrays = {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3),
        "f16": np.arange(4, dtype=np.float16),
        "f64": np.array([[1.5]], dtype=np.float64),
        "i64": np.array([3, -1, 7], dtype=np.int64),
        "u8": np.arange(5, dtype=np.uint8),
        "bool": np.array([True, False]),
        "scalar": np.float32(2.0),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }
    for name, array in arrays.items():
        (out / f"{name}.npy").write_bytes(npy_bytes(np.asarray(array)))
    (out / "fortran.npy").write_bytes(npy_bytes(np.asfortranarray(np.ones((2, 2), np.float32))))
    for name, mode, zip64 in (("stored", zipfile.ZIP_STORED, False),
                              ("deflated", zipfile.ZIP_DEFLATED, False),
                              ("zip64", zipfile.ZIP_STORED, True)):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", mode) as archive:
            for key in ("f32", "i64"):
                info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = mode
                with archive.open(info, "w", force_zip64=zip64) as member:
                    member.write(npy_bytes(np.asarray(arrays[key])))
        (out / f"{name}.npz").write_bytes(buffer.getvalue())


def stats_corpus(bin_dir):
    out = fresh("stats")
    header = b'{"__metadata__":{"format":"qforge-stats"},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    (out / "tiny.safetensors").write_bytes(len(header).to_bytes(8, "little") + header +
                                           np.array([1, 2], np.float32).tobytes())
    (out / "nested.json").write_bytes(b'{"a":[1,2,{"b":null,"c":"x"}],"d":1e308}')
    if not bin_dir:
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        model = tmp / "mlp.mlir"
        subprocess.run([f"{bin_dir}/qforge-import", str(CORPUS / "onnx" / "mlp.onnx"),
                        "-o", str(model)], check=True)
        samples = tmp / "x.npy"
        np.save(samples, np.random.default_rng(1).standard_normal((4, 2, 8)).astype(np.float32))
        for observer in ("minmax", "entropy"):
            stats = tmp / f"{observer}.safetensors"
            subprocess.run([f"{bin_dir}/qforge-calibrate", str(model), "--inputs", str(samples),
                            "--bins", "256", "--observer", observer, "-o", str(stats)],
                           check=True, capture_output=True)
            shutil.copy(stats, out / f"mlp-{observer}.safetensors")


def options_corpus():
    out = fresh("options")
    identity = "qforge-0.1.0 fuzz|22.1|znver3|+avx2,+fma"
    timing = ('{"v":1,"identity":"%s","key":"m1|n64|k64|w8|t1","median":1e-05,'
              '"p20":9e-06,"p80":1.1e-05,"rounds":7,"source":"measured",'
              '"kernel":"#qf.cpu_kernel<>"}' % identity)
    guard = '{"v":1,"identity":"%s","key":"guard|0|w8","sqnr_db":31.5}' % identity
    texts = {
        "w8": "w8", "w4g128": "w4g128", "nf4g64": "nf4g64", "fp8": "fp8",
        "a8w8": "a8w8", "w4g32-asym": "w4g32asym-bf16", "a8-static": "a8w8-static-tensor", "nf4-dq": "nf4g64-dq-f16",
        "auto": "auto:f32,w8,w4g128+i8act,nf4g64", "profile": "1:0.9,512:0.1",
        "target-x86": "x86_64:znver4+avx512f+avx512vnni", "target-arm": "aarch64+neon",
        "target-host": "host", "target-gpu": "sm_90a",
        "cache": f"w8\n{timing}\n{guard}\n",
        "cache-corrupt": f"w4g128\n{timing[:40]}\n{guard}\n{{}}\n",
    }
    for name, text in texts.items():
        (out / name).write_text(text)


def qf_dialect_corpus():
    out = fresh("qf-dialect")
    for test in sorted((ROOT / "test" / "Dialect" / "QF").glob("*.mlir")):
        pieces = test.read_text().split("// -----")
        for index, piece in enumerate(pieces):
            lines = [l for l in piece.splitlines()
                     if not l.lstrip().startswith(("// RUN", "// CHECK"))]
            text = "\n".join(lines).strip() + "\n"
            if len(text) > 1:
                (out / f"{test.stem}-{index}.mlir").write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", help="build/bin: qforge-import and qforge-calibrate write "
                        "the stats-file seeds")
    args = parser.parse_args()
    onnx_corpus()
    npy_corpus()
    stats_corpus(args.bin)
    options_corpus()
    qf_dialect_corpus()
    for directory in sorted(CORPUS.iterdir()):
        files = list(directory.iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"{directory.name}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main()
