// Scheme spellings parse to one canonical form.
func.func @scheme_attrs() attributes {
    s0 = #qf.scheme<"w4g128asym">, s1 = #qf.scheme<"w4g128-asym">,
    s2 = #qf.scheme<"a8w8-dynamic">, s3 = #qf.scheme<"a8w8-static">,
    s4 = #qf.scheme<"w8-tensor">, s5 = #qf.scheme<"nf4g64-dq-bf16">,
    s6 = #qf.scheme<"fp8e5m2-f16">, s7 = #qf.scheme<"f32">,
    s8 = #qf.scheme<"w8-channel-sym">, s9 = #qf.scheme<"fp4g32-f32">} {
  return
}
