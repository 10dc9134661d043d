// VAR behind the Generator interface (core/generator): the request's common fields and
// VarExtra become autoregressive_infer_cfg's options, its hooks become the observer's
// scale events, and the pyramid holds token ids.
#pragma once
#include <memory>

#include "core/generator/generator.h"
#include "core/var/var_model.h"

namespace vs::var {

// VAR's sampling defaults: cfg 4 with top-k 900 and top-p 0.95, the official demo's
// sampling (var.md §4) and the setting the shipped model's evaluation is measured with.
gen::SamplingRequest default_var_request();

// `info` names the files; the adapter fills in the model's numbers.
std::unique_ptr<gen::Generator> make_var_generator(std::shared_ptr<const VarModel> model, gen::ModelInfo info = {});

}  // namespace vs::var
