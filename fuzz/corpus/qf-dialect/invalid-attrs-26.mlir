// expected-error @+1 {{'func.func' op 'qf.target' belongs on a module}}
func.func @f() attributes {qf.target = #qf.target<"host">} { return }
