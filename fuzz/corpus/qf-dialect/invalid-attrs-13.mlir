// expected-error @+1 {{invalid target 'x86_64+avx3': unknown feature 'avx3' for x86_64 (known: avx2, fma, f16c, avx512, avx512bw, avx512vnni, avxvnni, vnni)}}
func.func @f() attributes {t = #qf.target<"x86_64+avx3">} { return }
