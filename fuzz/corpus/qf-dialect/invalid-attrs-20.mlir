// expected-error @+1 {{the dot layout is read by the int8_activations kernel only}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = dot, nr = 8, kb = 64>} { return }
