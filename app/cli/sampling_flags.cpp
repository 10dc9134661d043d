#include "app/cli/sampling_flags.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "app/cli/json_writer.h"
#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/generator/describe.h"
#include "core/io/safetensors.h"

namespace vs::cli {

namespace {

const std::vector<std::string> kVarExtraFlags = {"top-k", "top-p", "more-smooth"};
const std::vector<std::string> kFlowArExtraFlags = {"steps", "guidance"};

// `foreign` are the sampling flags of `other`, the family the model is not.
void refuse(Args& args, const std::vector<std::string>& foreign, gen::Family other, const gen::ModelInfo& info,
            const std::string& hint) {
  for (const std::string& flag : foreign)
    if (args.has(flag))
      throw Error("--" + flag + " is a " + gen::family_name(other) + " option, but " + info.model_path + " is a " +
                  gen::family_name(info.family) + " model (its options: --cfg, " + hint + ")");
}

// Each family's extras, read over the model's defaults.
struct ExtraFlags {
  Args& args;
  const gen::ModelInfo& info;
  void operator()(gen::VarExtra& e) const {
    refuse(args, kFlowArExtraFlags, gen::Family::kFlowAr, info, "--top-k, --top-p, --more-smooth");
    e.top_k = static_cast<int>(args.get_int("top-k", e.top_k, 0, 1 << 30));
    e.top_p = args.get_double("top-p", e.top_p, 0.0, 1.0);
    e.more_smooth = args.flag("more-smooth") || e.more_smooth;
  }
  void operator()(gen::FlowArExtra& e) const {
    refuse(args, kVarExtraFlags, gen::Family::kVar, info, "--steps, --guidance");
    e.steps = static_cast<int>(args.get_int("steps", e.steps, 2, 1000));
    e.guidance = args.get_double("guidance", e.guidance, 0.0, 1.0);
  }
};

struct ExtraJson {
  std::string operator()(const gen::VarExtra& e) const {
    return ",\"top_k\":" + std::to_string(e.top_k) + ",\"top_p\":" + json_number(e.top_p) +
           ",\"more_smooth\":" + (e.more_smooth ? "true" : "false");
  }
  std::string operator()(const gen::FlowArExtra& e) const {
    return ",\"steps\":" + std::to_string(e.steps) + ",\"guidance\":" + json_number(e.guidance);
  }
};

}  // namespace

gen::SamplingRequest sampling_flags(Args& args, const gen::Generator& generator, long count) {
  const gen::ModelInfo& info = generator.info();
  gen::SamplingRequest request = generator.default_request();
  const long label = args.get_int("class", -2, -1, 1L << 30);
  if (label == -2) throw Error("missing required flag --class (0..classes-1, or -1 for unconditional)");
  if (label >= info.num_classes)
    throw Error("--class " + std::to_string(label) + " is outside [0, " + std::to_string(info.num_classes) + ") for " +
                info.model_path + " (-1 = unconditional)");
  request.labels.assign(static_cast<size_t>(count), label);
  request.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, std::numeric_limits<long>::max()));
  read_sampling_options(args, info, request);
  return request;
}

void read_sampling_options(Args& args, const gen::ModelInfo& info, gen::SamplingRequest& request) {
  request.cfg = args.get_double("cfg", request.cfg, 0.0, 1e4);
  request.attention = args.get("attention", request.attention);
  request.accel = args.get("accel", request.accel);
  std::visit(ExtraFlags{args, info}, request.extra);
  gen::accel_plan(info, request);  // a spec that does not fit the model: refused before any work
}


std::string request_json(const gen::SamplingRequest& request) {
  return "{\"cfg\":" + json_number(request.cfg) + ",\"attention\":" + json_string(request.attention) +
         ",\"accel\":" + json_string(request.accel) +
         std::visit(ExtraJson{}, request.extra) + "}";
}

io::ModelRef model_ref_flag(Args& args) {
  const std::string by_name = args.get("model", ""), var = args.get("var", ""), flowar = args.get("flowar", "");
  const std::string vae = args.get("vae", "");
  const int given = !by_name.empty() + !var.empty() + !flowar.empty();
  if (given == 0)
    throw Error("no model: give --model NAME|PATH, or --var V.pth --vae E, or --flowar F.pth --vae E");
  if (given > 1) throw Error("give one of --model, --var and --flowar, not several");

  const std::string& named = !by_name.empty() ? by_name : !var.empty() ? var : flowar;
  io::ModelRef ref = io::resolve_model(named, vae);
  ref.precision = precision_flag(args);
  if (ref.kind != io::ModelKind::kVarTransformer && ref.kind != io::ModelKind::kFlowAr)
    throw Error(ref.model_path + " is a " + io::model_kind_name(ref.kind) + ", not a VAR or FlowAR transformer" +
                (ref.kind == io::ModelKind::kClassifier ? std::string() : " (a tokenizer goes in --vae)"));
  // --var and --flowar name the kind they expect; --model takes the file's.
  const io::ModelKind wanted = !var.empty()      ? io::ModelKind::kVarTransformer
                               : !flowar.empty() ? io::ModelKind::kFlowAr
                                                 : ref.kind;
  if (ref.kind != wanted)
    throw Error(ref.model_path + " is a " + io::model_kind_name(ref.kind) + " checkpoint, not " +
                (wanted == io::ModelKind::kFlowAr ? "FlowAR" : "VAR") + ": pass it as " +
                (ref.kind == io::ModelKind::kFlowAr ? "--flowar" : "--var") + " or --model");
  if (ref.vae_path.empty())
    throw Error("no tokenizer for " + ref.model_path + ": give --vae E (none found beside it as " + ref.name +
                "-vae.safetensors)");
  return ref;
}

WeightPrecision precision_flag(Args& args) {
  try {
    return parse_precision(args.get("precision", "fp32"));
  } catch (const Error& e) {
    throw Error(std::string("--precision: ") + e.what());
  }
}

std::vector<int> patch_nums_flag(Args& args) {
  const std::string text = args.get("patch-nums", "");
  if (text.empty()) return {};
  return attention::parse_pyramid(text);
}

gen::Pyramid read_prefix(const std::string& path, const gen::ModelInfo& info, int keep_scales, long count) {
  if (keep_scales < 0 || keep_scales > info.num_scales())
    throw Error("--keep-scales " + std::to_string(keep_scales) + " is outside [0, " + std::to_string(info.num_scales()) +
                "], the model's scales");
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  gen::Pyramid prefix;
  auto pick_row = [&](int64_t rows, int64_t b) { return rows == 1 ? 0 : b; };
  if (file.contains("ids")) {  // VAR's token file: ids I64 [B, L], scales concatenated
    const Shape& shape = file.info("ids").shape;
    int64_t L = 0;
    for (int side : info.scales) L += int64_t(side) * side;
    if (shape.size() != 2 || shape[1] != L || (shape[0] != 1 && shape[0] != count))
      throw Error(path + ": tensor 'ids' has shape " + shape_to_string(shape) + ", expected (1 or " +
                  std::to_string(count) + ", " + std::to_string(L) + ") for this model's scales");
    const std::vector<int64_t> ids = file.read_int64("ids");
    int64_t begin = 0;
    for (int k = 0; k < keep_scales; ++k) {
      const int64_t n = int64_t(info.scales[k]) * info.scales[k];
      gen::ScaleCode code;
      for (int64_t b = 0; b < count; ++b)
        for (int64_t j = 0; j < n; ++j) code.ids.push_back(ids[pick_row(shape[0], b) * L + begin + j]);
      prefix.push_back(std::move(code));
      begin += n;
    }
    return prefix;
  }
  for (int k = 0; k < keep_scales; ++k) {  // FlowAR's token file: tokens_s<k> (B, s², C)
    const std::string key = "tokens_s" + std::to_string(k);
    if (!file.contains(key))
      throw Error(path + ": neither 'ids' (a VAR token file) nor '" + key + "' (a FlowAR token file) — write it with " +
                  "varscope-cli encode");
    const Tensor tokens = file.read_float(key);
    const int64_t n = int64_t(info.scales[k]) * info.scales[k];
    if (tokens.rank() != 3 || tokens.dim(1) != n || (tokens.dim(0) != 1 && tokens.dim(0) != count))
      throw Error(path + ": tensor '" + key + "' has shape " + tokens.shape_str() + ", expected (1 or " +
                  std::to_string(count) + ", " + std::to_string(n) + ", C)");
    const int64_t c = tokens.dim(2);
    Tensor rows({count, n, c});
    for (int64_t b = 0; b < count; ++b)
      std::copy_n(tokens.data.begin() + pick_row(tokens.dim(0), b) * n * c, n * c, rows.data.begin() + b * n * c);
    prefix.push_back({{}, std::move(rows), {}});
  }
  return prefix;
}

}  // namespace vs::cli
