// REQUIRES: onnx
// RUN: %python %S/Inputs/onnx_models.py ir_norm %t.onnx
// RUN: qforge-import %t.onnx --elide-resource-blobs --no-locations | FileCheck %s

// LayerNormalization over the last two dims (axis -2, epsilon 1e-3) with its
// Mean and InvStdDev outputs, Softmax over axis 1, ReduceMean over two axes
// (one of them dynamic: the count is computed at run time).

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
// CHECK-DAG: #[[AX1:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<?x6x8xf32> {qf.dim_names = ["n", "", ""], qf.name = "x"}
// CHECK-SAME: -> (tensor<6xf32> {qf.name = "y"}, tensor<?x1x1xf32> {qf.name = "mean"}, tensor<?x1x1xf32> {qf.name = "inv"})
// CHECK: %[[N:.*]] = arith.constant 4.800000e+01 : f32
// mean = sum / 48
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction", "reduction"]} ins(%[[X]]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?xf32>)
// CHECK: arith.divf %in, %[[N]]
// CHECK: %[[MEANK:.*]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0, 1, 2]] output_shape [%{{.*}}, 1, 1] : tensor<?xf32> into tensor<?x1x1xf32>
// CHECK: %[[CEN:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[KEPT]], #[[ID]]]{{.*}} ins(%[[X]], %[[MEANK]]
// CHECK: arith.subf
// var = sum(c^2) / 48; inv = 1 / sqrt(var + eps)
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction", "reduction"]} ins(%[[CEN]]
// CHECK: %[[C2:.*]] = arith.mulf %in, %in
// CHECK: arith.addf %out, %[[C2]]
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?xf32>)
// CHECK: %[[VAR:.*]] = arith.divf %in, %[[N]]
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]]
// CHECK: %[[SD:.*]] = math.sqrt %[[VE]]
// CHECK: arith.divf %{{.*}}, %[[SD]]
// CHECK: %[[INVK:.*]] = tensor.expand_shape %[[INV]]
// y = c * inv * scale + bias, scale and bias [6, 8]
// CHECK: %[[LN:.*]] = linalg.generic {{.*}} ins(%[[CEN]], %[[INVK]], %{{.*}}, %{{.*}} : tensor<?x6x8xf32>, tensor<?x1x1xf32>, tensor<6x8xf32>, tensor<6x8xf32>)
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf

// Softmax over axis 1: max, exp(x - max), sum, divide.
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[AX1]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[LN]]
// CHECK: arith.maximumf %out, %in
// CHECK: %[[MAXK:.*]] = tensor.expand_shape %[[MAX]] {{\[\[}}0, 1], [2]] {{.*}} into tensor<?x1x8xf32>
// CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[LN]], %[[MAXK]]
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[ES:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[AX1]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[EXP]]
// CHECK: %[[ESK:.*]] = tensor.expand_shape %[[ES]]
// CHECK: %[[SM:.*]] = linalg.generic {{.*}} ins(%[[EXP]], %[[ESK]]
// CHECK: arith.divf

// ReduceMean axes (0, -1), keepdims 0: count = dim0 * 8 at run time.
// CHECK: %[[D0:.*]] = tensor.dim %[[SM]], %c0
// CHECK: %[[CNT:.*]] = arith.muli %[[D0]], %c8
// CHECK: %[[CNTI:.*]] = arith.index_cast %[[CNT]] : index to i64
// CHECK: %[[CNTF:.*]] = arith.sitofp %[[CNTI]] : i64 to f32
// CHECK: %[[RS:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]} ins(%[[SM]] : tensor<?x6x8xf32>) outs(%{{.*}} : tensor<6xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[RS]] : tensor<6xf32>)
// CHECK: arith.divf %in, %[[CNTF]]
// CHECK: return %[[Y]], %[[MEANK]], %[[INVK]]
