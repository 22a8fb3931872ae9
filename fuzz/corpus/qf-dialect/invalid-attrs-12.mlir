// expected-error @+1 {{invalid target 'riscv64+v': unknown architecture 'riscv64' (expected host, x86_64, aarch64 or sm_XX)}}
func.func @f() attributes {t = #qf.target<"riscv64+v">} { return }
