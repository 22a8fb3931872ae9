// expected-error @+1 {{invalid scheme 'w8-static': modifier 'static' needs quantized activations ('a8' prefix)}}
func.func @f() attributes {s = #qf.scheme<"w8-static">} { return }
