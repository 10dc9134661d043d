// What every opener of a model reference (open_generator, open_parity_replay) does first:
// refuse a reference that is not a generator with its tokenizer, and take the ModelInfo
// fields the reference names (name, files, class names); the adapter fills in the rest.
#pragma once
#include "core/generator/generator.h"
#include "core/io/model_ref.h"

namespace vs::gen {

ModelInfo reference_info(const io::ModelRef& ref);

}  // namespace vs::gen
