// FlowAR behind the Generator interface (core/generator): the request's common fields and
// FlowArExtra become sample_flowar's options, its hooks become the observer's scale and
// Euler-step events, and the pyramid holds latent tokens.
#pragma once
#include <memory>

#include "core/flowar/flowar_model.h"
#include "core/flowar/kl_vae.h"
#include "core/generator/generator.h"

namespace vs::flowar {

// FlowAR's sampling defaults, those of FlowAR-S (flowar.md §7): cfg 4.3, guidance window
// 0.9, 25 Euler steps.
gen::SamplingRequest default_flowar_request();

// `info` names the files; the adapter fills in the model's numbers.
std::unique_ptr<gen::Generator> make_flowar_generator(std::shared_ptr<const FlowArModel> model,
                                                      std::shared_ptr<const KlVae> vae, gen::ModelInfo info = {});

}  // namespace vs::flowar
