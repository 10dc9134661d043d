#include "app/cli/machine_info.h"

#include <omp.h>

#include <fstream>

#include "app/cli/json_writer.h"
#include "core/nn/bf16_kernel.h"

namespace vs::cli {

MachineInfo machine_info() {
  MachineInfo info;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) info.cpu = line.substr(colon + 2);
      break;
    }
  }
  if (info.cpu.empty()) info.cpu = "unknown CPU";
  info.threads = omp_get_max_threads();
#ifdef __AVX512F__
  info.simd += "AVX512F ";
#endif
#ifdef __AVX2__
  info.simd += "AVX2 ";
#endif
#ifdef __FMA__
  info.simd += "FMA ";
#endif
#ifdef __SSE4_2__
  info.simd += "SSE4.2 ";
#endif
  if (info.simd.empty()) info.simd = "baseline ";
  info.simd.pop_back();
  for (nn::Bf16Kernel k : {nn::Bf16Kernel::kAmx, nn::Bf16Kernel::kAvx512Bf16, nn::Bf16Kernel::kWiden})
    if (nn::bf16_kernel_available(k)) info.bf16 += std::string(info.bf16.empty() ? "" : " ") + nn::bf16_kernel_name(k);
#if defined(__clang__)
  info.compiler = "Clang " __clang_version__;
#elif defined(__GNUC__)
  info.compiler = "GCC " __VERSION__;
#endif
  return info;
}

std::string machine_info_line(const MachineInfo& info) {
  return "machine: " + info.cpu + " | " + std::to_string(info.threads) + " threads | SIMD " +
         info.simd + " | bf16 kernels " + info.bf16 + " | " + info.compiler;
}

std::string machine_info_json(const MachineInfo& info) {
  return "{\"cpu\":" + json_string(info.cpu) + ",\"threads\":" + std::to_string(info.threads) +
         ",\"simd\":" + json_string(info.simd) + ",\"bf16_kernels\":" + json_string(info.bf16) +
         ",\"compiler\":" + json_string(info.compiler) + "}";
}

}  // namespace vs::cli
