"""Arrays for qforge-run's lit test: `make DIR` writes inputs (good and
bad), `check DIR FILE...` checks outputs against numpy."""
import os
import sys

import numpy as np


def make(d):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((2, 3)).astype(np.float32)
    np.save(os.path.join(d, "a.npy"), a)
    np.save(os.path.join(d, "b.npy"), b)
    np.savez(os.path.join(d, "ab.npz"), a=a, b=b)
    np.savez_compressed(os.path.join(d, "ba-compressed.npz"), b=b, a=a)
    np.savez(os.path.join(d, "only-a.npz"), a=a)
    np.savez(os.path.join(d, "abc.npz"), a=a, b=b, c=b)
    np.save(os.path.join(d, "a-f64.npy"), a.astype(np.float64))
    np.save(os.path.join(d, "a-3x2.npy"), a.reshape(3, 2))
    np.save(os.path.join(d, "a-rank1.npy"), a.reshape(6))
    with open(os.path.join(d, "a.npy"), "rb") as f:
        data = f.read()
    with open(os.path.join(d, "truncated.npy"), "wb") as f:
        f.write(data[:-5])
    with open(os.path.join(d, "garbage.npy"), "wb") as f:
        f.write(b"this is not numpy\n")


def check(d, files):
    a = np.load(os.path.join(d, "a.npy"))
    b = np.load(os.path.join(d, "b.npy"))
    want = {"sum": a + b, "prod": a * b}
    for spec in files:
        name, path = spec.split("=")
        if path.endswith(".npz"):
            z = np.load(path)
            assert sorted(z.files) == ["prod", "sum"], z.files
            got = z[name]
        else:
            got = np.load(path)
        assert got.dtype == np.float32 and got.shape == (2, 3), (got.dtype, got.shape)
        np.testing.assert_array_equal(got, want[name])
        print(f"{name}: ok")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3:])
