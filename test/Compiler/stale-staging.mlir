// A compile killed before it cleaned up leaves .qforge-staging-<pid>-XXXXXX
// in OUTDIR; the next compile there removes it when that process is gone,
// and keeps a live process's staging (a concurrent compile) (issue 16 #10).
// One killed while publishing holds the files it replaced in .previous.
// RUN: rm -rf %t && mkdir -p %t/out/.qforge-staging-999999999-abc123 %t/out/.qforge-staging-1-def456 %t/out/.qforge-staging-other %t/out/.qforge-staging-999999998-ghi789/.previous
// RUN: echo partial > %t/out/.qforge-staging-999999999-abc123/tiny.so
// RUN: echo old > %t/out/.qforge-staging-999999998-ghi789/.previous/tiny.so
// RUN: qforge-compile %s -o %t/out --quiet
// RUN: test ! -e %t/out/.qforge-staging-999999999-abc123
// RUN: test ! -e %t/out/.qforge-staging-999999998-ghi789
// RUN: test -d %t/out/.qforge-staging-1-def456
// RUN: test -d %t/out/.qforge-staging-other
// RUN: test -f %t/out/tiny.so
// RUN: ls -a %t/out | FileCheck %s
// Only the artifact, the live (pid 1) and the unparsable staging remain.
// CHECK-NOT: 99999999
// CHECK: .qforge-staging-1-def456
// CHECK-NEXT: .qforge-staging-other

func.func @tiny(%x: tensor<2x8xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %e = tensor.empty() : tensor<2x8xf32>
  %y = linalg.add ins(%x, %x : tensor<2x8xf32>, tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
