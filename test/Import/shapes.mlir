// REQUIRES: onnx
// RUN: %python %S/Inputs/onnx_models.py ir_shapes %t.onnx
// RUN: qforge-import %t.onnx --elide-resource-blobs --no-locations | FileCheck %s

// Data movement on dynamic [b, s, 8] activations: reshapes are
// collapse/expand_shape keeping the copied (0) dims, Concat is insert_slices,
// Split and Slice are extract_slices (a negative step reverses through the
// indexing map), Gather extracts at the (wrapped) index, Cast converts.

// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, -d2 + 2)>
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<?x?x8xf32> {qf.dim_names = ["b", "s", ""], qf.name = "x"}, %[[U:.*]]: tensor<1x3x1xf32> {qf.name = "u"}
// CHECK-SAME: -> (tensor<?x2x?x4xf32> {qf.name = "t"}, tensor<3x1xf32> {qf.name = "us"}, tensor<?x?xf32> {qf.name = "f"}, tensor<?x?x6xf32> {qf.name = "c0"}, tensor<?x?x2x2xi32> {qf.name = "ci"})

// Reshape [0, 0, 2, 4]: only the last dim is expanded.
// CHECK: %[[B:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[S:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[R:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3]] output_shape [%[[B]], %[[S]], 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[R]] : tensor<?x?x2x4xf32>) outs(%{{.*}} : tensor<?x2x?x4xf32>) permutation = [0, 2, 1, 3]

// Squeeze (no axes: every static 1), Unsqueeze at -1.
// CHECK: %[[SQ:.*]] = tensor.collapse_shape %[[U]] {{\[\[}}0, 1, 2]] : tensor<1x3x1xf32> into tensor<3xf32>
// CHECK: %[[US:.*]] = tensor.expand_shape %[[SQ]] {{\[\[}}0, 1]] output_shape [3, 1] : tensor<3xf32> into tensor<3x1xf32>

// Concat on the last axis.
// CHECK: %[[CE:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x16xf32>
// CHECK: %[[C0:.*]] = tensor.insert_slice %[[X]] into %[[CE]][0, 0, 0] [%{{.*}}, %{{.*}}, 8] [1, 1, 1]
// CHECK: %[[CAT:.*]] = tensor.insert_slice %[[X]] into %[[C0]][0, 0, 8] [%{{.*}}, %{{.*}}, 8] [1, 1, 1]

// Split [6, 10] on axis 2.
// CHECK: %[[P0:.*]] = tensor.extract_slice %[[CAT]][0, 0, 0] [%{{.*}}, %{{.*}}, 6] [1, 1, 1] : tensor<?x?x16xf32> to tensor<?x?x6xf32>
// CHECK: %[[P1:.*]] = tensor.extract_slice %[[CAT]][0, 0, 6] [%{{.*}}, %{{.*}}, 10] [1, 1, 1] : tensor<?x?x16xf32> to tensor<?x?x10xf32>

// Slice axis 1 (dynamic) from 0 to the end by 2: ceil(dim / 2) rows;
// axis 2 from -1 down to 0 (exclusive) by -3: elements 9, 6, 3 as a
// stride-3 slice from 3, reversed.
// CHECK: %[[D1:.*]] = tensor.dim %[[P1]], %c1
// CHECK: %[[HALF:.*]] = arith.ceildivsi %[[D1]], %c2
// CHECK: %[[LEN:.*]] = arith.maxsi %[[HALF]], %c0
// CHECK: %[[SL:.*]] = tensor.extract_slice %[[P1]][0, 0, 3] [%{{.*}}, %[[LEN]], 3] [1, 2, 3] : tensor<?x?x10xf32> to tensor<?x?x3xf32>
// CHECK: %[[RV:.*]] = linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]{{.*}} ins(%[[SL]] : tensor<?x?x3xf32>)
// Flatten at axis 1.
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[RV]] {{\[\[}}0], [1, 2]] : tensor<?x?x3xf32> into tensor<?x?xf32>

// Gather on axis 2 with constant [[0, 7], [1, -1]] indices.
// CHECK: %[[I:.*]] = arith.constant dense<{{\[\[}}0, 7], [1, -1]]> : tensor<2x2xi64>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]{{.*}} ins(%[[I]] : tensor<2x2xi64>) outs(%{{.*}} : tensor<?x?x2x2xf32>)
// CHECK: %[[IX:.*]] = arith.index_cast %in : i64 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[IX]], %{{.*}} : index
// CHECK: %[[WRAP:.*]] = arith.addi %[[IX]], %c8 : index
// CHECK: %[[K:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[IX]] : index
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %[[X]][%[[I0]], %[[I1]], %[[K]]] : tensor<?x?x8xf32>
// Cast to INT32 truncates.
// CHECK: %[[CI:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<?x?x2x2xf32>) outs(%{{.*}} : tensor<?x?x2x2xi32>)
// CHECK: arith.fptosi %in : f32 to i32
// CHECK: return %[[T]], %[[US]], %[[F]], %[[P0]], %[[CI]]

// Shape computations fold where the dims are static (torch.onnx's
// Shape -> Slice -> Concat -> Reshape becomes one collapse_shape; Range is a
// constant); Shape of a dynamic dim reads it at run time.
// RUN: %python %S/Inputs/onnx_models.py shape_values %t.values.onnx
// RUN: qforge-import %t.values.onnx --no-locations | FileCheck %s --check-prefix=VALUES
// VALUES-LABEL: func.func @main(
// VALUES-NOT: tensor.dim
// VALUES: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<?x3x4xf32> into tensor<?x4xf32>
// VALUES: arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
// VALUES: %[[BI:.*]] = arith.index_cast %{{.*}} : index to i64
// VALUES-NEXT: %[[D1:.*]] = arith.constant 3 : i64
// VALUES-NEXT: %[[D2:.*]] = arith.constant 4 : i64
// VALUES-NEXT: tensor.from_elements %[[BI]], %[[D1]], %[[D2]] : tensor<3xi64>
