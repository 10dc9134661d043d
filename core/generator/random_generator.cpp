#include "core/generator/random_generator.h"

#include <memory>

#include "core/error.h"
#include "core/generator/collaborative_decoding.h"
#include "core/flowar/flowar_generator.h"
#include "core/flowar/random_flowar.h"
#include "core/generator/flop_estimate.h"
#include "core/var/var_generator.h"
#include "core/var/var_model.h"

namespace vs::gen {
namespace {

const char kSpecs[] = "var-d<depth> (depth 1..36) or flowar-S|L|H";

// The depth of "var-d<depth>", or 0 when the spec is not a VAR one.
int var_depth(const std::string& spec) {
  if (spec.rfind("var-d", 0) != 0) return 0;
  const std::string digits = spec.substr(5);
  if (digits.empty() || digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(digits) < 1 || std::stoi(digits) > 36)
    throw Error("random model '" + spec + "': the depth must be 1..36 (" + kSpecs + ")");
  return std::stoi(digits);
}

// The size of "flowar-<size>", or "" when the spec is not a FlowAR one.
std::string flowar_size(const std::string& spec) { return spec.rfind("flowar-", 0) == 0 ? spec.substr(7) : ""; }

ModelInfo random_info(const std::string& spec) {
  ModelInfo info;
  info.name = "random-" + spec;
  info.model_path = "random " + spec + " weights";
  info.vae_path = "random tokenizer";
  return info;
}

}  // namespace

std::unique_ptr<Generator> open_random_generator(const std::string& spec, const std::vector<int>& scales,
                                                 WeightPrecision precision) {
  if (const int depth = var_depth(spec)) {
    auto model = std::make_shared<const var::VarModel>(var::VarModel::random(depth, 1, scales, precision));
    ModelInfo info = random_info(spec);
    info.sample_flops = var_sample_flops(model->config());
    info.decode_flops = var_decode_flops(model->image_side());
    return with_collaborative_decoding(var::make_var_generator(std::move(model), std::move(info)));
  }
  const std::string size = flowar_size(spec);
  if (size.empty()) throw Error("random model '" + spec + "' is not one of " + kSpecs);
  if (!scales.empty()) throw Error("random model '" + spec + "': the scales of FlowAR's official shapes are fixed");
  // The VAE first: its loader copies the checkpoint, so the peak stays lower this way.
  auto vae = std::make_shared<const flowar::KlVae>(flowar::random_kl_vae(2));
  auto model = std::make_shared<const flowar::FlowArModel>(flowar::random_flowar(size, 1, precision));
  return with_collaborative_decoding(flowar::make_flowar_generator(std::move(model), std::move(vae), random_info(spec)));
}

double random_generator_bytes(const std::string& spec) {
  if (const int depth = var_depth(spec)) {
    // Weights + the KV cache (2 CFG rows, K and V per block, 680 tokens of C = 64·depth).
    const double C = 64.0 * depth, L = 680;
    return static_cast<double>(var::official_model_bytes(depth)) + 2.0 * depth * 2 * L * C * 4 + 400e6;
  }
  const std::string size = flowar_size(spec);
  if (size.empty()) throw Error("random model '" + spec + "' is not one of " + kSpecs);
  // FlowAR's weights + the VAE's, which its loader briefly holds twice.
  const flowar::FlowArConfig config = flowar::official_flowar_config(size);
  return 4.0 * flowar::flowar_parameter_count(config) + 2 * 4.0 * flowar::KlVaeConfig{}.parameter_count() + 400e6;
}

}  // namespace vs::gen
