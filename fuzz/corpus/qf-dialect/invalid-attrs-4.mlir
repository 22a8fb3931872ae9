// expected-error @+1 {{invalid scheme 'w4g128x': unexpected 'x' (modifiers are separated by '-')}}
func.func @f() attributes {s = #qf.scheme<"w4g128x">} { return }
