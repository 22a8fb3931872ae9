// expected-error @+1 {{invalid scheme 'w4g': expected a group size after 'g'}}
func.func @f() attributes {s = #qf.scheme<"w4g">} { return }
