func.func @cpu_kernel_attrs() attributes {
    k0 = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>,
    k1 = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64, large_m = 0>,
    k2 = #qf.cpu_kernel<kind = int8, layout = unpacked, nr = 4>,
    k3 = #qf.cpu_kernel<layout = lookup, kind = float, kb = 32, nr = 4>} {
  return
}
