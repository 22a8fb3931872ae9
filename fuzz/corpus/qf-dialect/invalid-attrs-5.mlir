// expected-error @+1 {{invalid scheme 'nf4g64asym': 'asym' applies only to integer weights (w8, w4, w2)}}
func.func @f() attributes {s = #qf.scheme<"nf4g64asym">} { return }
