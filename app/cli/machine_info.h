// What a benchmark ran on: printed before any timing, and stored in JSON outputs.
#pragma once
#include <string>

namespace vs::cli {

struct MachineInfo {
  std::string cpu;       // model name from /proc/cpuinfo
  int threads = 1;       // OpenMP threads used
  std::string simd;      // instruction sets compiled in, e.g. "AVX2 FMA"
  std::string bf16;      // bfloat16 kernels this CPU runs, best first, e.g. "amx avx512bf16 widen"
  std::string compiler;  // e.g. "GCC 12.2.0"
};

MachineInfo machine_info();
std::string machine_info_line(const MachineInfo& info);
std::string machine_info_json(const MachineInfo& info);

}  // namespace vs::cli
