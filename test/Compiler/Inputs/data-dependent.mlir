// An output whose size depends on an input's values, not its shape.
func.func @datadep(%x: tensor<4xf32> {qf.name = "x"}, %n: tensor<i64> {qf.name = "n"}) -> (tensor<?xf32> {qf.name = "y"}) {
  %v = tensor.extract %n[] : tensor<i64>
  %i = arith.index_cast %v : i64 to index
  %z = arith.constant 0.0 : f32
  %e = tensor.empty(%i) : tensor<?xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %f : tensor<?xf32>
}
