// expected-error @+1 {{an unpacked layout has no kb, got 32}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, kb = 32>} { return }
