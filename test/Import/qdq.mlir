// REQUIRES: onnx
// Pre-quantized graphs: QuantizeLinear / DequantizeLinear become qf.quantize
// / qf.dequantize (ONNX's scale layout is qf's: rank-0 per tensor, `axis` per
// channel), DynamicQuantizeLinear is qf.dynamic_quantize, MatMulInteger an
// i32 matmul of zero-point-shifted operands, QLinearMatMul the same then
// requantized. uint8 data is `ui8` (bitcast to i8 for arith).

// RUN: %python %S/Inputs/onnx_models.py qdq_mlp %t.qdq.onnx
// RUN: qforge-import %t.qdq.onnx --no-locations --elide-resource-blobs | FileCheck %s --check-prefix=QDQ
// QDQ-LABEL: func.func @main(
// QDQ: %[[XS:.*]] = arith.constant dense<2.000000e-02> : tensor<f32>
// QDQ: %[[XZ:.*]] = arith.constant dense<128> : tensor<ui8>
// QDQ: %[[XQ:.*]] = qf.quantize %arg0, %[[XS]], %[[XZ]] : (tensor<?x16xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x16xui8>
// QDQ: %[[XD:.*]] = qf.dequantize %[[XQ]], %[[XS]], %[[XZ]] : (tensor<?x16xui8>, tensor<f32>, tensor<ui8>) -> tensor<?x16xf32>
// QDQ: %[[WQ:.*]] = arith.constant dense<{{.*}}> : tensor<16x8xi8>
// QDQ: %[[WS:.*]] = arith.constant dense<[{{.*}}]> : tensor<8xf32>
// QDQ: %[[WD:.*]] = qf.dequantize %[[WQ]], %[[WS]] {axis = 1 : i64} : (tensor<16x8xi8>, tensor<8xf32>) -> tensor<16x8xf32>
// QDQ: linalg.matmul ins(%[[XD]], %[[WD]] : tensor<?x16xf32>, tensor<16x8xf32>)
// QDQ: qf.quantize {{.*}} -> tensor<?x8xui8>
// QDQ: qf.dequantize {{.*}} -> tensor<?x8xf32>
// RUN: qforge-import %t.qdq.onnx -o %t.qdq.mlir
// RUN: qforge-opt %t.qdq.mlir --qf-reference-to-llvm | FileCheck %s --check-prefix=LOWERED
// LOWERED: llvm.func @_mlir_ciface_main

// RUN: %python %S/Inputs/onnx_models.py dynamic_quant %t.dyn.onnx
// RUN: qforge-import %t.dyn.onnx --no-locations --elide-resource-blobs | FileCheck %s --check-prefix=DYN
// DYN-LABEL: func.func @main(
// DYN-SAME: -> (tensor<?x8xf32> {qf.name = "y0"}, tensor<?x8xui8> {qf.name = "y1"})
// DYN: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qf.dynamic_quantize %arg0 : tensor<?x16xf32> -> tensor<?x16xui8>, tensor<f32>, tensor<ui8>
// MatMulInteger: (xq - xzp) and (w - wzp) as i32, then an i32 matmul.
// DYN: %[[QI:.*]] = tensor.bitcast %[[Q]] : tensor<?x16xui8> to tensor<?x16xi8>
// DYN: %[[ZI:.*]] = tensor.bitcast %[[Z]] : tensor<ui8> to tensor<i8>
// DYN: %[[A:.*]] = linalg.generic {{.*}} ins(%[[QI]], %[[ZI]] : tensor<?x16xi8>, tensor<i8>) outs(%{{.*}} : tensor<?x16xi32>)
// DYN: arith.extui
// DYN: arith.subi
// DYN: %[[B:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<16x8xi32>)
// DYN: %[[ACC:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x16xi32>, tensor<16x8xi32>)
// DYN: arith.sitofp %in : i32 to f32
// QLinearMatMul: requantized with rint(acc * (a_scale * b_scale / y_scale)) + y_zp, saturated.
// DYN: linalg.matmul {{.*}} -> tensor<?x8xi32>
// DYN: arith.divf %{{.*}}, %{{.*}} : f64
// DYN: math.roundeven %{{.*}} : f64
// DYN: arith.constant 2.550000e+02 : f64
// DYN: %[[Y1:.*]] = tensor.bitcast %{{.*}} : tensor<?x8xi8> to tensor<?x8xui8>
// DYN: return %{{.*}}, %[[Y1]]
