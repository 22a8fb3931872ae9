#!/usr/bin/env python3
"""Writes the numeric test cases of the ONNX importer.

Two sets, in the layout of onnx/backend/test/data/node:
  OUT/<case>/model.onnx, OUT/<case>/test_data_set_0/{input,output}_<i>.pb
and, where onnxruntime runs the model, .../ort_output_<i>.pb.

node/   ONNX's own backend node test cases for every operator the importer
        supports (the onnx wheel ships the generators, not the data; see
        test/unit/gen_onnx_testdata.py). Integer inputs that only feed shape
        operands (Reshape's shape, axes, Slice bounds, Split sizes) are
        frozen into initializers with their test values: the importer needs
        those at compile time, as exported models have them.
models/ small random models (MLP, transformer block, CNN, embeddings,
        shape ops; dynamic batch dims; one with external-data weights),
        with onnxruntime's outputs as the expected values.

If onnx cannot be imported, OUT/UNAVAILABLE says why (the tests then skip)
instead of the build failing. OUT/stamp marks completion.

Usage: gen_import_cases.py OUT_DIR
"""
import importlib
import os
import shutil
import sys

# Backend case modules of the supported operators.
NODE_MODULES = [
    "abs", "add", "averagepool", "cast", "concat", "constant", "conv", "div",
    "dropout", "erf", "exp", "flatten", "gather", "gelu", "gemm",
    "globalaveragepool", "identity", "layernormalization", "log", "matmul",
    "maxpool", "mul", "neg", "pow", "reciprocal", "reducemax", "reducemean",
    "reducemin", "reducesum", "relu", "reshape", "sigmoid", "slice",
    "softmax", "split", "sqrt", "squeeze", "sub", "tanh", "transpose",
    "unsqueeze",
    # activations, comparisons and logic of exported CNNs and decoders
    "and_", "batch_normalization", "ceil", "clip", "equal", "floor",
    "greater", "greater_or_equal", "hardsigmoid", "hardswish", "leakyrelu",
    "less", "less_or_equal", "max", "min", "not_", "or_", "where", "xor",
    "prelu", "elu", "selu", "softplus", "softsign", "sign", "sin", "cos",
    "sum", "mean",
    # shape computations
    "shape", "constantofshape", "rangeop", "expand", "globalmaxpool",
    "instance_normalization",
    # upsampling of detectors and segmenters
    "resize", "upsample", "convtranspose", "pad", "tile", "logsoftmax",
    "argmax", "argmin", "groupnormalization", "depthtospace",
    "spacetodepth",
    # pre-quantized graphs
    "dequantizelinear", "dynamicquantizelinear", "matmulinteger",
    "qlinearmatmul", "quantizelinear",
]

# (op type, input index) whose operand the importer reads at import time:
# integer shape operands, Resize's scales and sizes, ConvTranspose's weight
# (flipped at import, as exported models have it: an initializer).
SHAPE_OPERANDS = {
    ("Reshape", 1), ("Squeeze", 1), ("Unsqueeze", 1), ("Split", 1),
    ("Slice", 1), ("Slice", 2), ("Slice", 3), ("Slice", 4),
    ("ReduceMean", 1), ("ReduceSum", 1), ("ReduceMax", 1), ("ReduceMin", 1),
    ("ConstantOfShape", 0), ("Range", 0), ("Range", 1), ("Range", 2),
    ("Expand", 1), ("Resize", 1), ("Resize", 2), ("Resize", 3),
    ("Upsample", 1), ("ConvTranspose", 1), ("Pad", 1), ("Pad", 2),
    ("Pad", 3), ("Tile", 1),
}


def tensor_proto(value, name):
    import numpy as np
    from onnx import TensorProto, numpy_helper

    if isinstance(value, TensorProto):
        return value
    return numpy_helper.from_array(np.asarray(value), name)


def write_pb(path, value, name):
    with open(path, "wb") as f:
        f.write(tensor_proto(value, name).SerializeToString())


def freeze_shape_inputs(model, inputs):
    """Moves graph inputs used only as shape operands into initializers."""
    import onnx

    graph = model.graph
    uses = {}
    for node in graph.node:
        for i, name in enumerate(node.input):
            uses.setdefault(name, []).append((node.op_type, i))
    keep_inputs, keep_values = [], []
    for info, value in zip(graph.input, inputs):
        u = uses.get(info.name, [])
        if u and all(x in SHAPE_OPERANDS for x in u):
            graph.initializer.append(tensor_proto(value, info.name))
        else:
            keep_inputs.append(info)
            keep_values.append(value)
    if len(keep_inputs) != len(graph.input):
        del graph.input[:]
        graph.input.extend(keep_inputs)
    return keep_values


def run_ort(model_bytes, feeds):
    try:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
        return sess.run(None, feeds)
    except Exception:  # noqa: BLE001 - no ORT reference for this case
        return None


def write_case(case_dir, model, inputs, outputs, ort_outputs=None):
    import numpy as np
    from onnx import numpy_helper

    os.makedirs(case_dir)
    with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    ds = os.path.join(case_dir, "test_data_set_0")
    os.makedirs(ds)
    graph = model.graph
    for j, value in enumerate(inputs):
        write_pb(os.path.join(ds, f"input_{j}.pb"), value, graph.input[j].name)
    for j, value in enumerate(outputs):
        write_pb(os.path.join(ds, f"output_{j}.pb"), value, graph.output[j].name)
    if ort_outputs is not None:
        for j, value in enumerate(ort_outputs):
            write_pb(os.path.join(ds, f"ort_output_{j}.pb"), value, graph.output[j].name)


def gen_node_cases(out):
    import numpy as np
    from onnx import numpy_helper
    import onnx.backend.test.case.node as node_cases

    for module in NODE_MODULES:
        importlib.import_module(f"onnx.backend.test.case.node.{module}")
    count = 0
    for case in node_cases._NodeTestCases:
        if "_expanded" in case.name or not case.data_sets:
            continue
        model = case.model
        inputs, outputs = case.data_sets[0]
        def as_array(v):
            if isinstance(v, (np.generic, int, float)):
                return np.asarray(v)  # numpy scalars: rank-0 tensors
            if not isinstance(v, np.ndarray) and hasattr(v, "dims"):
                return numpy_helper.to_array(v)
            return v
        inputs = [as_array(v) for v in inputs]
        if any(not isinstance(v, np.ndarray) for v in inputs):
            continue  # sequences, optionals
        inputs = freeze_shape_inputs(model, inputs)
        feeds = {info.name: v for info, v in zip(model.graph.input, inputs)}
        ort_outputs = run_ort(model.SerializeToString(), feeds)
        write_case(os.path.join(out, case.name), model, inputs, outputs, ort_outputs)
        count += 1
    return count


def gen_model_cases(out):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "Import", "Inputs"))
    import onnx_models

    count = 0
    for name, build in onnx_models.NUMERIC.items():
        case_dir = os.path.join(out, name)
        os.makedirs(case_dir)
        model, inputs = build()
        path = os.path.join(case_dir, "model.onnx")
        onnx_models.save(model, path, name in onnx_models.EXTERNAL)
        # External data: onnxruntime resolves it from the file's directory.
        feeds = {info.name: v for info, v in zip(model.graph.input, inputs)}
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        outputs = sess.run(None, feeds)
        ds = os.path.join(case_dir, "test_data_set_0")
        os.makedirs(ds)
        for j, value in enumerate(inputs):
            write_pb(os.path.join(ds, f"input_{j}.pb"), value, model.graph.input[j].name)
        for j, value in enumerate(outputs):
            write_pb(os.path.join(ds, f"ort_output_{j}.pb"), value, model.graph.output[j].name)
        count += 1
    return count


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        import numpy  # noqa: F401
        import onnx
        import onnxruntime  # noqa: F401
    except Exception as e:  # noqa: BLE001 - any import failure means "skip"
        with open(os.path.join(tmp, "UNAVAILABLE"), "w") as f:
            f.write(f"cannot generate ONNX import test cases: {e!r} (run scripts/setup.sh for the .venv)\n")
        finish(tmp, out, "unavailable")
        return
    import warnings
    warnings.simplefilter("ignore")
    os.makedirs(os.path.join(tmp, "node"))
    os.makedirs(os.path.join(tmp, "models"))
    nodes = gen_node_cases(os.path.join(tmp, "node"))
    models = gen_model_cases(os.path.join(tmp, "models"))
    finish(tmp, out, f"onnx {onnx.__version__}: {nodes} node cases, {models} models")
    print(f"gen_import_cases: wrote {nodes} node cases and {models} models to {out}")


def finish(tmp, out, note):
    with open(os.path.join(tmp, "stamp"), "w") as f:
        f.write(note + "\n")
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)


if __name__ == "__main__":
    main()
