// expected-error @+1 {{invalid scheme 'w8-dq': double quantization ('dq') needs per-group scales ('gN')}}
func.func @f() attributes {s = #qf.scheme<"w8-dq">} { return }
