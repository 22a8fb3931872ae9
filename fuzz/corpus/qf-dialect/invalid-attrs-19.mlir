// expected-error @+1 {{the int8_activations kernel reads the dot layout only, got tiled}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = int8_activations, layout = tiled, nr = 8, kb = 64>} { return }
