// The flags of commands that also run on random official-shape weights (bench generate,
// pareto): --random-weights, --depth D (VAR) or --flowar-size S|L|H, exclusive with the
// model flags; and the memory check made before building such a model.
#pragma once
#include <string>

#include "app/cli/commands.h"

namespace vs::cli {

// The random-weight spec the flags name ("var-d16", "flowar-S"), or "" for a model flag
// (no model flag at all: var-d16); `flag` becomes the flag that names it, for errors.
std::string random_spec(Args& args, std::string& flag);

// Throws vs::Error naming `who` when the model would not fit in MemAvailable.
void check_random_model_memory(const std::string& spec, const std::string& who);

}  // namespace vs::cli
