// expected-error @+1 {{nr must be in [1, 64], got 0}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 0>} { return }
