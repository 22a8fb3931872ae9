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

// A CPU name is an LLVM CPU name (found by the qf dialect fuzz target: bytes
// and backslashes in it printed unescaped, text that did not parse back).
// expected-error @+1 {{invalid target 'x86_64:zn\ver4': CPU name 'zn\ver4' may hold only letters, digits, '-', '_' and '.'}}
func.func @f() attributes {t = #qf.target<"x86_64:zn\\ver4">} { return }

// -----

// expected-error @+1 {{expected string}}
func.func @f() attributes {s = #qf.scheme<w4g128>} { return }

// -----

// expected-error @+1 {{the int8_activations kernel reads the dot layout only, got tiled}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = int8_activations, layout = tiled, nr = 8, kb = 64>} { return }

// -----

// expected-error @+1 {{the dot layout is read by the int8_activations kernel only}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = dot, nr = 8, kb = 64>} { return }

// -----

// expected-error @+1 {{the int8 kernel reads unpacked or tiled weights, got lookup}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = int8, layout = lookup, nr = 4, kb = 32>} { return }

// -----

// expected-error @+1 {{a packed layout needs kb in [1, 4096], got 0}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4>} { return }

// -----

// expected-error @+1 {{an unpacked layout has no kb, got 32}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, kb = 32>} { return }

// -----

// expected-error @+1 {{nr must be in [1, 64], got 0}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 0>} { return }

// -----

// expected-error @+1 {{the int8_activations kernel serves every M (large_m must be 0)}}
func.func @f() attributes {k = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64, large_m = 32>} { return }

// -----

// expected-error @+1 {{'func.func' op 'qf.target' belongs on a module}}
func.func @f() attributes {qf.target = #qf.target<"host">} { return }

// -----

// expected-error @+1 {{'builtin.module' op 'qf.target' must be a #qf.target}}
module attributes {qf.target = "x86_64"} {}

// -----

// expected-error @+1 {{'func.func' op 'qf.cpu.kernel' belongs on a qf.matmul}}
func.func @f() attributes {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>} { return }

// -----

func.func @f(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qf.matmul' op 'qf.cpu.kernel' must be a #qf.cpu_kernel}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = "float"} : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
