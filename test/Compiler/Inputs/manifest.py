"""Checks an artifact's files against its manifest, NAME.manifest, as any
reader of the set can (the format: lib/Runtime/Manifest.h).

    manifest.py DIR NAME

prints one line per listed file, `FILE SIZE ok` or `FILE: MISMATCH (...)`,
with hashlib's SHA-256 (independent of the compiler's and the runtime's),
and exits 1 if any file differs or is missing.
"""
import hashlib
import os
import sys

directory, name = sys.argv[1], sys.argv[2]
with open(os.path.join(directory, name + ".manifest")) as f:
    lines = f.read().splitlines()
assert lines[0] == "qforge-manifest 1", lines[0]
assert lines[1] == "name " + name, lines[1]
bad = False
for line in lines[2:]:
    kind, file, size, digest = line.split()
    assert kind == "file" and "/" not in file, line
    path = os.path.join(directory, file)
    if not os.path.isfile(path):
        print(f"{file}: MISMATCH (missing)")
        bad = True
        continue
    data = open(path, "rb").read()
    if len(data) != int(size) or hashlib.sha256(data).hexdigest() != digest:
        print(f"{file}: MISMATCH ({len(data)} bytes, the manifest says {size})")
        bad = True
    else:
        print(f"{file} {size} ok")
sys.exit(1 if bad else 0)
