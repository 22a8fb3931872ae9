"""Samples and the check for ../smoothquant-held-out.mlir.

    smoothquant_held_out.py make DIR
        DIR/calib.npz: 8 samples of 4 rows of x [?, 64] in which every
        eighth channel is 0 (a feature calibration never saw fire);
        DIR/held.npz: 16 samples where every channel is live
    smoothquant_held_out.py check SMOOTH.json PLAIN.json
        SmoothQuant's held-out output error (report.json) within 1.5x of
        plain a8w8's, where the unfloored formula gives about 1
"""
import json
import sys

import numpy as np


def main():
    mode, *args = sys.argv[1:]
    if mode == "make":
        rng = np.random.default_rng(0)
        calib = rng.standard_normal((8, 4, 64)).astype(np.float32)
        calib[..., ::8] = 0.0
        held = rng.standard_normal((16, 4, 64)).astype(np.float32)
        np.savez(f"{args[0]}/calib.npz", x=calib)
        np.savez(f"{args[0]}/held.npz", x=held)
        return 0

    def held_out_error(path):
        with open(path) as f:
            report = json.load(f)
        assert report["evaluation_data"] == "held_out", report
        return report["output_errors"][0]["rel_error"]

    smooth, plain = map(held_out_error, args)
    ok = smooth < 1.5 * plain
    print(f"{'ok' if ok else 'WRONG'}: held-out output error: smoothquant "
          f"{smooth:.3g}, plain a8w8 {plain:.3g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
