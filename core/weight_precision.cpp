#include "core/weight_precision.h"

#include "core/error.h"

namespace vs {

const char* precision_name(WeightPrecision precision) {
  return precision == WeightPrecision::kBf16 ? "bf16" : "fp32";
}

WeightPrecision parse_precision(const std::string& text) {
  if (text == "fp32") return WeightPrecision::kFp32;
  if (text == "bf16") return WeightPrecision::kBf16;
  throw Error("precision '" + text + "' is not one of fp32, bf16");
}

}  // namespace vs
