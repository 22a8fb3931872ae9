// expected-error @+1 {{'builtin.module' op 'qf.target' must be a #qf.target}}
module attributes {qf.target = "x86_64"} {}
