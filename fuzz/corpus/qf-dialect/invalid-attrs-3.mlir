// expected-error @+1 {{invalid scheme 'w4g128-fast': unknown modifier 'fast'}}
func.func @f() attributes {s = #qf.scheme<"w4g128-fast">} { return }
