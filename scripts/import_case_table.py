"""Prints docs/IMPORT.md's table of ONNX backend node cases per operator:
how many cases the onnx wheel generates for the importer's operators, how
many import and match the references, how many are rejected by design
(test/unit/Import/UnsupportedCases.inc, each with the reason its error must
give). Run from the repository root after building the import tests:

    .venv/bin/python scripts/import_case_table.py build/test/unit/Import/import-cases/node
"""
import os, re, collections, onnx, sys
root = sys.argv[1]
unsup = set(re.findall(r'\{"(test_[^"]+)"', open('test/unit/Import/UnsupportedCases.inc').read()))
stats = collections.defaultdict(lambda: [0, 0])
for case in sorted(os.listdir(root)):
    m = onnx.load(os.path.join(root, case, 'model.onnx'), load_external_data=False)
    ops = sorted({n.op_type for n in m.graph.node})
    op = ops[0] if len(ops) == 1 else '+'.join(ops)
    stats[op][0] += 1
    if case not in unsup:
        stats[op][1] += 1
print('| operator | backend cases | imported and matched | rejected by design |')
print('| --- | ---: | ---: | ---: |')
tot = [0, 0]
for op, (n, ok) in sorted(stats.items()):
    print(f'| {op} | {n} | {ok} | {n-ok} |'); tot[0] += n; tot[1] += ok
print(f'| **all** | {tot[0]} | {tot[1]} | {tot[0]-tot[1]} |')
