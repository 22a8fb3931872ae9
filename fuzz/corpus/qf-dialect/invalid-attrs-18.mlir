// expected-error @+1 {{expected string}}
func.func @f() attributes {s = #qf.scheme<w4g128>} { return }
