// expected-error @+1 {{invalid scheme 'a8w8g128': quantized activations need per-channel or per-tensor weight scales, not groups}}
func.func @f() attributes {s = #qf.scheme<"a8w8g128">} { return }
