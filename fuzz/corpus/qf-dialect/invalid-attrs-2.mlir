// expected-error @+1 {{invalid scheme 'w4g0': group size must be positive}}
func.func @f() attributes {s = #qf.scheme<"w4g0">} { return }
