func.func @target_attrs() attributes {
    t0 = #qf.target<"host">, t1 = #qf.target<"x86-64+fma+avx2">,
    t2 = #qf.target<"x86_64:znver3+avx2+fma+f16c">,
    t3 = #qf.target<"arm64+neon+dotprod">, t4 = #qf.target<"sm_90a">,
    t5 = #qf.target<"x86_64+vnni+avx512+avx512">} {
  return
}
