#!/usr/bin/env python3
"""onnxruntime peers for qforge-bench: the same GEMV/GEMM shapes through
ONNX MatMul (f32), com.microsoft MatMulNBits (4-bit, blocks of 128 along K,
like w4g128; accuracy_level=4, i.e. int8 compute, its fastest CPU path) and com.microsoft DynamicQuantizeMatMul (int8 activations chosen
at run time x int8 weights per channel, like a8w8).

Timing follows qforge-bench: several sessions holding distinct copies of the
weights (together >= 4x the last-level cache, at most 16) are run in turn,
warm-up first, and the median of --reps runs is reported, with the bytes of
weights streamed per call. The models' M (rows of x) is symbolic.

usage: scripts/bench-peers.sh [--m 1,8] [--threads T] [--reps 20] [--suite llama | --n N --k K]

--suite llama runs the shapes and M list of `qforge-bench --suite llama`;
--threads defaults to all cores, as qforge-bench.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def llc_bytes():
    try:
        with open("/sys/devices/system/cpu/cpu0/cache/index3/size") as f:
            s = f.read().strip()
        mult = {"K": 1 << 10, "M": 1 << 20}.get(s[-1], 1)
        return int(s.rstrip("KM")) * mult
    except OSError:
        return 32 << 20


def model_matmul(m, n, k, rng):
    w = rng.standard_normal((k, n), dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["M", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", n])],
        [numpy_helper.from_array(w, "w")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), w.nbytes


NBITS_ACCURACY_LEVEL = 4  # int8 compute: MatMulNBits' fastest CPU path (issue 4)


def model_nbits(m, n, k, rng, block=128):
    blocks = (k + block - 1) // block
    packed = rng.integers(0, 256, size=(n, blocks, block // 2), dtype=np.uint8)
    scales = (rng.random(n * blocks, dtype=np.float32) * 0.02 + 0.001).astype(np.float32)
    node = helper.make_node("MatMulNBits", ["x", "w", "s"], ["y"], domain="com.microsoft",
                            K=k, N=n, bits=4, block_size=block,
                            accuracy_level=NBITS_ACCURACY_LEVEL)
    graph = helper.make_graph(
        [node], "nbits",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["M", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", n])],
        [numpy_helper.from_array(packed, "w"), numpy_helper.from_array(scales, "s")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    return model, packed.nbytes + scales.nbytes


def model_dqmm(m, n, k, rng):
    w = rng.integers(-127, 128, size=(k, n), dtype=np.int8)
    scale = (rng.random(n, dtype=np.float32) * 0.02 + 0.001).astype(np.float32)
    zp = np.zeros(n, dtype=np.int8)
    node = helper.make_node("DynamicQuantizeMatMul", ["x", "w", "s", "z"], ["y"],
                            domain="com.microsoft")
    graph = helper.make_graph(
        [node], "dqmm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["M", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", n])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(scale, "s"),
         numpy_helper.from_array(zp, "z")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    return model, w.nbytes + scale.nbytes


PEERS = {"ort-matmul-f32": model_matmul, "ort-matmulnbits-w4g128": model_nbits,
         "ort-dynamicquantizematmul-a8w8": model_dqmm}


def run_case(peer, m, n, k, threads, reps, rng):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Several sessions hold the rotated weight copies, each with its own
    # intra-op pool: spinning idle workers of the other sessions would steal
    # the cores from the one running. Idle workers block instead.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model, wbytes = PEERS[peer](m, n, k, rng)
    copies = max(1, min(16, -(-4 * llc_bytes() // wbytes)))
    sessions = [ort.InferenceSession(model.SerializeToString(), opts,
                                     providers=["CPUExecutionProvider"])]
    for _ in range(copies - 1):
        model, _ = PEERS[peer](m, n, k, rng)
        sessions.append(ort.InferenceSession(model.SerializeToString(), opts,
                                             providers=["CPUExecutionProvider"]))
    x = {"x": rng.standard_normal((m, k), dtype=np.float32)}
    for i in range(max(2, copies)):
        sessions[i % copies].run(None, x)
    times = []
    for i in range(reps):
        t0 = time.perf_counter()
        sessions[i % copies].run(None, x)
        times.append(time.perf_counter() - t0)
    sec = statistics.median(times)
    return {"peer": peer, "m": m, "n": n, "k": k, "threads": threads,
            "seconds_median": sec, "gflops": 2.0 * m * n * k / sec / 1e9,
            "weight_bytes": wbytes, "gbps": wbytes / sec / 1e9}


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--m", help="comma separated M list (default 1; the suite: 1,8,32,128,512)")
    p.add_argument("--n", type=int)
    p.add_argument("--k", type=int)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--suite", choices=["llama"])
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    ms = [1]
    if a.suite == "llama":
        shapes = [(4096, 4096), (14336, 4096), (4096, 14336)]
        ms = [1, 8, 32, 128, 512]
    elif a.n and a.k:
        shapes = [(a.n, a.k)]
    else:
        p.error("give --suite llama or --n and --k")
    if a.m:
        try:
            ms = [int(v) for v in a.m.split(",") if v]
        except ValueError:
            p.error(f"bad --m list '{a.m}'")
        if not ms or min(ms) <= 0:
            p.error("--m needs positive integers")
    rng = np.random.default_rng(1234)
    if not a.json:
        print(f"onnxruntime {ort.__version__}, {a.threads} thread(s)")
        print(f"{'peer':32} {'m':>5} {'n':>6} {'k':>6} {'median_us':>11} {'GFLOP/s':>9} "
              f"{'weight_MB':>9} {'GB/s':>8}")
    for peer in PEERS:
        for m in ms:
            for n, k in shapes:
                r = run_case(peer, m, n, k, a.threads, a.reps, rng)
                if a.json:
                    print(json.dumps(r), flush=True)
                else:
                    print(f"{peer:32} {m:5} {n:6} {k:6} {r['seconds_median'] * 1e6:11.1f} "
                          f"{r['gflops']:9.2f} {r['weight_bytes'] / 1e6:9.2f} "
                          f"{r['gbps']:8.2f}", flush=True)

if __name__ == "__main__":
    main()
