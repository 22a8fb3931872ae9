#!/usr/bin/env python3
"""Small ONNX models for the importer's tests.

  onnx_models.py NAME OUT.onnx   writes model NAME (for lit RUN lines)
  onnx_models.py --list          lists the names

NUMERIC models (random weights, dynamic batch dims) are also run through
onnxruntime by test/unit/Import/gen_import_cases.py, which compares the
importer's compiled output against it. The others exercise one lowering each
in the lit tests (test/Import/*.mlir).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

F = T.FLOAT


def rng(seed):
    return np.random.default_rng(seed)


def init(name, array):
    return nh.from_array(np.asarray(array), name)


def floats(name, values):
    """A float32 initializer."""
    return init(name, np.array(values, np.float32))


def ints(name, values):
    """An int64 initializer."""
    return init(name, np.array(values, np.int64))


def rand(r, *shape, scale=1.0):
    return (r.standard_normal(shape) * scale).astype(np.float32)


def model(nodes, inputs, outputs, inits=(), opset=17, name="m"):
    g = h.make_graph(nodes, name, inputs, outputs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    return m


def vi(name, shape, elem=F):
    return h.make_tensor_value_info(name, elem, shape)


#===------------------------------------------------------------------------===#
# Numeric models: (model, inputs)
#===------------------------------------------------------------------------===#

def mlp():
    r = rng(1)
    nodes = [
        h.make_node("MatMul", ["x", "W1"], ["h1"], name="fc1"),
        h.make_node("Add", ["h1", "B1"], ["h1b"], name="fc1.bias"),
        h.make_node("Relu", ["h1b"], ["a1"], name="relu1"),
        h.make_node("Gemm", ["a1", "W2", "B2"], ["h2"], name="fc2", transB=1),
        h.make_node("Tanh", ["h2"], ["a2"], name="tanh"),
        h.make_node("Gemm", ["a2", "W3", "B3"], ["h3"], name="fc3", alpha=0.5, beta=2.0),
        h.make_node("Softmax", ["h3"], ["y"], name="softmax"),
    ]
    inits = [init("W1", rand(r, 64, 48, scale=0.2)), init("B1", rand(r, 48)),
             init("W2", rand(r, 32, 48, scale=0.2)), init("B2", rand(r, 32)),
             init("W3", rand(r, 32, 10, scale=0.3)), init("B3", rand(r, 1, 10))]
    m = model(nodes, [vi("x", ["batch", 64])], [vi("y", ["batch", 10])], inits)
    return m, [rand(r, 3, 64)]


def transformer():
    r = rng(2)
    d, heads, hd, ff = 32, 4, 8, 64
    nodes = [
        h.make_node("LayerNormalization", ["x", "ln1.g", "ln1.b"], ["n1"], name="ln1", axis=-1, epsilon=1e-5),
        h.make_node("MatMul", ["n1", "Wqkv"], ["qkv0"], name="attn.qkv"),
        h.make_node("Add", ["qkv0", "bqkv"], ["qkv"], name="attn.qkv.bias"),
        h.make_node("Split", ["qkv", "split"], ["q0", "k0", "v0"], name="split", axis=-1),
        h.make_node("Reshape", ["q0", "heads_shape"], ["q1"], name="q.reshape"),
        h.make_node("Transpose", ["q1"], ["q"], name="q.t", perm=[0, 2, 1, 3]),
        h.make_node("Reshape", ["k0", "heads_shape"], ["k1"], name="k.reshape"),
        h.make_node("Transpose", ["k1"], ["kT"], name="k.t", perm=[0, 2, 3, 1]),
        h.make_node("Reshape", ["v0", "heads_shape"], ["v1"], name="v.reshape"),
        h.make_node("Transpose", ["v1"], ["v"], name="v.t", perm=[0, 2, 1, 3]),
        h.make_node("MatMul", ["q", "kT"], ["s0"], name="attn.scores"),
        h.make_node("Div", ["s0", "sqrt_hd"], ["s1"], name="attn.scale"),
        h.make_node("Softmax", ["s1"], ["p"], name="attn.softmax", axis=-1),
        h.make_node("MatMul", ["p", "v"], ["o0"], name="attn.context"),
        h.make_node("Transpose", ["o0"], ["o1"], name="o.t", perm=[0, 2, 1, 3]),
        h.make_node("Reshape", ["o1", "model_shape"], ["o2"], name="o.reshape"),
        h.make_node("MatMul", ["o2", "Wo"], ["o3"], name="attn.out"),
        h.make_node("Add", ["o3", "bo"], ["o4"], name="attn.out.bias"),
        h.make_node("Add", ["x", "o4"], ["r1"], name="residual1"),
        h.make_node("LayerNormalization", ["r1", "ln2.g", "ln2.b"], ["n2"], name="ln2"),
        h.make_node("MatMul", ["n2", "W1"], ["f1"], name="mlp.fc1"),
        h.make_node("Gelu", ["f1"], ["g1"], name="mlp.gelu"),
        h.make_node("MatMul", ["g1", "W2"], ["f2"], name="mlp.fc2"),
        h.make_node("Add", ["r1", "f2"], ["y"], name="residual2"),
    ]
    inits = [
        init("ln1.g", 1 + rand(r, d, scale=0.1)), init("ln1.b", rand(r, d, scale=0.1)),
        init("Wqkv", rand(r, d, 3 * d, scale=0.2)), init("bqkv", rand(r, 3 * d, scale=0.1)),
        init("split", np.array([d, d, d], np.int64)),
        init("heads_shape", np.array([0, 0, heads, hd], np.int64)),
        init("model_shape", np.array([0, 0, d], np.int64)),
        init("sqrt_hd", np.array(np.sqrt(hd), np.float32)),
        init("Wo", rand(r, d, d, scale=0.2)), init("bo", rand(r, d, scale=0.1)),
        init("ln2.g", 1 + rand(r, d, scale=0.1)), init("ln2.b", rand(r, d, scale=0.1)),
        init("W1", rand(r, d, ff, scale=0.2)), init("W2", rand(r, ff, d, scale=0.2)),
    ]
    m = model(nodes, [vi("x", ["batch", "seq", d])], [vi("y", ["batch", "seq", d])],
              inits, opset=20)
    return m, [rand(r, 2, 5, d)]


def cnn():
    r = rng(3)
    nodes = [
        h.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], name="conv1", auto_pad="SAME_UPPER"),
        h.make_node("Relu", ["c1"], ["a1"], name="relu1"),
        h.make_node("MaxPool", ["a1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        h.make_node("Conv", ["p1", "c2.w", "c2.b"], ["c2"], name="conv2", group=2,
                    strides=[2, 2], pads=[1, 0, 1, 0], kernel_shape=[3, 3]),
        h.make_node("Sigmoid", ["c2"], ["a2"], name="sigmoid"),
        h.make_node("Conv", ["a2", "c3.w"], ["c3"], name="conv3", dilations=[2, 2],
                    pads=[2, 1, 2, 3]),
        h.make_node("AveragePool", ["c3"], ["p2"], name="pool2", kernel_shape=[3, 3],
                    pads=[1, 1, 1, 1], count_include_pad=0),
        h.make_node("MaxPool", ["p2"], ["p3"], name="pool3", kernel_shape=[2, 2],
                    strides=[2, 2], ceil_mode=1),
        h.make_node("GlobalAveragePool", ["p3"], ["gap"], name="gap"),
        h.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
        h.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["y"], name="fc", transB=1),
    ]
    inits = [init("c1.w", rand(r, 8, 3, 3, 3, scale=0.3)), init("c1.b", rand(r, 8, scale=0.1)),
             init("c2.w", rand(r, 12, 4, 3, 3, scale=0.3)), init("c2.b", rand(r, 12, scale=0.1)),
             init("c3.w", rand(r, 16, 12, 3, 3, scale=0.2)),
             init("fc.w", rand(r, 10, 16, scale=0.3)), init("fc.b", rand(r, 10, scale=0.1))]
    m = model(nodes, [vi("x", ["batch", 3, 16, 16])], [vi("y", ["batch", 10])], inits)
    return m, [rand(r, 2, 3, 16, 16)]


def conv1d():
    r = rng(4)
    nodes = [
        h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", strides=[2], pads=[2, 1]),
        h.make_node("AveragePool", ["c"], ["p"], name="pool", kernel_shape=[3], strides=[2],
                    pads=[1, 1], count_include_pad=1, ceil_mode=1),
        h.make_node("Conv", ["p", "dw"], ["y"], name="depthwise", group=6, kernel_shape=[3],
                    auto_pad="SAME_LOWER"),
    ]
    inits = [init("w", rand(r, 6, 4, 5, scale=0.3)), init("b", rand(r, 6)),
             init("dw", rand(r, 6, 1, 3))]
    m = model(nodes, [vi("x", ["batch", 4, 23])], [vi("y", ["batch", 6, None])], inits)
    return m, [rand(r, 3, 4, 23)]


def embeddings():
    """Token + position embeddings and PyTorch-style decomposed LayerNorm
    and erf GELU, then a classifier."""
    r = rng(5)
    nodes = [
        h.make_node("Gather", ["tok_emb", "ids"], ["e0"], name="tok_emb"),
        h.make_node("Gather", ["pos_emb", "pos"], ["pe"], name="pos_emb"),
        h.make_node("Add", ["e0", "pe"], ["e"], name="add_pos"),
        h.make_node("ReduceMean", ["e"], ["mu"], name="ln.mean", axes=[-1]),
        h.make_node("Sub", ["e", "mu"], ["c"], name="ln.center"),
        h.make_node("Pow", ["c", "two"], ["c2"], name="ln.sq"),
        h.make_node("ReduceMean", ["c2"], ["var"], name="ln.var", axes=[-1]),
        h.make_node("Add", ["var", "eps"], ["ve"], name="ln.eps"),
        h.make_node("Sqrt", ["ve"], ["sd"], name="ln.sqrt"),
        h.make_node("Div", ["c", "sd"], ["nrm"], name="ln.div"),
        h.make_node("Mul", ["nrm", "gamma"], ["sc"], name="ln.scale"),
        h.make_node("Add", ["sc", "beta"], ["ln"], name="ln.shift"),
        h.make_node("Div", ["ln", "sqrt2"], ["gx"], name="gelu.div"),
        h.make_node("Erf", ["gx"], ["ge"], name="gelu.erf"),
        h.make_node("Add", ["ge", "one"], ["g1"], name="gelu.add"),
        h.make_node("Mul", ["ln", "g1"], ["g2"], name="gelu.mul"),
        h.make_node("Mul", ["g2", "half"], ["g"], name="gelu.half"),
        h.make_node("MatMul", ["g", "Wc"], ["y"], name="classifier"),
    ]
    inits = [init("tok_emb", rand(r, 50, 16)), init("pos_emb", rand(r, 12, 16, scale=0.1)),
             init("pos", np.arange(6, dtype=np.int64)),
             init("two", np.array(2.0, np.float32)), init("eps", np.array(1e-5, np.float32)),
             init("gamma", 1 + rand(r, 16, scale=0.1)), init("beta", rand(r, 16, scale=0.1)),
             init("sqrt2", np.array(np.sqrt(2.0), np.float32)),
             init("one", np.array(1.0, np.float32)), init("half", np.array(0.5, np.float32)),
             init("Wc", rand(r, 16, 5, scale=0.3))]
    m = model(nodes, [vi("ids", ["batch", 6], T.INT64)], [vi("y", ["batch", 6, 5])], inits, opset=13)
    ids = r.integers(-50, 50, size=(4, 6)).astype(np.int64)  # negative ids count from the end
    return m, [ids]


def shapes():
    """Data movement with two inputs and three outputs."""
    r = rng(6)
    nodes = [
        h.make_node("Transpose", ["a"], ["at"], name="t", perm=[0, 3, 1, 2]),    # [2,5,3,4]
        h.make_node("Reshape", ["at", "s1"], ["ar"], name="r1"),                 # [2,5,12]
        h.make_node("Concat", ["ar", "b"], ["cat"], name="cat", axis=1),         # [2,8,12]
        h.make_node("Slice", ["cat", "st", "en", "ax", "sp"], ["sl"], name="slice"),  # [2,4,4]
        h.make_node("Unsqueeze", ["sl", "uax"], ["us"], name="unsq"),            # [2,1,4,4,1]
        h.make_node("Squeeze", ["us", "sax"], ["sq"], name="sq"),                # [2,4,4]
        h.make_node("Flatten", ["sq"], ["fl"], name="flat", axis=2),             # [8,4]
        h.make_node("Split", ["fl"], ["p0", "p1"], name="split", axis=0, num_outputs=2),
        h.make_node("Sub", ["p0", "p1"], ["d"], name="sub"),
        h.make_node("Mul", ["d", "k"], ["m"], name="mul"),
        h.make_node("Cast", ["m"], ["mi"], name="to_int", to=T.INT64),
        h.make_node("Cast", ["mi"], ["y0"], name="to_float", to=T.FLOAT),
        h.make_node("Constant", [], ["cst"], name="cst",
                    value=h.make_tensor("cv", F, [4], [1.0, -2.0, 0.5, 3.0])),
        h.make_node("Div", ["p1", "cst"], ["y1"], name="div"),
        h.make_node("ReduceSum", ["cat", "rax"], ["y2"], name="rsum", keepdims=0),
    ]
    inits = [init("s1", np.array([0, 5, -1], np.int64)),
             init("st", np.array([-1, 1, 0], np.int64)),
             init("en", np.array([-100, 9, 10], np.int64)),
             init("ax", np.array([1, 0, 2], np.int64)),
             init("sp", np.array([-2, 1, 3], np.int64)),
             init("uax", np.array([1, -1], np.int64)), init("sax", np.array([1, 4], np.int64)),
             init("k", np.array([10.0], np.float32)),
             init("rax", np.array([0, 2], np.int64))]
    m = model(nodes, [vi("a", [2, 3, 4, 5]), vi("b", [2, 3, 12])],
              [vi("y0", [2, 4]), vi("y1", [2, 4]), vi("y2", [8])], inits, opset=18)
    return m, [rand(r, 2, 3, 4, 5), rand(r, 2, 3, 12)]


def dynamic_reshape():
    r = rng(7)
    nodes = [
        h.make_node("Reshape", ["x", "s1"], ["x1"], name="r1"),   # [b*6, 4]
        h.make_node("MatMul", ["x1", "W"], ["m"], name="proj"),   # [b*6, 8]
        h.make_node("Reshape", ["m", "s2"], ["m2"], name="r2"),   # [b, 48]
        h.make_node("ReduceMax", ["m2", "u"], ["y0"], name="max", keepdims=1),
        h.make_node("Unsqueeze", ["m2", "u"], ["m3"], name="unsq"),  # [b, 1, 48]
        h.make_node("Slice", ["m3", "st", "en", "ax"], ["m4"], name="slice"),
        h.make_node("Exp", ["m4"], ["y1"], name="exp"),
    ]
    inits = [init("s1", np.array([-1, 4], np.int64)), init("W", rand(r, 4, 8)),
             init("s2", np.array([-1, 48], np.int64)), init("u", np.array([1], np.int64)),
             init("st", np.array([1, 5], np.int64)), init("en", np.array([2**62, -3], np.int64)),
             init("ax", np.array([0, 2], np.int64))]
    m = model(nodes, [vi("x", ["b", 6, 4])], [vi("y0", ["b", 1]), vi("y1", [None, 1, None])],
              inits, opset=18)
    return m, [rand(r, 3, 6, 4)]


def qdq_mlp():
    """A QDQ graph as quantization tools write it: uint8 activations per
    tensor, int8 weights per output channel, float matmuls between."""
    r = rng(8)
    w = rand(r, 16, 8, scale=0.3)
    w_scale = (np.abs(w).max(axis=0) / 127).astype(np.float32)
    w_q = np.clip(np.rint(w / w_scale), -127, 127).astype(np.int8)
    nodes = [
        h.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], name="x.q"),
        h.make_node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"], name="x.dq"),
        h.make_node("DequantizeLinear", ["w_q", "w_scale"], ["wd"], name="w.dq", axis=1),
        h.make_node("MatMul", ["xd", "wd"], ["m"], name="fc"),
        h.make_node("Relu", ["m"], ["a"], name="relu"),
        h.make_node("QuantizeLinear", ["a", "a_scale", "a_zp"], ["aq"], name="a.q"),
        h.make_node("DequantizeLinear", ["aq", "a_scale", "a_zp"], ["y"], name="a.dq"),
    ]
    inits = [init("x_scale", np.array(0.02, np.float32)), init("x_zp", np.array(128, np.uint8)),
             init("w_q", w_q), init("w_scale", w_scale),
             init("a_scale", np.array(0.01, np.float32)), init("a_zp", np.array(0, np.uint8))]
    m = model(nodes, [vi("x", ["batch", 16])], [vi("y", ["batch", 8])], inits, opset=13)
    return m, [rand(r, 5, 16)]


def dynamic_quant():
    """onnxruntime's dynamic quantization pattern, and QLinearMatMul."""
    r = rng(9)
    w_q = r.integers(0, 256, size=(16, 8)).astype(np.uint8)
    nodes = [
        h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xzp"], name="x.dq"),
        h.make_node("MatMulInteger", ["xq", "w_q", "xzp", "w_zp"], ["acc"], name="fc"),
        h.make_node("Cast", ["acc"], ["accf"], name="fc.cast", to=T.FLOAT),
        h.make_node("Mul", ["xs", "w_scale"], ["s"], name="fc.scale"),
        h.make_node("Mul", ["accf", "s"], ["y0"], name="fc.out"),
        h.make_node("QLinearMatMul", ["xq", "xs", "xzp", "w_q", "w_scale", "w_zp", "y_scale", "y_zp"],
                    ["y1"], name="qfc"),
    ]
    inits = [init("w_q", w_q), init("w_zp", np.array(131, np.uint8)),
             init("w_scale", np.array(0.004, np.float32)),
             init("y_scale", np.array(0.05, np.float32)), init("y_zp", np.array(120, np.uint8))]
    m = model(nodes, [vi("x", ["batch", 16])],
              [vi("y0", ["batch", 8]), vi("y1", ["batch", 8], T.UINT8)], inits, opset=13)
    return m, [rand(r, 3, 16)]


def external_mlp():
    m, inputs = mlp()
    m.graph.name = "external"
    return m, inputs


def paddle_cnn():
    """What Paddle2ONNX writes at opset 9: Conv + BatchNormalization (opset 9
    form), Clip with min/max attributes (ReLU6), HardSigmoid, LeakyRelu, and
    a Where over a comparison mask (Greater, Not, Max)."""
    r = rng(11)
    nodes = [
        h.make_node("Conv", ["x", "c1.w"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        h.make_node("BatchNormalization", ["c1", "bn.s", "bn.b", "bn.m", "bn.v"], ["b1"],
                    name="bn1", epsilon=1e-3),
        h.make_node("Clip", ["b1"], ["r6"], name="relu6", min=0.0, max=6.0),
        h.make_node("Conv", ["r6", "c2.w", "c2.b"], ["c2"], name="conv2"),
        h.make_node("HardSigmoid", ["c2"], ["hs"], name="hsig", alpha=0.25, beta=0.4),
        h.make_node("LeakyRelu", ["c2"], ["lr"], name="leaky", alpha=0.1),
        h.make_node("Greater", ["c2", "zero"], ["pos"], name="positive"),
        h.make_node("Not", ["pos"], ["neg"], name="negative"),
        h.make_node("Where", ["neg", "hs", "lr"], ["w"], name="select"),
        h.make_node("Max", ["w", "hs", "floor"], ["y"], name="max3"),
    ]
    inits = [init("c1.w", rand(r, 6, 3, 3, 3, scale=0.4)),
             init("bn.s", rand(r, 6, scale=0.5) + 1.0), init("bn.b", rand(r, 6, scale=0.2)),
             init("bn.m", rand(r, 6, scale=0.2)),
             init("bn.v", np.abs(rand(r, 6, scale=0.5)) + 0.5),
             init("c2.w", rand(r, 4, 6, 1, 1, scale=0.5)), init("c2.b", rand(r, 4, scale=0.1)),
             init("zero", np.zeros((), np.float32)),
             init("floor", np.full((4, 1, 1), 0.05, np.float32))]
    m = model(nodes, [vi("x", ["batch", 3, 8, 8])], [vi("y", ["batch", 4, 8, 8])], inits,
              opset=9)
    return m, [rand(r, 2, 3, 8, 8, scale=2.0)]


def shape_values():
    """Shape computations as torch.onnx.export writes them (opset 17, dynamic
    batch): Shape of the static dims (start=1) folds, and Slice / Concat /
    Reshape, ConstantOfShape and Range fold with it; Shape of the whole
    input reads the batch at run time; Expand keeps the dynamic batch."""
    r = rng(12)
    nodes = [
        h.make_node("Shape", ["x"], ["s"], name="shape_tail", start=1),
        h.make_node("Slice", ["s", "one", "two"], ["last"], name="last_dim"),
        h.make_node("Concat", ["minus1", "last"], ["target"], name="target", axis=0),
        h.make_node("Reshape", ["x", "target"], ["y1"], name="flatten_rows"),
        h.make_node("ConstantOfShape", ["s"], ["half"], name="halves",
                    value=h.make_tensor("v", T.FLOAT, [1], [0.5])),
        h.make_node("Add", ["x", "half"], ["y2"], name="plus_half"),
        h.make_node("Range", ["zero", "four", "step"], ["idx"], name="positions"),
        h.make_node("Cast", ["idx"], ["fidx"], name="to_float", to=T.FLOAT),
        h.make_node("Add", ["x", "fidx"], ["y3"], name="plus_position"),
        h.make_node("Shape", ["x"], ["y4"], name="shape_all"),
        # A 1 in Expand's shape keeps x's dim, the dynamic batch included.
        h.make_node("Expand", ["x", "eshape"], ["y5"], name="expand"),
        # A backward slice starting before the first element: ONNX clamps
        # the start to 0 (one element), as the unfolded Slice does.
        h.make_node("Slice", ["s", "far", "farther", "zeroaxis", "back"], ["y6"],
                    name="backward"),
    ]
    inits = [ints("one", [1]), ints("two", [2]), ints("minus1", [-1]),
             ints("zero", 0), ints("four", 4), ints("step", 1), ints("eshape", [2, 1, 1, 4]),
             ints("far", [-10]), ints("farther", [-100]), ints("zeroaxis", [0]), ints("back", [-1])]
    m = model(nodes, [vi("x", ["batch", 3, 4])],
              [vi("y1", ["rows", 4]), vi("y2", ["batch", 3, 4]), vi("y3", ["batch", 3, 4]),
               vi("y4", [3], T.INT64), vi("y5", [2, "batch", 3, 4]),
               vi("y6", [1], T.INT64)], inits)
    return m, [rand(r, 2, 3, 4)]


def resize():
    """Upsampling as exporters write it (opset 18, dynamic batch): torch's
    nearest (asymmetric, floor) and bilinear (half_pixel) by scales, a
    linear align_corners resize to sizes on axes 2 and 3, a nearest
    downsample rounding half up, and pytorch_half_pixel linear."""
    nodes = [
        h.make_node("Resize", ["x", "", "s2"], ["y1"], name="nearest2x", mode="nearest",
                    coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
        h.make_node("Resize", ["x", "", "s2"], ["y2"], name="bilinear2x", mode="linear"),
        h.make_node("Resize", ["x", "", "", "hw"], ["y3"], name="corners", mode="linear",
                    coordinate_transformation_mode="align_corners", axes=[2, 3]),
        h.make_node("Resize", ["x", "", "down"], ["y4"], name="down", mode="nearest",
                    nearest_mode="round_prefer_ceil"),
        h.make_node("Resize", ["x", "", "odd"], ["y5"], name="torch_odd", mode="linear",
                    coordinate_transformation_mode="pytorch_half_pixel"),
    ]
    inits = [floats("s2", [1, 1, 2, 2]), ints("hw", [9, 11]), floats("down", [1, 1, 0.6, 0.5]),
             floats("odd", [1, 1, 1.5, 0.2])]
    m = model(nodes, [vi("x", ["batch", 4, 5, 6])],
              [vi("y1", ["batch", 4, 10, 12]), vi("y2", ["batch", 4, 10, 12]),
               vi("y3", ["batch", 4, 9, 11]), vi("y4", ["batch", 4, 3, 3]),
               vi("y5", ["batch", 4, 7, 1])], inits, opset=18)
    return m, [rand(rng(13), 2, 4, 5, 6)]


def conv_transpose():
    """Transposed convolutions as detector heads and decoders write them
    (opset 11, dynamic batch): DBNet's 2x2 stride 2 with bias, a 3x3 stride
    2 with pads and output_padding, a grouped one with dilation, and one
    sized by output_shape."""
    r = rng(16)
    nodes = [
        h.make_node("ConvTranspose", ["x", "W1", "B1"], ["y1"], name="up2x",
                    kernel_shape=[2, 2], strides=[2, 2]),
        h.make_node("ConvTranspose", ["x", "W2"], ["y2"], name="up3x3",
                    strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
        h.make_node("ConvTranspose", ["x", "W3"], ["y3"], name="grouped", group=2,
                    dilations=[2, 1], strides=[1, 3]),
        h.make_node("ConvTranspose", ["x", "W2"], ["y4"], name="sized",
                    strides=[2, 2], output_shape=[10, 13]),
    ]
    inits = [init("W1", rand(r, 4, 3, 2, 2)), init("B1", rand(r, 3)),
             init("W2", rand(r, 4, 2, 3, 3)), init("W3", rand(r, 4, 3, 2, 2))]
    m = model(nodes, [vi("x", ["batch", 4, 5, 6])],
              [vi("y1", ["batch", 3, 10, 12]), vi("y2", ["batch", 2, 10, 12]),
               vi("y3", ["batch", 6, 7, 17]), vi("y4", ["batch", 2, 10, 13])],
              inits, opset=11)
    return m, [rand(rng(17), 2, 4, 5, 6)]


def pad_tile_argmax():
    """What segmentation and classification graphs write around their
    convolutions (opset 13, dynamic batch): reflection and constant padding
    of the spatial dims (torch's ReflectionPad2d, F.pad), a crop by negative
    pads, Tile, ArgMax without keepdims and LogSoftmax."""
    nodes = [
        h.make_node("Pad", ["x", "reflect_pads"], ["y1"], name="reflect", mode="reflect"),
        h.make_node("Pad", ["x", "const_pads", "cval"], ["y2"], name="const"),
        h.make_node("Pad", ["x", "crop_pads"], ["y3"], name="crop", mode="edge"),
        h.make_node("Tile", ["x", "reps"], ["y4"], name="tile"),
        h.make_node("ArgMax", ["x"], ["y5"], name="classes", axis=1, keepdims=0),
        h.make_node("LogSoftmax", ["x"], ["y6"], name="logprobs", axis=1),
    ]
    inits = [ints("reflect_pads", [0, 0, 2, 1, 0, 0, 1, 3]),
             ints("const_pads", [0, 1, 1, 0, 0, 0, 2, 2]),
             init("cval", np.array(-1.5, np.float32)),
             ints("crop_pads", [0, 0, -1, 2, 0, 0, 1, -2]), ints("reps", [1, 2, 1, 3])]
    m = model(nodes, [vi("x", ["batch", 3, 4, 5])],
              [vi("y1", ["batch", 3, 7, 9]), vi("y2", ["batch", 4, 7, 7]),
               vi("y3", ["batch", 3, 4, 5]), vi("y4", ["batch", 6, 4, 15]),
               vi("y5", ["batch", 4, 5], T.INT64), vi("y6", ["batch", 3, 4, 5])],
              inits, opset=13)
    return m, [rand(rng(18), 2, 3, 4, 5)]


def pad_opset9():
    """Pad with its pads as an attribute (opset 9, as Paddle2ONNX writes),
    edge and constant modes."""
    nodes = [
        h.make_node("Pad", ["x"], ["y1"], name="edge", mode="edge",
                    pads=[0, 0, 1, 2, 0, 0, 2, 1]),
        h.make_node("Pad", ["x"], ["y2"], name="const", pads=[0, 0, 1, 1, 0, 0, 1, 1],
                    value=0.25),
    ]
    m = model(nodes, [vi("x", ["batch", 2, 3, 4])],
              [vi("y1", ["batch", 2, 6, 7]), vi("y2", ["batch", 2, 5, 6])], opset=9)
    return m, [rand(rng(19), 2, 2, 3, 4)]


def group_norm_opset18():
    """GroupNormalization at opset 18, whose scale and bias are per group
    (per channel since 21, which the backend cases cover), dynamic batch."""
    nodes = [h.make_node("GroupNormalization", ["x", "s", "b"], ["y"], name="gn",
                         num_groups=2, epsilon=1e-4)]
    inits = [init("s", np.array([1.5, -0.5], np.float32)),
             init("b", np.array([0.1, 0.2], np.float32))]
    # Without model()'s checker: onnx deprecated this version (onnxruntime
    # still runs it, and exporters wrote it).
    g = h.make_graph(nodes, "m", [vi("x", ["batch", 4, 3, 3])],
                     [vi("y", ["batch", 4, 3, 3])], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 18)])
    m.ir_version = 8
    return m, [rand(rng(20), 2, 4, 3, 3)]


def upsample_opset9():
    """Upsample (opset 9: scales as an input) in both modes, as Paddle2ONNX
    and old exporters write it."""
    nodes = [
        h.make_node("Upsample", ["x", "s"], ["y1"], name="up_nearest", mode="nearest"),
        h.make_node("Upsample", ["x", "s"], ["y2"], name="up_linear", mode="linear"),
    ]
    m = model(nodes, [vi("x", ["batch", 3, 4, 5])],
              [vi("y1", ["batch", 3, 8, 15]), vi("y2", ["batch", 3, 8, 15])],
              [floats("s", [1, 1, 2, 3])], opset=9)
    return m, [rand(rng(14), 2, 3, 4, 5)]


def resize_opset10():
    """Resize-10 (scales only, asymmetric coordinates): up in linear mode,
    down in nearest."""
    nodes = [
        h.make_node("Resize", ["x", "up"], ["y1"], name="up_linear", mode="linear"),
        h.make_node("Resize", ["x", "down"], ["y2"], name="down_nearest", mode="nearest"),
    ]
    m = model(nodes, [vi("x", ["batch", 3, 6, 8])],
              [vi("y1", ["batch", 3, 12, 20]), vi("y2", ["batch", 3, 3, 2])],
              [floats("up", [1, 1, 2, 2.5]), floats("down", [1, 1, 0.5, 0.3])], opset=10)
    return m, [rand(rng(15), 2, 3, 6, 8)]


NUMERIC = {
    "resize": resize,
    "conv_transpose": conv_transpose,
    "pad_tile_argmax": pad_tile_argmax,
    "pad_opset9": pad_opset9,
    "group_norm_opset18": group_norm_opset18,
    "upsample_opset9": upsample_opset9,
    "resize_opset10": resize_opset10,
    "mlp": mlp,
    "transformer": transformer,
    "cnn": cnn,
    "conv1d": conv1d,
    "embeddings": embeddings,
    "shapes": shapes,
    "dynamic_reshape": dynamic_reshape,
    "external_mlp": external_mlp,
    "qdq_mlp": qdq_mlp,
    "dynamic_quant": dynamic_quant,
    "paddle_cnn": paddle_cnn,
    "shape_values": shape_values,
}


# Saved with their initializers in a separate file.
EXTERNAL = {"external_mlp"}


def save(m, path, external=False):
    if external:
        weights = os.path.basename(path) + ".weights"
        if os.path.exists(os.path.join(os.path.dirname(path), weights)):
            os.remove(os.path.join(os.path.dirname(path), weights))
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=weights, size_threshold=0)
    else:
        onnx.save_model(m, path)


#===------------------------------------------------------------------------===#
# Models for the IR tests
#===------------------------------------------------------------------------===#

def single(op, inputs, outputs, inits=(), opset=17, **attrs):
    """One node named after its op type in lower case."""
    names = [i.name for i in inputs] + [i.name for i in inits]
    node = h.make_node(op, [n for n in names], [o.name for o in outputs],
                       name=op.lower(), **attrs)
    return model([node], inputs, outputs, inits, opset=opset)


def ir_elementwise():
    x, y = vi("x", ["n", 4]), vi("y", [3, 1, 4])
    nodes = [
        h.make_node("Add", ["x", "y"], ["a"], name="add"),
        h.make_node("Sub", ["a", "x"], ["s"], name="sub"),
        h.make_node("Mul", ["s", "c"], ["m"], name="mul"),
        h.make_node("Div", ["m", "a"], ["d"], name="div"),
        h.make_node("Pow", ["d", "e"], ["p"], name="pow"),
        h.make_node("Pow", ["p", "two"], ["p2"], name="square"),
        h.make_node("Sqrt", ["p2"], ["q"], name="sqrt"),
        h.make_node("Relu", ["q"], ["r"], name="relu"),
        h.make_node("Sigmoid", ["r"], ["sg"], name="sigmoid"),
        h.make_node("Tanh", ["sg"], ["t"], name="tanh"),
        h.make_node("Erf", ["t"], ["er"], name="erf"),
        h.make_node("Gelu", ["er"], ["g"], name="gelu"),
        h.make_node("Gelu", ["g"], ["out"], name="gelu_tanh", approximate="tanh"),
    ]
    inits = [init("c", np.array([2.0], np.float32)), init("e", np.array(4, np.int64)),
             init("two", np.array(2.0, np.float32))]
    return model(nodes, [x, y], [vi("out", [3, "n", 4])], inits, opset=20)


def ir_matmul():
    r = rng(10)
    nodes = [
        h.make_node("MatMul", ["x", "W"], ["y2"], name="proj"),       # [b, s, 16] x [16, 8]
        h.make_node("MatMul", ["a", "bm"], ["y3"], name="batched"),   # [b, 4, 5, 6] x [4, 6, 7]
        h.make_node("MatMul", ["v", "W"], ["y4"], name="vecmat"),     # [16] x [16, 8]
        h.make_node("Gemm", ["g", "Wg", "Bg"], ["y5"], name="gemm_tb", transB=1),
        h.make_node("Gemm", ["gt", "Wk", "Bg"], ["y6"], name="gemm_ta", transA=1, alpha=0.5, beta=0.0),
    ]
    inits = [init("W", rand(r, 16, 8)), init("Wg", rand(r, 8, 16)), init("Bg", rand(r, 8)),
             init("Wk", rand(r, 16, 8))]
    ins = [vi("x", ["b", "s", 16]), vi("a", ["b", 4, 5, 6]), vi("bm", [4, 6, 7]),
           vi("v", [16]), vi("g", ["m", 16]), vi("gt", [16, "m"])]
    outs = [vi("y2", ["b", "s", 8]), vi("y3", ["b", 4, 5, 7]), vi("y4", [8]),
            vi("y5", ["m", 8]), vi("y6", ["m", 8])]
    return model(nodes, ins, outs, inits)


def ir_conv():
    r = rng(11)
    nodes = [h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1], strides=[2, 2]),
             h.make_node("Conv", ["c", "gw"], ["g"], name="conv_grouped", group=2),
             h.make_node("MaxPool", ["g"], ["mp"], name="maxpool", kernel_shape=[2, 2]),
             h.make_node("AveragePool", ["mp"], ["ap"], name="avgpool", kernel_shape=[2, 2],
                         pads=[0, 0, 1, 1]),
             h.make_node("GlobalAveragePool", ["ap"], ["y"], name="gap")]
    inits = [init("w", rand(r, 4, 3, 3, 3)), init("b", rand(r, 4)), init("gw", rand(r, 6, 2, 1, 1))]
    return model(nodes, [vi("x", ["n", 3, 8, 8])], [vi("y", ["n", 6, 1, 1])], inits)


def ir_norm():
    r = rng(12)
    nodes = [h.make_node("LayerNormalization", ["x", "g", "b"], ["ln", "mean", "inv"], name="ln",
                         axis=-2, epsilon=1e-3),
             h.make_node("Softmax", ["ln"], ["sm"], name="softmax", axis=1),
             h.make_node("ReduceMean", ["sm", "axes"], ["y"], name="mean", keepdims=0)]
    inits = [init("g", rand(r, 6, 8)), init("b", rand(r, 6, 8)), init("axes", np.array([0, -1], np.int64))]
    return model(nodes, [vi("x", ["n", 6, 8])],
                 [vi("y", [6]), vi("mean", ["n", 1, 1]), vi("inv", ["n", 1, 1])], inits, opset=18)


def ir_shapes():
    nodes = [h.make_node("Reshape", ["x", "s"], ["r"], name="reshape"),          # [b, s, 2, 4]
             h.make_node("Transpose", ["r"], ["t"], name="transpose", perm=[0, 2, 1, 3]),
             h.make_node("Squeeze", ["u"], ["sq"], name="squeeze"),              # [3] from [1,3,1]
             h.make_node("Unsqueeze", ["sq", "ax"], ["us"], name="unsqueeze"),    # [3, 1]
             h.make_node("Concat", ["x", "x"], ["c"], name="concat", axis=-1),    # [b, s, 16]
             h.make_node("Split", ["c", "sp"], ["c0", "c1"], name="split", axis=2),
             h.make_node("Slice", ["c1", "st", "en", "sax", "sst"], ["sl"], name="slice"),
             h.make_node("Flatten", ["sl"], ["f"], name="flatten", axis=1),
             h.make_node("Gather", ["x", "idx"], ["gt"], name="gather", axis=2),
             h.make_node("Cast", ["gt"], ["ci"], name="cast", to=T.INT32)]
    inits = [init("s", np.array([0, 0, 2, 4], np.int64)), init("ax", np.array([-1], np.int64)),
             init("sp", np.array([6, 10], np.int64)), init("st", np.array([0, -1], np.int64)),
             init("en", np.array([2**62, 0], np.int64)), init("sax", np.array([1, 2], np.int64)),
             init("sst", np.array([2, -3], np.int64)), init("idx", np.array([[0, 7], [1, -1]], np.int64))]
    ins = [vi("x", ["b", "s", 8]), vi("u", [1, 3, 1])]
    outs = [vi("t", ["b", 2, "s", 4]), vi("us", [3, 1]), vi("f", ["b", None]), vi("c0", ["b", "s", 6]),
            vi("ci", ["b", "s", 2, 2], T.INT32)]
    return model(nodes, ins, outs, inits, opset=18)


def ir_constants():
    r = rng(13)
    big = (np.arange(20, dtype=np.float32) * 0.5).reshape(4, 5)
    nodes = [h.make_node("Constant", [], ["small"], name="small", value_floats=[1.0, 2.0, 3.0]),
             h.make_node("Transpose", ["big"], ["bigT"], name="fold_t"),            # folded: [5, 4]
             h.make_node("Reshape", ["bigT", "shape"], ["bigR"], name="fold_r"),    # folded: [20]
             h.make_node("Add", ["x", "bigR"], ["a"], name="add"),
             h.make_node("Mul", ["a", "small16"], ["m"], name="mul"),
             h.make_node("Add", ["z", "small"], ["y2"], name="add_small")]
    inits = [init("big", big), init("shape", np.array([-1], np.int64)),
             init("small16", rand(r, 16, 1))]
    return model(nodes, [vi("x", [16, 20]), vi("z", [2, 3])], [vi("m", [16, 20]), vi("y2", [2, 3])],
                 inits)


def ir_unsupported():
    nodes = [h.make_node("Relu", ["x"], ["a"], name="ok"),
             h.make_node("Hardmax", ["a"], ["b"], name="hm"),
             h.make_node("Relu", ["b"], ["c"], name="after_hm"),   # skipped: depends on hm
             h.make_node("TopK", ["x", "k"], ["v", "i"], name="topk"),
             h.make_node("Gelu", ["x"], ["g"], name="gelu_fast", approximate="fast"),
             h.make_node("Concat", ["c", "v"], ["y"], name="concat", axis=1),
             h.make_node("Hardmax", ["x"], ["y2"], name="")]
    inits = [init("k", np.array([2], np.int64))]
    return model(nodes, [vi("x", [2, 4])], [vi("y", [2, 6]), vi("g", [2, 4]), vi("y2", [2, 4])],
                 inits, opset=20)


def ir_duplicate_output():
    # Two nodes writing 'a' (not SSA): onnx.checker refuses it, so the graph
    # is built without the checker, as a hostile file would be.
    nodes = [h.make_node("Relu", ["x"], ["a"], name="first"),
             h.make_node("Neg", ["x"], ["a"], name="second"),
             h.make_node("Relu", ["a"], ["y"], name="use")]
    g = h.make_graph(nodes, "m", [vi("x", [2, 4])], [vi("y", [2, 4])])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def ir_bad_arity():
    # Nodes whose inputs do not fit their operator (found by the ONNX fuzz
    # target: converters read past the input list): an Add with one input,
    # a MatMul whose second input name is empty, a Relu with two outputs.
    # Built without the checker, as a hostile file would be.
    nodes = [h.make_node("Add", ["x"], ["a"], name="add1"),
             h.make_node("MatMul", ["x", ""], ["b"], name="mm_empty"),
             h.make_node("Relu", ["x"], ["c", "d"], name="relu2")]
    g = h.make_graph(nodes, "m", [vi("x", [2, 2])],
                     [vi("a", [2, 2]), vi("b", [2, 2]), vi("c", [2, 2])])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def ir_layernorm_opset8():
    # An operator used before its opset introduced it (LayerNormalization is
    # opset 17): found by the ONNX fuzz target, read past the input list.
    g = h.make_graph([h.make_node("LayerNormalization", ["x"], ["a"], name="ln8", axis=-1)],
                     "m", [vi("x", [2, 2])], [vi("a", [2, 2])])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 8)])
    m.ir_version = 8
    return m


def ir_gelu_no_input():
    # Gelu (opset 20, newer than Debian's ONNX library) without its input.
    g = h.make_graph([h.make_node("Gelu", [], ["b"], name="gelu_noinput")], "m",
                     [vi("x", [2, 2])], [vi("b", [2, 2])])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 20)])
    m.ir_version = 9
    return m


def ir_gather_runtime():
    # An embedding lookup with run-time indices: rows of a [5, 3] table.
    table = np.arange(15, dtype=np.float32).reshape(5, 3)
    nodes = [h.make_node("Gather", ["table", "ids"], ["y"], name="embed")]
    return model(nodes, [vi("ids", ["n"], T.INT64)], [vi("y", ["n", 3])],
                 [init("table", table)])


def ir_declared_output():
    # The batch is dynamic on the input, but the output declares it static 2
    # (as some exporters write): valid only for batch 2.
    w = np.arange(12, dtype=np.float32).reshape(4, 3) / 8
    nodes = [h.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
    g = h.make_graph(nodes, "m", [vi("x", ["b", 4])], [vi("y", [2, 3])],
                     [init("w", w)])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


IR = {
    "ir_gather_runtime": ir_gather_runtime,
    "ir_declared_output": ir_declared_output,
    "ir_elementwise": ir_elementwise,
    "ir_matmul": ir_matmul,
    "ir_conv": ir_conv,
    "ir_norm": ir_norm,
    "ir_shapes": ir_shapes,
    "ir_constants": ir_constants,
    "ir_unsupported": ir_unsupported,
    "ir_duplicate_output": ir_duplicate_output,
    "ir_bad_arity": ir_bad_arity,
    "ir_layernorm_opset8": ir_layernorm_opset8,
    "ir_gelu_no_input": ir_gelu_no_input,
}


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(list(NUMERIC) + list(IR)))
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    name, path = sys.argv[1:]
    if name in NUMERIC:
        save(NUMERIC[name]()[0], path, name in EXTERNAL)
    elif name in IR:
        save(IR[name](), path)
    else:
        sys.exit(f"unknown model '{name}'")


if __name__ == "__main__":
    main()
