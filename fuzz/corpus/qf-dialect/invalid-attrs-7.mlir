// expected-error @+1 {{invalid scheme 'a8w4': quantized activations ('a8') need int8 weights ('w8')}}
func.func @f() attributes {s = #qf.scheme<"a8w4">} { return }
