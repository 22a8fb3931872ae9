// expected-error @+1 {{invalid target 'x86_64++fma': empty feature between '+'}}
func.func @f() attributes {t = #qf.target<"x86_64++fma">} { return }
