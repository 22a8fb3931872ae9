// Malformed scheme and target strings: the error names the bad part.

// expected-error @+1 {{invalid scheme 'w5g32': unknown weight format 'w5' (expected f32, w8, w4, w2, nf4, fp4, fp8 or fp8e5m2, optionally after 'a8')}}
func.func @f() attributes {s = #qf.scheme<"w5g32">} { return }
