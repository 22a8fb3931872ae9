// expected-error @+1 {{invalid target 'sm_20': compute capability '20' is out of the supported range (sm_50 to sm_130)}}
func.func @f() attributes {t = #qf.target<"sm_20">} { return }
