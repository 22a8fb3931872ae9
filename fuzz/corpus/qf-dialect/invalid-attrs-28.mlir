// expected-error @+1 {{'func.func' op 'qf.cpu.kernel' belongs on a qf.matmul}}
func.func @f() attributes {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>} { return }
