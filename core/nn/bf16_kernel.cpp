#include "core/nn/bf16_kernel.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/nn/gemm_amx.h"
#include "core/nn/gemm_bf16.h"

namespace vs::nn {
namespace {

Bf16Kernel parse_kernel(const std::string& name) {
  for (Bf16Kernel k : {Bf16Kernel::kAuto, Bf16Kernel::kWiden, Bf16Kernel::kAvx512Bf16, Bf16Kernel::kAmx})
    if (name == bf16_kernel_name(k)) return k;
  throw Error("VARSCOPE_BF16_KERNEL '" + name + "' is not one of auto, widen, avx512bf16, amx");
}

Bf16Kernel kernel_from_environment() {
  const char* value = std::getenv("VARSCOPE_BF16_KERNEL");
  if (!value || !*value) return Bf16Kernel::kAuto;
  const Bf16Kernel kernel = parse_kernel(value);
  if (!bf16_kernel_available(kernel))
    throw Error(std::string("VARSCOPE_BF16_KERNEL ") + value + ": this CPU (or OS) does not run it");
  return kernel;
}

std::atomic<Bf16Kernel>& forced() {
  static std::atomic<Bf16Kernel> kernel{kernel_from_environment()};
  return kernel;
}

}  // namespace

const char* bf16_kernel_name(Bf16Kernel kernel) {
  switch (kernel) {
    case Bf16Kernel::kAuto: return "auto";
    case Bf16Kernel::kWiden: return "widen";
    case Bf16Kernel::kAvx512Bf16: return "avx512bf16";
    case Bf16Kernel::kAmx: return "amx";
  }
  return "auto";
}

bool bf16_kernel_available(Bf16Kernel kernel) {
  switch (kernel) {
    case Bf16Kernel::kAvx512Bf16: return cpu_has_avx512_bf16();
    case Bf16Kernel::kAmx: return amx_bf16_usable();
    default: return true;
  }
}

void force_bf16_kernel(Bf16Kernel kernel) {
  if (!bf16_kernel_available(kernel))
    throw Error(std::string("bfloat16 kernel ") + bf16_kernel_name(kernel) + ": this CPU (or OS) does not run it");
  forced().store(kernel);
}

Bf16Kernel bf16_kernel_for(int64_t in_features) {
  Bf16Kernel kernel = forced().load();
  if (kernel == Bf16Kernel::kAuto)
    kernel = amx_bf16_usable() ? Bf16Kernel::kAmx : cpu_has_avx512_bf16() ? Bf16Kernel::kAvx512Bf16 : Bf16Kernel::kWiden;
  // AMX loads whole 32-wide steps of the input; other sizes take the next kernel.
  if (kernel == Bf16Kernel::kAmx && in_features % kAmxStep != 0)
    kernel = cpu_has_avx512_bf16() ? Bf16Kernel::kAvx512Bf16 : Bf16Kernel::kWiden;
  return kernel;
}

const char* gemm_bf16_kernel_name() { return bf16_kernel_name(bf16_kernel_for(kAmxStep)); }

}  // namespace vs::nn
