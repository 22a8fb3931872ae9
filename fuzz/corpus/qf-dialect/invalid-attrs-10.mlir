// expected-error @+1 {{invalid scheme 'w4g32-tensor': modifier 'tensor' conflicts with the group size}}
func.func @f() attributes {s = #qf.scheme<"w4g32-tensor">} { return }
