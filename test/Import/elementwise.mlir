// REQUIRES: onnx
// RUN: %python %S/Inputs/onnx_models.py ir_elementwise %t.onnx
// RUN: qforge-import %t.onnx --no-locations | FileCheck %s

// Elementwise ops: one linalg.generic each, numpy broadcasting through the
// indexing maps (a static size-1 dim reads index 0), scalar math in the body.

// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[YMAP:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[SCALAR1:.*]] = affine_map<(d0, d1, d2) -> (0)>
// CHECK-DAG: #[[RANK0:.*]] = affine_map<(d0, d1, d2) -> ()>

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32> {qf.dim_names = ["n", ""], qf.name = "x"}, %[[Y:.*]]: tensor<3x1x4xf32> {qf.name = "y"}
// CHECK-SAME: -> (tensor<3x?x4xf32> {qf.name = "out"})

// Add: [?, 4] + [3, 1, 4] -> [3, ?, 4], the dynamic size from x.
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<3x?x4xf32>
// CHECK: %[[ADD:.*]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[YMAP]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]], %[[Y]] : tensor<?x4xf32>, tensor<3x1x4xf32>) outs(%[[E]] : tensor<3x?x4xf32>)
// CHECK: arith.addf
// CHECK: %[[SUB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[XMAP]], #[[ID]]]{{.*}} ins(%[[ADD]], %[[X]]
// CHECK: arith.subf
// Mul by a [1] constant.
// CHECK: %[[C2:.*]] = arith.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK: %[[MUL:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR1]], #[[ID]]]{{.*}} ins(%[[SUB]], %[[C2]]
// CHECK: arith.mulf
// CHECK: %[[DIV:.*]] = linalg.generic {{.*}} ins(%[[MUL]], %[[ADD]]
// CHECK: arith.divf
// Pow with an int64 exponent: converted in the body.
// CHECK: %[[E4:.*]] = arith.constant dense<4> : tensor<i64>
// CHECK: %[[POW:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[RANK0]], #[[ID]]]{{.*}} ins(%[[DIV]], %[[E4]] : tensor<3x?x4xf32>, tensor<i64>)
// CHECK: ^bb0(%[[B:.*]]: f32, %[[EXP:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[EF:.*]] = arith.sitofp %[[EXP]] : i64 to f32
// CHECK: math.powf %[[B]], %[[EF]] : f32
// Pow(x, 2.0) is x * x, as onnxruntime computes it.
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3x?x4xf32>)
// CHECK: ^bb0(%[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf %[[S]], %[[S]] : f32
// CHECK-NEXT: linalg.yield
// CHECK: math.sqrt
// Relu
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.maximumf %{{.*}}, %[[ZERO]] : f32
// Sigmoid: 1 / (1 + exp(-x))
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[NEG:.*]] = arith.negf
// CHECK-NEXT: %[[EXPV:.*]] = math.exp %[[NEG]]
// CHECK-NEXT: %[[DEN:.*]] = arith.addf %[[ONE]], %[[EXPV]]
// CHECK-NEXT: arith.divf %[[ONE]], %[[DEN]]
// CHECK: math.tanh
// CHECK: math.erf
// Gelu (exact): 0.5 x (1 + erf(x / sqrt(2)))
// CHECK: arith.constant 0.707106769 : f32
// CHECK: math.erf
// Gelu (tanh): 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh
// CHECK: return %{{.*}} : tensor<3x?x4xf32>
