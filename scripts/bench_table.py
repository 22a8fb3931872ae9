#!/usr/bin/env python3
"""Merges `qforge-bench` and `scripts/bench-peers.sh` outputs (their text
tables, from the same session) into the Markdown table of docs/BENCHMARKS.md:
per case our median, roofline fraction, OpenBLAS and the ONNX Runtime peer
of the scheme (MatMulNBits for 4-bit, DynamicQuantizeMatMul for a8w8, f32
MatMul for every case).

    scripts/bench_table.py SUITE.txt [SUITE2.txt ...] --peers PEERS.txt
A file whose name contains "i8" is labelled "+int8-act" (qforge-bench
--int8-activations).
"""
import argparse
import os

PEER_OF = {"w4g128": "ort-matmulnbits-w4g128",
           "a8w8": "ort-dynamicquantizematmul-a8w8"}


def rows(path):
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 13 or not parts[1].isdigit():
                continue
            yield parts


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("suites", nargs="+")
    p.add_argument("--peers", required=True)
    a = p.parse_args()
    peers = {}
    with open(a.peers) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 8 and parts[0].startswith("ort-") and parts[1].isdigit():
                peers[(parts[0], int(parts[1]), int(parts[2]), int(parts[3]))] = \
                    float(parts[4])
    print("| scheme | M | N | K | ours µs | roofline | OpenBLAS µs | vs OpenBLAS "
          "| ORT f32 µs | ORT peer µs | vs peer |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for path in a.suites:
        label = "+int8-act" if "i8" in os.path.basename(path) else ""
        for r in rows(path):
            scheme, m, n, k = r[0], int(r[1]), int(r[2]), int(r[3])
            ours, roof, blas, speedup = float(r[5]), r[10], float(r[11]), float(r[12])
            f32 = peers.get(("ort-matmul-f32", m, n, k))
            peer_name = PEER_OF.get(scheme)
            peer = peers.get((peer_name, m, n, k)) if peer_name else None
            print(f"| {scheme}{label} | {m} | {n} | {k} | {ours:.0f} | "
                  f"{roof if m == 1 else ''} | {blas:.0f} | {speedup:.2f}x | "
                  f"{f'{f32:.0f}' if f32 else ''} | "
                  f"{f'{peer:.0f}' if peer else ''} | "
                  f"{f'{peer / ours:.2f}x' if peer else ''} |")


if __name__ == "__main__":
    main()
