// The FlowAR halves of the model commands; command_*.cpp pick them when the chosen
// checkpoint is a FlowAR one (model_flag).
#pragma once
#include "app/cli/commands.h"
#include "app/cli/model_cli_common.h"

namespace vs::cli {

int flowar_replay(Args& args, const ModelChoice& model);

}  // namespace vs::cli
