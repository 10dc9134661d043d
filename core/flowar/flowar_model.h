// A loaded FlowAR model: config inferred from the checkpoint's shapes, the AR transformer
// and the flownet, loaded strictly (every expected key with its shape, nothing
// unexpected; the `mask` and `rope.freqs` buffers are recomputed and may be absent).
#pragma once
#include <string>
#include <vector>

#include "core/flowar/ar_transformer.h"
#include "core/flowar/flowar_config.h"
#include "core/flowar/flownet.h"
#include "core/io/checkpoint.h"

namespace vs::flowar {

struct FlowArModel {
  FlowArConfig config;
  ArTransformer ar;
  Flownet flownet;

  // Consumes the checkpoint's tensors; Linear weights are stored in `precision`. Throws
  // one vs::Error listing key problems.
  static FlowArModel from_checkpoint(io::Checkpoint checkpoint, const std::vector<int>& scales_override = {},
                                     WeightPrecision precision = WeightPrecision::kFp32);
  // .pth (official FlowAR-S/L/H) or .safetensors.
  static FlowArModel load(const std::string& path, const std::vector<int>& scales_override = {},
                          WeightPrecision precision = WeightPrecision::kFp32);

  // Bytes of the AR transformer's and the flownet's packed Linear weights.
  int64_t linear_weight_bytes() const;
};

}  // namespace vs::flowar
