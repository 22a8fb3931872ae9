#!/usr/bin/env python3
"""Reference casts from ml_dtypes (and numpy) for MlDtypesReferenceTest.

Each line is `<kind> <input> <expected>`, both hexadecimal: float32 inputs as
their bit pattern, outputs as the code of the target type. Kinds:
  f8e4m3fn_sat, f8e5m2_sat    ONNX saturate=1: clip to +-max, then cast
  f8e4m3fn, f8e5m2            plain ml_dtypes cast (ONNX saturate=0)
  fp4e2m1                     ml_dtypes float4_e2m1fn cast (NaN inputs left out)
  f16, bf16                   numpy / ml_dtypes cast
  int8 uint8 int4 uint4 int2 uint2   clip(rint(x)) to the range, as a code
  *_decode                    code -> float32 bits
If numpy or ml_dtypes cannot be imported, writes one `# unavailable: ...` line
so that the test skips with that reason instead of the build failing.

Usage: gen_ml_dtypes_reference.py OUT_FILE
"""
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    try:
        import numpy as np
        import ml_dtypes
    except Exception as e:  # noqa: BLE001 - any import failure means "skip"
        with open(out, "w") as f:
            f.write(f"# unavailable: {e!r} (run scripts/setup.sh for the .venv)\n")
        return

    rng = np.random.default_rng(20240611)
    f32 = np.float32
    lines = []

    def emit(kind, x, codes):
        xb = np.asarray(x, dtype=f32).view(np.uint32)
        for a, b in zip(xb.tolist(), np.asarray(codes).tolist()):
            lines.append(f"{kind} {a:08x} {b:x}")

    specials = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 3.4028235e38, -3.4028235e38,
         1.1754944e-38, 1e-45, -1e-45, 1.0, -1.0],
        dtype=f32,
    )

    def grid_inputs(values):
        """Values of a small format, the midpoints between neighbours and one
        float32 ulp either side of each midpoint, with both signs."""
        v = np.unique(np.abs(values[np.isfinite(values)]).astype(np.float64))
        mids = ((v[:-1] + v[1:]) / 2).astype(f32)  # exact: few mantissa bits
        up = np.nextafter(mids, f32(np.inf))
        down = np.nextafter(mids, f32(0))
        pos = np.concatenate([v.astype(f32), mids, up, down])
        return np.concatenate([pos, -pos])

    def random_inputs(n, lo_exp, hi_exp, linear_max):
        mag = np.exp2(rng.uniform(lo_exp, hi_exp, n)).astype(f32)
        sign = np.where(rng.random(n) < 0.5, f32(-1), f32(1))
        lin = rng.uniform(-linear_max, linear_max, n).astype(f32)
        return np.concatenate([mag * sign, lin])

    # float8
    for name, t in [("f8e4m3fn", ml_dtypes.float8_e4m3fn), ("f8e5m2", ml_dtypes.float8_e5m2)]:
        codes = np.arange(256, dtype=np.uint8)
        values = codes.view(t).astype(f32)
        emit(name + "_decode", values, codes)  # input column = decoded bits
        info = ml_dtypes.finfo(t)
        top = f32(info.max)
        finite = np.sort(values[np.isfinite(values)])
        # The first value past max finite, as if the exponent were unbounded.
        beyond = f32(2 * float(top) - float(finite[-2]))
        edge = np.array([top, beyond, (top + beyond) / 2,
                         np.nextafter((top + beyond) / 2, f32(np.inf)),
                         np.nextafter((top + beyond) / 2, f32(0))], dtype=f32)
        x = np.concatenate([specials, grid_inputs(np.append(values, beyond)), edge, -edge,
                            random_inputs(3000, -30, 20, float(top) * 1.2)])
        emit(name, x, x.astype(t).view(np.uint8))
        clipped = np.clip(x, -top, top)
        emit(name + "_sat", x, clipped.astype(t).view(np.uint8))

    # FP4 E2M1: ml_dtypes maps NaN to -0 and -NaN to +0 (an artifact of its
    # cast); QForge maps NaN to +0. NaN inputs are left out.
    t = ml_dtypes.float4_e2m1fn
    codes = np.arange(16, dtype=np.uint8)
    values = codes.view(t).astype(f32)
    emit("fp4e2m1_decode", values, codes)
    x = np.concatenate([specials, grid_inputs(np.append(values, f32(8))),
                        random_inputs(2000, -6, 5, 10)])
    x = x[~np.isnan(x)]
    emit("fp4e2m1", x, x.astype(t).view(np.uint8) & 0xF)

    # f16 / bf16 (scale storage)
    for name, t in [("f16", np.float16), ("bf16", ml_dtypes.bfloat16)]:
        sample = rng.integers(0, 1 << 16, 3000, dtype=np.uint16).view(t).astype(f32)
        x = np.concatenate([specials, grid_inputs(sample), random_inputs(3000, -140, 128, 70000)])
        with np.errstate(over="ignore"):
            emit(name, x, x.astype(t).view(np.uint16))
    codes = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    emit("f16_decode", codes.view(np.float16).astype(f32), codes)

    # Integers: round half to even, then saturate.
    x = np.concatenate([np.arange(-300, 300, 0.25, dtype=f32), specials[~np.isnan(specials)],
                        random_inputs(1000, -4, 10, 300)])
    for name, t in [("int8", np.int8), ("uint8", np.uint8), ("int4", ml_dtypes.int4),
                    ("uint4", ml_dtypes.uint4), ("int2", ml_dtypes.int2), ("uint2", ml_dtypes.uint2)]:
        info = ml_dtypes.iinfo(t)
        bits = {np.int8: 8, np.uint8: 8}.get(t, 4 if "4" in name else 2)
        q = np.clip(np.rint(x.astype(np.float64)), info.min, info.max).astype(t)
        code = q.view(np.uint8) & ((1 << bits) - 1)
        emit(name, x, code)

    with open(out + ".tmp", "w") as f:
        f.write(f"# ml_dtypes {ml_dtypes.__version__}, numpy {np.__version__}\n")
        f.write("\n".join(lines) + "\n")
    import os
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
