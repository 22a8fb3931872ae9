// Artifact file names never leave OUTDIR (issue 16 #4): --name must be a
// plain file name, and a function name becomes one.
// RUN: rm -rf %t && mkdir -p %t/a/b
// RUN: not qforge-compile %s --name ../../x -o %t/a/b/out 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not ls %t/a/x.so
// RUN: not ls %t/a/b/out/../../x.so
// RUN: not qforge-compile %s --name .hidden -o %t/a/b/out2 2>&1 | FileCheck %s --check-prefix=NAME-DOT
// RUN: not qforge-compile %s --name a/b -o %t/a/b/out3 2>&1 | FileCheck %s --check-prefix=NAME-SLASH
// RUN: qforge-compile %s -o %t/a/b/fn --quiet
// RUN: ls -A %t/a/b/fn | FileCheck %s --check-prefix=FN
// RUN: ls -A %t/a | FileCheck %s --check-prefix=PARENT
// RUN: qforge-compile %s --name model-v1.2 -o %t/ok --quiet
// RUN: ls %t/ok | FileCheck %s --check-prefix=OK

// NAME: error: invalid --name '../../x': an artifact name is a plain file name of letters, digits, '_', '-' and '.', not starting with '.'
// NAME-DOT: error: invalid --name '.hidden'
// NAME-SLASH: error: invalid --name 'a/b'
// FN: _.._.._.._x.h
// FN-NEXT: _.._.._.._x.manifest
// FN-NEXT: _.._.._.._x.so
// FN-NEXT: report.json
// FN-NEXT: report.svg
// PARENT: b
// PARENT-NOT: x
// OK: model-v1.2.h
// OK-NEXT: model-v1.2.manifest
// OK-NEXT: model-v1.2.so

func.func @"../../../x"(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}
