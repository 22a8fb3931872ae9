// expected-error @+1 {{invalid target 'sm_x': expected 'sm_' followed by a number, e.g. sm_90}}
func.func @f() attributes {t = #qf.target<"sm_x">} { return }
