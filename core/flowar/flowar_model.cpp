#include "core/flowar/flowar_model.h"

#include "core/io/weight_reader.h"

namespace vs::flowar {

namespace {

struct Parts {
  ArWeights ar;
  FlownetWeights flow;
};

Parts take_all(const FlowArConfig& config, io::Checkpoint& checkpoint, WeightPrecision precision) {
  io::WeightReader reader(checkpoint);
  Parts parts{take_ar_weights(config, reader, precision), take_flownet_weights(config, reader, precision)};
  reader.finish(config.describe(), "is this a FlowAR checkpoint of the inferred config?");
  return parts;
}

}  // namespace

FlowArModel FlowArModel::from_checkpoint(io::Checkpoint checkpoint, const std::vector<int>& scales,
                                         WeightPrecision precision) {
  const FlowArConfig config = infer_flowar_config(checkpoint, scales);
  Parts parts = take_all(config, checkpoint, precision);
  return FlowArModel{config, ArTransformer(config, std::move(parts.ar)),
                     Flownet(config, std::move(parts.flow))};
}

FlowArModel FlowArModel::load(const std::string& path, const std::vector<int>& scales, WeightPrecision precision) {
  return from_checkpoint(io::load_checkpoint(path), scales, precision);
}

int64_t FlowArModel::linear_weight_bytes() const {
  return flowar::linear_weight_bytes(ar.weights()) + flowar::linear_weight_bytes(flownet.weights());
}

}  // namespace vs::flowar
