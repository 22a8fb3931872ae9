// expected-error @+1 {{the int8_activations kernel serves every M (large_m must be 0)}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64, large_m = 32>} { return }
