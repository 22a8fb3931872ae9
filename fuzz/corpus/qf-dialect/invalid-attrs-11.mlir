// expected-error @+1 {{invalid scheme '': empty}}
func.func @f() attributes {s = #qf.scheme<"">} { return }
