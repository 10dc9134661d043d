#include "app/cli/random_model_flags.h"

#include "app/cli/process_memory.h"
#include "core/error.h"
#include "core/generator/random_generator.h"

namespace vs::cli {

std::string random_spec(Args& args, std::string& flag) {
  const bool random = args.flag("random-weights");  // the default without a model; accepted for clarity
  const bool named = args.has("model") || args.has("var") || args.has("flowar");
  if (random && named) throw Error("--random-weights and --model / --var / --flowar exclude each other");
  if (named) {
    if (args.has("depth")) throw Error("--depth is for random weights; the model given has its own");
    if (args.has("flowar-size")) throw Error("--flowar-size builds random weights; it excludes --model / --var / --flowar");
    return "";
  }
  if (args.has("vae")) throw Error("--vae goes with --model, --var or --flowar");
  if (args.has("flowar-size")) {
    if (args.has("depth")) throw Error("--depth is a VAR option, but --flowar-size builds a random FlowAR model");
    const std::string size = args.get("flowar-size", "");
    flag = "--flowar-size " + size;
    return "flowar-" + size;
  }
  const std::string depth = std::to_string(args.get_int("depth", 16, 1, 36));
  flag = "--depth " + depth;
  return "var-d" + depth;
}

void check_random_model_memory(const std::string& spec, const std::string& who) {
  const double need = gen::random_generator_bytes(spec);
  const double available = mem_available_bytes();
  if (available > 0 && need > available)
    throw Error(who + " needs about " + std::to_string(static_cast<int>(need / 1e6)) + " MB but MemAvailable is " +
                std::to_string(static_cast<int>(available / 1e6)) + " MB");
}

}  // namespace vs::cli
