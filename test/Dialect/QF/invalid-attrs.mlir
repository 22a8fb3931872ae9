// RUN: qforge-opt %s -split-input-file -verify-diagnostics
// Malformed scheme and target strings: the error names the bad part.

// expected-error @+1 {{invalid scheme 'w5g32': unknown weight format 'w5' (expected f32, w8, w4, w2, nf4, fp4, fp8 or fp8e5m2, optionally after 'a8')}}
func.func @f() attributes {s = #qf.scheme<"w5g32">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w4g': expected a group size after 'g'}}
func.func @f() attributes {s = #qf.scheme<"w4g">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w4g0': group size must be positive}}
func.func @f() attributes {s = #qf.scheme<"w4g0">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w4g128-fast': unknown modifier 'fast'}}
func.func @f() attributes {s = #qf.scheme<"w4g128-fast">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w4g128x': unexpected 'x' (modifiers are separated by '-')}}
func.func @f() attributes {s = #qf.scheme<"w4g128x">} { return }

// -----

// expected-error @+1 {{invalid scheme 'nf4g64asym': 'asym' applies only to integer weights (w8, w4, w2)}}
func.func @f() attributes {s = #qf.scheme<"nf4g64asym">} { return }

// -----

// expected-error @+1 {{invalid scheme 'a8w8g128': quantized activations need per-channel or per-tensor weight scales, not groups}}
func.func @f() attributes {s = #qf.scheme<"a8w8g128">} { return }

// -----

// expected-error @+1 {{invalid scheme 'a8w4': quantized activations ('a8') need int8 weights ('w8')}}
func.func @f() attributes {s = #qf.scheme<"a8w4">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w8-static': modifier 'static' needs quantized activations ('a8' prefix)}}
func.func @f() attributes {s = #qf.scheme<"w8-static">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w8-dq': double quantization ('dq') needs per-group scales ('gN')}}
func.func @f() attributes {s = #qf.scheme<"w8-dq">} { return }

// -----

// expected-error @+1 {{invalid scheme 'w4g32-tensor': modifier 'tensor' conflicts with the group size}}
func.func @f() attributes {s = #qf.scheme<"w4g32-tensor">} { return }

// -----

// expected-error @+1 {{invalid scheme '': empty}}
func.func @f() attributes {s = #qf.scheme<"">} { return }

// -----

// expected-error @+1 {{invalid target 'riscv64+v': unknown architecture 'riscv64' (expected host, x86_64, aarch64 or sm_XX)}}
func.func @f() attributes {t = #qf.target<"riscv64+v">} { return }

// -----

// expected-error @+1 {{invalid target 'x86_64+avx3': unknown feature 'avx3' for x86_64 (known: avx2, fma, f16c, avx512, avx512bw, avx512vnni, avxvnni, vnni)}}
func.func @f() attributes {t = #qf.target<"x86_64+avx3">} { return }

// -----

// expected-error @+1 {{invalid target 'aarch64+avx2': unknown feature 'avx2' for aarch64}}
func.func @f() attributes {t = #qf.target<"aarch64+avx2">} { return }

// -----

// expected-error @+1 {{invalid target 'sm_x': expected 'sm_' followed by a number, e.g. sm_90}}
func.func @f() attributes {t = #qf.target<"sm_x">} { return }

// -----

// expected-error @+1 {{invalid target 'sm_20': compute capability '20' is out of the supported range (sm_50 to sm_130)}}
func.func @f() attributes {t = #qf.target<"sm_20">} { return }

// -----

// expected-error @+1 {{invalid target 'x86_64++fma': empty feature between '+'}}
func.func @f() attributes {t = #qf.target<"x86_64++fma">} { return }

// -----

// expected-error @+1 {{expected string}}
func.func @f() attributes {s = #qf.scheme<w4g128>} { return }
