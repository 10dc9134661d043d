// How a model's transformer Linear weights are stored: float32 (the default and the
// reference) or bfloat16 (half the memory; products still accumulate in float32). Chosen
// when a model is opened (`--precision`, the explorer's model panel).
#pragma once
#include <string>

namespace vs {

enum class WeightPrecision { kFp32, kBf16 };

// "fp32" or "bf16".
const char* precision_name(WeightPrecision precision);
// Parses "fp32" or "bf16"; anything else is a vs::Error naming the value and the choices.
WeightPrecision parse_precision(const std::string& text);

}  // namespace vs
