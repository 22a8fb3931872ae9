// The named input (qf.name) and the unnamed second one (arg1) get static
// types; a cast back keeps the body valid until canonicalization.
// CANON-LABEL: func.func @f(
// CANON-NOT: tensor.dim
// CANON: %[[FIVE:.*]] = arith.constant 5 : index
// CANON: return %[[FIVE]]
func.func @f(%x: tensor<?x4xf32> {qf.name = "x"}, %y: tensor<?xf32>) -> index {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x4xf32>
  return %d : index
}

// NONAME: specialize-input-shapes.mlir:{{[0-9]+}}:{{[0-9]+}}: error: --shape q=...: the model has no input named 'q' (inputs: x, arg1)
// RANK: error: --shape x=...: input 'x' has shape [?, 4], got [5] (the rank and the static dimensions must match)
// STATIC: error: --shape x=...: input 'x' has shape [?, 4], got [5, 3] (the rank and the static dimensions must match)
// PARSE: error: --shape 'x=5xa': 'a' is not a dimension size (a non-negative integer)
// NOFUNC: error: qf-specialize-input-shapes: no function named 'g' with a body in the module
