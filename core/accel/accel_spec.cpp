#include "core/accel/accel_spec.h"

#include <algorithm>
#include <set>

#include "core/attention/spec_params.h"
#include "core/error.h"
#include "core/number_text.h"

namespace vs::accel {

namespace {

constexpr int kMaxIndex = 1 << 16;  // scale indices; the model's count is checked by plan_accel

attention::SpecParams params_of(const std::string& method) {
  return attention::SpecParams(method, "acceleration", "valid methods: " + valid_accel_specs());
}

// "25,25,12" -> {25, 25, 12}, each in [2, 1000].
std::vector<int> step_list(attention::SpecParams& params, const std::string& text) {
  std::vector<int> steps;
  for (const std::string& item : split_items(text)) {
    const std::optional<long> value = parse_whole_long(item);
    if (!value || *value < 2 || *value > 1000) params.fail("per=" + text + ": '" + item + "' is not a step count in [2, 1000]");
    steps.push_back(static_cast<int>(*value));
  }
  return steps;
}

// "13@0.4,16@0.5" -> {(13, 0.4), (16, 0.5)}: sides and the share of tokens pruned.
std::vector<std::pair<int, double>> prune_list(attention::SpecParams& params, const std::string& text) {
  std::vector<std::pair<int, double>> prune;
  for (const std::string& item : split_items(text)) {
    const std::vector<std::string> parts = split_items(item, '@');
    const std::optional<long> side = parts.size() == 2 ? parse_whole_long(parts[0]) : std::nullopt;
    const std::optional<double> ratio = parts.size() == 2 ? parse_whole_double(parts[1]) : std::nullopt;
    if (!side || !ratio || *side < 1 || *side > kMaxIndex || !(*ratio >= 0 && *ratio < 1))
      params.fail("prune=" + text + ": '" + item + "' is not SIDE@SHARE with a share in [0, 1)");
    for (const auto& [seen, unused] : prune)
      if (seen == *side) params.fail("prune=" + text + " names side " + std::to_string(*side) + " twice");
    prune.emplace_back(static_cast<int>(*side), *ratio);
  }
  return prune;
}

void read_method(const std::string& method, AccelSpec& spec) {
  attention::SpecParams params = params_of(method);
  const std::string& name = params.name();
  if (name == "skip") {
    spec.skip_after = params.get_int("after", -2, -kMaxIndex, kMaxIndex);
  } else if (name == "cfg-drop") {
    // guidance= alone only narrows FlowAR's interval; from= (default -1) is the switch.
    if (params.has("from") || !params.has("guidance")) spec.uncond_from = params.get_int("from", -1, -kMaxIndex, kMaxIndex);
    if (params.has("guidance")) spec.guidance = params.get_double("guidance", 1.0, 0.0, 1.0);
  } else if (name == "steps") {
    if (params.has("n") == params.has("per")) params.fail("give exactly one of n=N and per=N0,N1,...");
    if (params.has("n")) spec.steps = params.get_int("n", 0, 2, 1000);
    else spec.steps_per_scale = step_list(params, params.get_text("per"));
  } else if (name == "fastvar") {
    spec.fastvar = true;
    if (params.has("cache")) spec.fastvar_cache = params.get_int("cache", 0, 1, kMaxIndex);
    if (params.has("prune")) spec.fastvar_prune = prune_list(params, params.get_text("prune"));
  } else if (name == "code") {
    spec.code_drafter = params.get_text("drafter");
    if (spec.code_drafter.empty()) params.fail("code needs drafter=MODEL (a shipped name or a checkpoint path)");
    if (params.has("switch")) spec.code_switch = params.get_int("switch", -2, -kMaxIndex, kMaxIndex);
  } else if (name == "cfg-share") {
    spec.share_cfg_from = params.get_int("from", 0, -kMaxIndex, kMaxIndex);
  } else {
    params.fail("unknown method '" + name + "'");
  }
  params.expect_all_used();
}

}  // namespace

std::string valid_accel_specs() {
  return "none, skip:after=K, cfg-drop[:from=K][:guidance=G], steps:n=N | steps:per=N0,N1,..., "
         "fastvar[:cache=SIDE][:prune=SIDE@SHARE,...], cfg-share[:from=K], code:drafter=MODEL[:switch=K] "
         "(joined by '+'; K a scale index, negative from the end)";
}

AccelSpec parse_accel(const std::string& text) {
  AccelSpec spec;
  if (text.empty() || text == "none") return spec;
  spec.text = text;
  std::set<std::string> seen;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find('+', begin), text.size());
    const std::string method = text.substr(begin, end - begin);
    if (method.empty())
      throw Error("acceleration '" + text + "': an empty method around '+'; valid methods: " + valid_accel_specs());
    const std::string name = method.substr(0, method.find(':'));
    if (!seen.insert(name).second)
      throw Error("acceleration '" + text + "': method '" + name + "' is given twice; valid methods: " +
                  valid_accel_specs());
    if (name == "none")
      throw Error("acceleration '" + text + "': 'none' cannot be joined with other methods; valid methods: " +
                  valid_accel_specs());
    read_method(method, spec);
    begin = end + 1;
  }
  return spec;
}

std::string without_collaborative_decoding(const std::string& spec) {
  std::string kept;
  size_t begin = 0;
  while (begin <= spec.size()) {
    const size_t end = std::min(spec.find('+', begin), spec.size());
    const std::string method = spec.substr(begin, end - begin);
    if (method != "code" && method.rfind("code:", 0) != 0) kept += (kept.empty() ? "" : "+") + method;
    begin = end + 1;
  }
  return kept.empty() ? "none" : kept;
}

}  // namespace vs::accel
