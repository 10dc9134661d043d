#include "app/cli/model_cli_common.h"

#include "core/error.h"

namespace vs::cli {

const std::vector<std::string> kVarOnlyFlags = {"top-k", "top-p", "more-smooth", "patch-nums", "prefix",
                                                "keep-scales"};
const std::vector<std::string> kFlowArOnlyFlags = {"steps", "guidance", "euler-step", "flow-layer"};

namespace {

const char* family_of(io::ModelKind kind) { return kind == io::ModelKind::kFlowAr ? "FlowAR" : "VAR"; }

}  // namespace

ModelChoice model_flag(Args& args) {
  const std::string by_name = args.get("model", ""), var = args.get("var", ""), flowar = args.get("flowar", "");
  const std::string vae = args.get("vae", "");
  const int given = !by_name.empty() + !var.empty() + !flowar.empty();
  if (given == 0)
    throw Error("no model: give --model NAME|PATH, or --var V.pth --vae E, or --flowar F.pth --vae E");
  if (given > 1) throw Error("give one of --model, --var and --flowar, not several");

  ModelChoice choice;
  choice.flag = !by_name.empty() ? "--model" : !var.empty() ? "--var" : "--flowar";
  const std::string& named = !by_name.empty() ? by_name : !var.empty() ? var : flowar;
  const io::ModelRef ref = io::resolve_model(named, vae);
  choice.kind = ref.kind;
  choice.model_path = ref.model_path;
  choice.vae_path = ref.vae_path;

  if (ref.kind != io::ModelKind::kVarTransformer && ref.kind != io::ModelKind::kFlowAr)
    throw Error(ref.model_path + " is a " + io::model_kind_name(ref.kind) +
                ", not a VAR or FlowAR transformer" +
                (ref.kind == io::ModelKind::kClassifier ? std::string() : " (a tokenizer goes in --vae)"));
  const io::ModelKind wanted = choice.flag == "--var"      ? io::ModelKind::kVarTransformer
                               : choice.flag == "--flowar" ? io::ModelKind::kFlowAr
                                                           : ref.kind;
  if (ref.kind != wanted)
    throw Error(ref.model_path + " is a " + io::model_kind_name(ref.kind) + " checkpoint, not " +
                family_of(wanted) + ": pass it as " + (ref.kind == io::ModelKind::kFlowAr ? "--flowar" : "--var") +
                " or --model");
  if (choice.vae_path.empty())
    throw Error("no tokenizer for " + ref.model_path + ": give --vae E (none found beside it as " + ref.name +
                "-vae.safetensors)");
  return choice;
}

void reject_foreign_flags(Args& args, const std::vector<std::string>& flags, const ModelChoice& model,
                          const std::string& options_hint) {
  for (const std::string& flag : flags)
    if (args.has(flag))
      throw Error("--" + flag + " is a " + family_of(model.is_flowar() ? io::ModelKind::kVarTransformer
                                                                         : io::ModelKind::kFlowAr) +
                  " option, but " + model.model_path + " is a " + family_of(model.kind) + " model (its options: " +
                  options_hint + ")");
}

}  // namespace vs::cli
