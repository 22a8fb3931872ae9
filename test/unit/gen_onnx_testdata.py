#!/usr/bin/env python3
"""Writes ONNX's backend node test cases for the quantization operators.

The onnx wheel ships the case generators (onnx/backend/test/case/node/*.py)
but not the generated data, and `cmd_tools generate-data` only emits model
cases. Importing a case module runs its export functions, which register the
cases; this script writes them in the layout of onnx/backend/test/data/node:
  OUT/<case>/model.onnx, OUT/<case>/test_data_set_0/{input,output}_<i>.pb

If onnx cannot be imported, OUT/UNAVAILABLE says why (the tests then skip
with that message) instead of the build failing. OUT/stamp marks completion.

Usage: gen_onnx_testdata.py OUT_DIR
"""
import importlib
import os
import shutil
import sys

MODULES = ["quantizelinear", "dequantizelinear", "dynamicquantizelinear"]


def write_tensor(path, value, name):
    import numpy as np
    from onnx import TensorProto, numpy_helper

    if not isinstance(value, TensorProto):
        value = numpy_helper.from_array(np.asarray(value), name)
    with open(path, "wb") as f:
        f.write(value.SerializeToString())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        import onnx
        import onnx.backend.test.case.node as node_cases

        for module in MODULES:
            importlib.import_module(f"onnx.backend.test.case.node.{module}")
    except Exception as e:  # noqa: BLE001 - any import failure means "skip"
        with open(os.path.join(tmp, "UNAVAILABLE"), "w") as f:
            f.write(f"cannot generate ONNX test cases: {e!r} (run scripts/setup.sh for the .venv)\n")
        finish(tmp, out, "unavailable")
        return
    count = 0
    for case in node_cases._NodeTestCases:
        # The function-expanded variants test ONNX's function bodies, not the op.
        if "_expanded" in case.name:
            continue
        case_dir = os.path.join(tmp, case.name)
        os.makedirs(case_dir)
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        graph = case.model.graph
        for i, (inputs, outputs) in enumerate(case.data_sets):
            ds = os.path.join(case_dir, f"test_data_set_{i}")
            os.makedirs(ds)
            for j, value in enumerate(inputs):
                write_tensor(os.path.join(ds, f"input_{j}.pb"), value, graph.input[j].name)
            for j, value in enumerate(outputs):
                write_tensor(os.path.join(ds, f"output_{j}.pb"), value, graph.output[j].name)
        count += 1
    if count == 0:
        sys.exit("gen_onnx_testdata: no test cases found")
    finish(tmp, out, f"onnx {onnx.__version__}: {count} cases")
    print(f"gen_onnx_testdata: wrote {count} cases to {out}")


def finish(tmp, out, note):
    with open(os.path.join(tmp, "stamp"), "w") as f:
        f.write(note + "\n")
    # Replace as a whole so an interrupted run never leaves a partial directory.
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)


if __name__ == "__main__":
    main()
