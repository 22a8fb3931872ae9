"""Helpers for the calibration lit tests (numpy only).

  gen-samples OUT --shape 4x8 --count N [--seed S] [--dtype float32]
              [--name arg0] [--nan SAMPLE] [--inf SAMPLE] [--extra NAME]
              [--compressed] [--npy]
  check-stats MODEL.mlir SAMPLES STATS [--observer minmax]
      Reads STATS (safetensors, parsed here independently of QForge),
      recomputes every statistic of fc1.input / fc2.input with numpy from the
      MLP in MODEL (Linear -> ReLU -> Linear, weights parsed from its dense
      constants) and asserts they agree to 1e-5 relative.
  quantize MODEL.mlir OUT.mlir --mode fakequant|qfmatmul
      Writes MODEL with int8 per-channel weights: qf.quantize/qf.dequantize
      fake quantization, or qf.matmul #qf.scheme<"w8"> {qf.algorithm="rtn"}.
  check-compare MODEL.mlir SAMPLES REPORT.json --mode fakequant|qfmatmul
      Recomputes rel_error / SQNR per output and per layer with numpy.
  corrupt IN OUT [--truncate N] [--flip OFFSET]
      Copies IN keeping N bytes and/or flipping bits of one byte.
"""
import argparse
import ast
import json
import math
import re
import struct
import sys

import numpy as np


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def parse_weights(model_path):
    """The MLP's 2-D f32 dense constants, in order (W1 [H, K], W2 [N, H])."""
    text = open(model_path).read()
    found = []
    for m in re.finditer(r"dense<(\[[^>]*\])>\s*:\s*tensor<(\d+)x(\d+)xf32>", text):
        values = np.array(ast.literal_eval(m.group(1)), dtype=np.float32)
        found.append(values.reshape(int(m.group(2)), int(m.group(3))))
    if len(found) != 2:
        fail("expected 2 weight matrices in %s, found %d" % (model_path, len(found)))
    return found


def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    dtypes = {"F32": np.float32, "I64": np.int64, "F64": np.float64}
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(body[b:e], dtype=dtypes[info["dtype"]])
        tensors[name] = (info["dtype"], arr.reshape(info["shape"]))
    return meta, tensors


def load_samples(path):
    if path.endswith(".npy"):
        return {"arg0": np.load(path)}
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def close(name, got, want, rtol=1e-5, atol=1e-6):
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        fail("%s: shape %s, expected %s" % (name, got.shape, want.shape))
    if not np.allclose(got, want, rtol=rtol, atol=atol * max(1.0, np.abs(want).max(initial=0))):
        i = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)
        fail("%s: got %r, expected %r (worst at %s)" % (name, got[i], want[i], i))


def cmd_gen_samples(a):
    rng = np.random.default_rng(a.seed)
    shape = [a.count] + [int(d) for d in a.shape.split("x") if d]
    x = (rng.standard_normal(shape) * a.scale).astype(a.dtype)
    if a.nan is not None:
        x.reshape(a.count, -1)[a.nan, 3] = np.nan
    if a.inf is not None:
        x.reshape(a.count, -1)[a.inf, 1] = -np.inf
    if a.npy:
        np.save(a.out, x)
        return
    arrays = {a.name: x}
    for extra in a.extra or []:
        arrays[extra] = x
    (np.savez_compressed if a.compressed else np.savez)(a.out, **arrays)


def mlp_inputs(model, samples):
    w1, w2 = parse_weights(model)
    x = load_samples(samples)["arg0"].astype(np.float32)
    h = np.matmul(x, w1.T)
    r = np.maximum(h, 0)
    k1 = x.shape[-1]
    return {"fc1.input": x.reshape(-1, k1), "fc2.input": r.reshape(-1, r.shape[-1])}


def cmd_check_stats(a):
    meta, t = read_safetensors(a.stats)
    if meta.get("format") != "qforge-stats" or meta.get("version") != "1":
        fail("bad format/version metadata: %r" % meta)
    for key in ("fingerprint", "observer", "momentum", "percentile", "samples", "ids"):
        if key not in meta:
            fail("metadata has no %r" % key)
    if meta["observer"] != a.observer:
        fail("observer %r, expected %r" % (meta["observer"], a.observer))
    if len(meta["fingerprint"]) != 64:
        fail("fingerprint %r is not a sha256" % meta["fingerprint"])
    inputs = mlp_inputs(a.model, a.samples)
    n = load_samples(a.samples)["arg0"].shape[0]
    if int(meta["samples"]) != n:
        fail("samples %s, expected %d" % (meta["samples"], n))
    ids = json.loads(meta["ids"])
    if ids != ["fc1.input", "fc2.input"]:
        fail("ids %r" % ids)
    for id_, x in inputs.items():
        x64 = x.astype(np.float64)
        k = x.shape[1]
        for suffix, dtype, shape in (("min", "F32", []), ("max", "F32", []),
                                     ("absmax", "F32", [k]), ("absmean", "F32", [k]),
                                     ("xtx", "F32", [k, k]), ("hist_range", "F32", [2]),
                                     ("count", "I64", [])):
            name = id_ + "." + suffix
            if name not in t:
                fail("missing tensor " + name)
            if t[name][0] != dtype or list(t[name][1].shape) != shape:
                fail("%s: %s %s, expected %s %s" % (name, t[name][0], list(t[name][1].shape), dtype, shape))
        if a.observer == "minmax":
            close(id_ + ".min", t[id_ + ".min"][1], x.min())
            close(id_ + ".max", t[id_ + ".max"][1], x.max())
        close(id_ + ".absmax", t[id_ + ".absmax"][1], np.abs(x).max(axis=0))
        close(id_ + ".absmean", t[id_ + ".absmean"][1], np.abs(x64).mean(axis=0))
        close(id_ + ".xtx", t[id_ + ".xtx"][1], x64.T @ x64)
        if int(t[id_ + ".count"][1]) != x.shape[0]:
            fail("%s.count %d, expected %d" % (id_, t[id_ + ".count"][1], x.shape[0]))
        hist = t[id_ + ".hist"][1]
        lo, hi = t[id_ + ".hist_range"][1]
        if lo != 0 or hi < np.abs(x).max():
            fail("%s.hist_range [%g, %g] does not cover max|x| %g" % (id_, lo, hi, np.abs(x).max()))
        if hist.sum() != x.size:
            fail("%s.hist sums to %g, expected %d" % (id_, hist.sum(), x.size))
        want, _ = np.histogram(np.minimum(np.abs(x64), hi), bins=len(hist), range=(0, hi))
        # Elements on a bin edge may land on either side in float32 vs float64.
        if np.abs(hist - want).sum() > 2 * max(1, x.size // 1000):
            fail("%s.hist differs from numpy's by %d counts" % (id_, np.abs(hist - want).sum()))
    print("stats ok: %d ids, %d samples" % (len(ids), n))


def quantize_rows(w):
    scale = (np.abs(w).max(axis=1) / np.float32(127)).astype(np.float32)
    q = np.clip(np.rint(w / scale[:, None]), -128, 127).astype(np.int8)
    return q, scale


def fmt(a):
    if a.dtype == np.int8:
        return str(a.tolist())
    return str([float(v) for v in a.ravel()]) if a.ndim == 1 else \
        "[" + ", ".join(str([float(v) for v in row]) for row in a) + "]"


def cmd_quantize(a):
    w1, w2 = parse_weights(a.model)
    out = []
    (h, k), (n, _) = w1.shape, w2.shape
    out.append("func.func @forward(%%x: tensor<4x%dxf32>) -> tensor<4x%dxf32> {" % (k, n))
    out.append("  %c0 = arith.constant 0.0 : f32")
    tmap = ("indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, "
            "affine_map<(m, n, k) -> (m, n)>]")
    def layer(idx, inp, w, loc):
        rows, cols = w.shape
        q, s = quantize_rows(w)
        res = "%%l%d" % idx
        if a.mode == "fakequant":
            out.append("  %%w%d = arith.constant dense<%s> : tensor<%dx%dxf32>" % (idx, fmt(w), rows, cols))
            out.append("  %%s%d = arith.constant dense<%s> : tensor<%dxf32>" % (idx, fmt(s), rows))
            out.append("  %%q%d = qf.quantize %%w%d, %%s%d {axis = 0 : i64} : (tensor<%dx%dxf32>, tensor<%dxf32>) -> tensor<%dx%dxi8>"
                       % (idx, idx, idx, rows, cols, rows, rows, cols))
            out.append("  %%d%d = qf.dequantize %%q%d, %%s%d {axis = 0 : i64} : (tensor<%dx%dxi8>, tensor<%dxf32>) -> tensor<%dx%dxf32>"
                       % (idx, idx, idx, rows, cols, rows, rows, cols))
            out.append("  %%e%d = tensor.empty() : tensor<4x%dxf32>" % (idx, rows))
            out.append("  %%z%d = linalg.fill ins(%%c0 : f32) outs(%%e%d : tensor<4x%dxf32>) -> tensor<4x%dxf32>" % (idx, idx, rows, rows))
            out.append("  %s = linalg.matmul %s ins(%s, %%d%d : tensor<4x%dxf32>, tensor<%dx%dxf32>) outs(%%z%d : tensor<4x%dxf32>) -> tensor<4x%dxf32> loc(\"%s\")"
                       % (res, tmap, inp, idx, cols, rows, cols, idx, rows, rows, loc))
        else:
            out.append("  %%q%d = arith.constant dense<%s> : tensor<%dx%dxi8>" % (idx, fmt(q), rows, cols))
            out.append("  %%s%d = arith.constant dense<%s> : tensor<%dxf32>" % (idx, fmt(s), rows))
            out.append("  %s = qf.matmul #qf.scheme<\"w8\"> %s, %%q%d scale(%%s%d) {qf.algorithm = \"rtn\"} : (tensor<4x%dxf32>, tensor<%dx%dxi8>, tensor<%dxf32>) -> tensor<4x%dxf32> loc(\"%s\")"
                       % (res, inp, idx, idx, cols, rows, cols, rows, rows, loc))
        return res
    l1 = layer(1, "%x", w1, "fc1")
    out.append("  %%er = tensor.empty() : tensor<4x%dxf32>" % h)
    out.append("  %%r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], "
               "iterator_types = [\"parallel\", \"parallel\"]} ins(%s : tensor<4x%dxf32>) outs(%%er : tensor<4x%dxf32>) {" % (l1, h, h))
    out.append("  ^bb0(%a: f32, %o: f32):")
    out.append("    %m = arith.maximumf %a, %c0 : f32")
    out.append("    linalg.yield %m : f32")
    out.append("  } -> tensor<4x%dxf32>" % h)
    l2 = layer(2, "%r", w2, "fc2")
    out.append("  return %s : tensor<4x%dxf32>" % (l2, n))
    out.append("}")
    open(a.out, "w").write("\n".join(out) + "\n")


def cmd_gen_model(a):
    """An MLP like mlp.mlir (x [4, K] -> fc1 [H, K] -> relu -> fc2 [N, H])
    with random weights, for sizes beyond what a test writes by hand."""
    rng = np.random.default_rng(a.seed)
    k, h, n = a.inputs, a.hidden, a.outputs
    w1 = (rng.standard_normal((h, k)) / np.sqrt(k)).astype(np.float32)
    w2 = (rng.standard_normal((n, h)) / np.sqrt(h)).astype(np.float32)
    tmap = ("indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, "
            "affine_map<(m, n, k) -> (m, n)>]")
    out = ["func.func @forward(%%x: tensor<4x%dxf32>) -> tensor<4x%dxf32> {" % (k, n),
           "  %%w1 = arith.constant dense<%s> : tensor<%dx%dxf32>" % (fmt(w1), h, k),
           "  %%w2 = arith.constant dense<%s> : tensor<%dx%dxf32>" % (fmt(w2), n, h),
           "  %c0 = arith.constant 0.0 : f32",
           "  %%e1 = tensor.empty() : tensor<4x%dxf32>" % h,
           "  %%z1 = linalg.fill ins(%%c0 : f32) outs(%%e1 : tensor<4x%dxf32>) -> tensor<4x%dxf32>" % (h, h),
           "  %%h = linalg.matmul %s ins(%%x, %%w1 : tensor<4x%dxf32>, tensor<%dx%dxf32>) outs(%%z1 : tensor<4x%dxf32>) -> tensor<4x%dxf32> loc(\"fc1\")"
           % (tmap, k, h, k, h, h),
           "  %%r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], "
           "iterator_types = [\"parallel\", \"parallel\"]} ins(%%h : tensor<4x%dxf32>) outs(%%e1 : tensor<4x%dxf32>) {" % (h, h),
           "  ^bb0(%a: f32, %o: f32):",
           "    %m = arith.maximumf %a, %c0 : f32",
           "    linalg.yield %m : f32",
           "  } -> tensor<4x%dxf32>" % h,
           "  %%e2 = tensor.empty() : tensor<4x%dxf32>" % n,
           "  %%z2 = linalg.fill ins(%%c0 : f32) outs(%%e2 : tensor<4x%dxf32>) -> tensor<4x%dxf32>" % (n, n),
           "  %%y = linalg.matmul %s ins(%%r, %%w2 : tensor<4x%dxf32>, tensor<%dx%dxf32>) outs(%%z2 : tensor<4x%dxf32>) -> tensor<4x%dxf32> loc(\"fc2\")"
           % (tmap, h, n, h, n, n),
           "  return %%y : tensor<4x%dxf32>" % n,
           "}"]
    open(a.out, "w").write("\n".join(out) + "\n")


def metrics(y, q):
    y = y.astype(np.float64)
    q = q.astype(np.float64)
    err = ((y - q) ** 2).sum()
    ref = (y ** 2).sum()
    return math.sqrt(err / ref), 10 * math.log10(ref / err)


def cmd_check_compare(a):
    w1, w2 = parse_weights(a.model)
    x = load_samples(a.samples)["arg0"].astype(np.float32)
    q1, s1 = quantize_rows(w1)
    q2, s2 = quantize_rows(w2)
    d1 = q1.astype(np.float32) * s1[:, None]
    d2 = q2.astype(np.float32) * s2[:, None]
    h = np.matmul(x, w1.T)
    y = np.matmul(np.maximum(h, 0), w2.T)
    hq = np.matmul(x, d1.T)
    yq = np.matmul(np.maximum(hq, 0), d2.T)
    report = json.load(open(a.report))
    if sorted(report.keys()) != ["layers", "outputs"]:
        fail("report keys %r" % sorted(report.keys()))
    want_out = metrics(y, yq)
    if len(report["outputs"]) != 1 or report["outputs"][0]["index"] != 0:
        fail("outputs %r" % report["outputs"])
    o = report["outputs"][0]
    if sorted(o.keys()) != ["index", "rel_error", "sqnr_db"]:
        fail("output keys %r" % sorted(o.keys()))
    # Both sides sum in float32 in different orders: the errors agree to ~1e-4.
    close("output 0 rel_error", o["rel_error"], want_out[0], rtol=1e-3, atol=0)
    close("output 0 sqnr_db", o["sqnr_db"], want_out[1], rtol=0, atol=0.01)
    names = [l["name"] for l in report["layers"]]
    if names != ["fc1", "fc2"]:
        fail("layers %r" % names)
    scheme, algo = ("f32", "") if a.mode == "fakequant" else ("w8", "rtn")
    for layer, (yy, qq) in zip(report["layers"], ((h, hq), (y, yq))):
        if sorted(layer.keys()) != ["algorithm", "name", "rel_error", "scheme", "sqnr_db"]:
            fail("layer keys %r" % sorted(layer.keys()))
        if layer["scheme"] != scheme or layer["algorithm"] != algo:
            fail("layer %s: scheme %r algorithm %r, expected %r %r"
                 % (layer["name"], layer["scheme"], layer["algorithm"], scheme, algo))
        want = metrics(yy, qq)
        close(layer["name"] + " rel_error", layer["rel_error"], want[0], rtol=1e-3, atol=0)
        close(layer["name"] + " sqnr_db", layer["sqnr_db"], want[1], rtol=0, atol=0.01)
    print("compare ok: output rel_error %.6g sqnr %.3f dB" % want_out)


def cmd_corrupt(a):
    data = bytearray(open(a.input, "rb").read())
    if a.truncate is not None:
        data = data[:a.truncate]
    if a.flip is not None:
        data[a.flip] ^= 0x55
    open(a.out, "wb").write(bytes(data))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen-samples")
    g.add_argument("out")
    g.add_argument("--shape", required=True)
    g.add_argument("--count", type=int, required=True)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--dtype", default="float32")
    g.add_argument("--name", default="arg0")
    g.add_argument("--nan", type=int)
    g.add_argument("--inf", type=int)
    g.add_argument("--extra", action="append")
    g.add_argument("--compressed", action="store_true")
    g.add_argument("--npy", action="store_true")
    c = sub.add_parser("check-stats")
    c.add_argument("model")
    c.add_argument("samples")
    c.add_argument("stats")
    c.add_argument("--observer", default="minmax")
    m = sub.add_parser("gen-model")
    m.add_argument("out")
    m.add_argument("--in", dest="inputs", type=int, required=True)
    m.add_argument("--hidden", type=int, required=True)
    m.add_argument("--out", dest="outputs", type=int, required=True)
    m.add_argument("--seed", type=int, default=0)
    q = sub.add_parser("quantize")
    q.add_argument("model")
    q.add_argument("out")
    q.add_argument("--mode", choices=["fakequant", "qfmatmul"], required=True)
    r = sub.add_parser("check-compare")
    r.add_argument("model")
    r.add_argument("samples")
    r.add_argument("report")
    r.add_argument("--mode", choices=["fakequant", "qfmatmul"], required=True)
    x = sub.add_parser("corrupt")
    x.add_argument("input")
    x.add_argument("out")
    x.add_argument("--truncate", type=int)
    x.add_argument("--flip", type=int)
    a = p.parse_args()
    {"gen-samples": cmd_gen_samples, "check-stats": cmd_check_stats,
     "gen-model": cmd_gen_model, "quantize": cmd_quantize,
     "check-compare": cmd_check_compare, "corrupt": cmd_corrupt}[a.cmd](a)


if __name__ == "__main__":
    main()
