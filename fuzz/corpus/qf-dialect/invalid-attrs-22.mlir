// expected-error @+1 {{a packed layout needs kb in [1, 4096], got 0}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4>} { return }
