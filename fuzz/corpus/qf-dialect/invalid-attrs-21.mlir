// expected-error @+1 {{the int8 kernel reads unpacked or tiled weights, got lookup}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = int8, layout = lookup, nr = 4, kb = 32>} { return }
