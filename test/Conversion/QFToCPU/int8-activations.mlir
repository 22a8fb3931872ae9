// int8-activations: packed 4-bit integer weights in 64-element blocks of
// 8-row tiles in dot order, the kernel's byte dot products (codes against 4
// activation bytes broadcast to every lane) tagged for vpmaddubsw /
// vpmaddwd, and on AVX2 those instructions in the outlined kernel loop.
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3+avx2+fma \
// RUN:   --qf-cpu-select-kernels=int8-activations=always --qf-pack-weights \
// RUN:   --qf-lower-to-cpu \
// RUN: | FileCheck %s --check-prefix=IR
// RUN: qforge-opt %s -split-input-file \
// RUN:   --qf-cpu-to-llvm="int8-activations=always target=x86_64:znver3+avx2+fma" \
// RUN: | FileCheck %s --check-prefix=LLVM
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3+avx2+fma \
// RUN:   --qf-cpu-select-kernels=int8-activations=always --qf-pack-weights \
// RUN: | FileCheck %s --check-prefix=PACK
// Weights packed for one kernel config and lowered under another:
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3+avx2+fma \
// RUN:   --qf-cpu-select-kernels=int8-activations=never --qf-pack-weights \
// RUN: | sed 's/#qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>/#qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>/' \
// RUN: | not qforge-opt -split-input-file --qf-lower-to-cpu 2>&1 \
// RUN: | FileCheck %s --check-prefix=MISMATCH

// PACK-LABEL: func.func @w4g128
// Symmetric codes are stored + 8 with no zero terms in the headers.
// PACK: qf.cpu.packed = {bits = 4 : i64, dot_order = true, {{.*}}group = 128 : i64, k = 256 : i64, kb = 64 : i64{{.*}}nr = 8 : i64, zero_term = false}
// IR-LABEL: func.func @w4g128
// The activations are quantized once per call, per row and group, and
// stored as 32-bit words of 4 bytes...
// IR: math.roundeven {{.*}} : vector<8xf32>
// IR: vector.bitcast {{.*}} : vector<8xi8> to vector<2xi32>
// ...then the codes' nibble halves multiply 4 activation bytes in every lane.
// IR: arith.andi {{.*}} : vector<32xi8>
// IR: arith.shrui {{.*}} : vector<32xi8>
// IR: %[[WORD:.*]] = memref.load {{.*}} : memref<?x64xi32>
// IR: %[[SPLAT:.*]] = vector.broadcast %[[WORD]] : i32 to vector<8xi32>
// IR: vector.bitcast %[[SPLAT]] : vector<8xi32> to vector<32xi8>
// IR: arith.addi {{.*}} {qf.cpu.maddubs} : vector<16xi16>
// IR: arith.addi {{.*}} {qf.cpu.pair_sum} : vector<8xi32>
// LLVM-LABEL: llvm.func internal @w4g128_parallel0(
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// MISMATCH: error: 'qf.matmul' op has an invalid qf.cpu.packed: the layout is not the one of the op's kernel config #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>
func.func @w4g128(%x: tensor<?x256xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x256xi4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<8x256xi4>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Asymmetric codes keep their zero terms s * zp in the headers.
// PACK-LABEL: func.func @w4g64asym
// PACK: qf.cpu.packed = {bits = 4 : i64, dot_order = true, {{.*}}group = 64 : i64{{.*}}nr = 8 : i64, zero_term = true}
// IR-LABEL: func.func @w4g64asym
// IR: arith.addi {{.*}} {qf.cpu.maddubs} : vector<16xi16>
func.func @w4g64asym(%x: tensor<?x128xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x128xui4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %z = arith.constant dense<7> : tensor<8x2xui4>
  %y = qf.matmul #qf.scheme<"w4g64asym"> %x, %w scale(%s) zero_point(%z) : (tensor<?x128xf32>, tensor<8x128xui4>, tensor<8x2xf32>, tensor<8x2xui4>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Groups of 32 do not fill a 64-element block: the f32 kernel, with its own
// packing, and no byte dot products.
// PACK-LABEL: func.func @w4g32
// PACK: qf.cpu.packed = {bits = 4 : i64, {{.*}}group = 32 : i64, k = 256 : i64, kb = 32 : i64
// IR-LABEL: func.func @w4g32
// IR-NOT: qf.cpu.maddubs
// IR: vector.fma
// IR-NOT: qf.cpu.maddubs
// LLVM-LABEL: llvm.func internal @w4g32_parallel0(
// LLVM-NOT: pmadd.ub.sw
// LLVM: llvm.func @w4g32(
func.func @w4g32(%x: tensor<1x256xf32>) -> tensor<1x8xf32> {
  %w = arith.constant dense<3> : tensor<8x256xi4>
  %s = arith.constant dense<0.5> : tensor<8x8xf32>
  %y = qf.matmul #qf.scheme<"w4g32"> %x, %w scale(%s) : (tensor<1x256xf32>, tensor<8x256xi4>, tensor<8x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// Symmetric 8-bit codes: 32-element blocks in dot order, stored q + 128
// without zero terms; on AVX2 taken back to q (xor 0x80) and multiplied with
// the sign trick, vpmaddubsw(|q|, x * sign(q)), no nibble split.
// PACK-LABEL: func.func @w8
// PACK: qf.cpu.packed = {bits = 8 : i64, dot_order = true, {{.*}}kb = 32 : i64{{.*}}nr = 8 : i64, zero_term = false}
// IR-LABEL: func.func @w8
// IR-NOT: arith.shli
// IR: %[[Q:.*]] = arith.xori %{{.*}}, %{{.*}} : vector<32xi8>
// IR: %[[ABS:.*]] = math.absi %[[Q]] : vector<32xi8>
// IR: %[[NEG:.*]] = arith.cmpi slt, %[[Q]]
// IR: %[[SIGNED:.*]] = arith.select %[[NEG]], %{{.*}}, %{{.*}} {qf.cpu.sign_by} : vector<32xi1>, vector<32xi8>
// IR: arith.extui %[[ABS]] : vector<32xi8> to vector<32xi16>
// IR: arith.extsi %[[SIGNED]] : vector<32xi8> to vector<32xi16>
// IR: arith.addi {{.*}} {qf.cpu.maddubs} : vector<16xi16>
// IR: arith.addi {{.*}} {qf.cpu.pair_sum} : vector<8xi32>
// IR-NOT: arith.shli
// IR: return
// LLVM-LABEL: llvm.func internal @w8_parallel0(
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.psign.b"
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
func.func @w8(%x: tensor<?x96xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<-5> : tensor<8x96xi8>
  %s = arith.constant dense<0.5> : tensor<8xf32>
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<?x96xf32>, tensor<8x96xi8>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// NF4 codes: the 4-bit dot-order packing without zero terms; each code is
// looked up (vpshufb) in the codebook rounded to int8 (signed levels, |level|
// <= 127), and multiplied with the sign trick: vpmaddubsw(|x|,
// level * sign(x)), widened at once (vpmaddwd). No nibble split of the
// levels, no offset term.
// PACK-LABEL: func.func @nf4g64
// PACK: qf.cpu.packed = {bits = 4 : i64, dot_order = true, {{.*}}group = 64 : i64{{.*}}kb = 64 : i64{{.*}}nr = 8 : i64, zero_term = false}
// IR: memref.global "private" constant @__qf_nf4_int8_levels : memref<16xi8> = dense<[-127, -88, -67, -50, -36, -23, -12, 0, 10, 20, 31, 43, 56, 71, 92, 127]>
// IR-LABEL: func.func @nf4g64
// IR: %[[LEVELS:.*]] = memref.get_global @__qf_nf4_int8_levels
// IR: %[[LEVEL:.*]] = vector.gather %[[LEVELS]]
// IR-NOT: arith.shli
// IR: %[[ABS:.*]] = math.absi %[[X:.*]] : vector<32xi8>
// IR: %[[NEG:.*]] = arith.cmpi slt, %[[X]]
// IR: %[[SIGNED:.*]] = arith.select %[[NEG]], %{{.*}}, %[[LEVEL]] {qf.cpu.sign_by} : vector<32xi1>, vector<32xi8>
// IR: arith.extui %[[ABS]] : vector<32xi8> to vector<32xi16>
// IR: arith.extsi %[[SIGNED]] : vector<32xi8> to vector<32xi16>
// IR: arith.addi {{.*}} {qf.cpu.maddubs} : vector<16xi16>
// IR: arith.addi {{.*}} {qf.cpu.pair_sum} : vector<8xi32>
// IR-NOT: arith.shli
// IR: return
// LLVM-LABEL: llvm.func internal @nf4g64_parallel0(
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.psign.b"
// LLVM: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
func.func @nf4g64(%x: tensor<?x128xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x128xui4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"nf4g64"> %x, %w scale(%s) : (tensor<?x128xf32>, tensor<8x128xui4>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
