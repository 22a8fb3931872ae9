// expected-error @+1 {{invalid target 'aarch64+avx2': unknown feature 'avx2' for aarch64}}
func.func @f() attributes {t = #qf.target<"aarch64+avx2">} { return }
