#include "core/flowar/flowar_model.h"

#include "core/flowar/weight_taker.h"

namespace vs::flowar {

namespace {

struct Parts {
  ArWeights ar;
  FlownetWeights flow;
};

Parts take_all(const FlowArConfig& config, io::Checkpoint& checkpoint) {
  WeightTaker taker(checkpoint);
  Parts parts{take_ar_weights(config, taker), take_flownet_weights(config, taker)};
  taker.finish(/*reject_leftovers=*/true);
  return parts;
}

}  // namespace

FlowArModel FlowArModel::from_checkpoint(io::Checkpoint checkpoint, const std::vector<int>& scales) {
  const FlowArConfig config = infer_flowar_config(checkpoint, scales);
  Parts parts = take_all(config, checkpoint);
  return FlowArModel{config, ArTransformer(config, std::move(parts.ar)),
                     Flownet(config, std::move(parts.flow))};
}

FlowArModel FlowArModel::load(const std::string& path, const std::vector<int>& scales) {
  return from_checkpoint(io::load_checkpoint(path), scales);
}

}  // namespace vs::flowar
