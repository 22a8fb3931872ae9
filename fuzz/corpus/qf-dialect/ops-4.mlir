func.func @observe(%x: tensor<?x512xf32>) -> tensor<?x512xf32> {
  %y = qf.observe %x id "fc1.input" : tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
