// The flags of every model command: which model (--model | --var | --flowar, --vae,
// --patch-nums), and the sampling flags read into the Generator's request — the common
// ones (--class, --seed, --cfg, --attention) and the extras of the model's family, with the
// model's own defaults (Generator::default_request), the same the explorer shows.
#pragma once
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "core/generator/generator.h"
#include "core/io/model_ref.h"

namespace vs::cli {

// --class C (required: 0..classes−1, or −1 for unconditional) repeated `count` times,
// --seed, --cfg, --attention, --accel (core/accel/accel_spec.h) and the family's extras (VAR: --top-k, --top-p, --more-smooth;
// FlowAR: --steps, --guidance). A flag of the other family is one vs::Error naming the
// options that apply.
gen::SamplingRequest sampling_flags(Args& args, const gen::Generator& generator, long count = 1);
// The same without --class and --seed: --cfg, --attention and the family's extras over
// `request` (the model's default_request()).
void read_sampling_options(Args& args, const gen::ModelInfo& info, gen::SamplingRequest& request);

// The same as a JSON object: {"cfg":4,"attention":"exact","top_k":900,...}.
std::string request_json(const gen::SamplingRequest& request);

// The model flags as a reference open_generator takes: `--model NAME|PATH` (a shipped name
// or any checkpoint, kind told from the file), or the explicit `--var V` / `--flowar F`,
// each with `--vae E` or the tokenizer found beside it as <stem>-vae.safetensors. One
// vs::Error when none or several are given, when the file is not a generator (a
// tokenizer, a classifier), when --var names a FlowAR file or --flowar a VAR file, or when
// no tokenizer is given or found. --precision (precision_flag) goes into the reference.
io::ModelRef model_ref_flag(Args& args);

// --precision fp32|bf16 (default fp32): how the transformers' Linear weights are stored.
WeightPrecision precision_flag(Args& args);

// --patch-nums 1,2,3: the model's scale schedule overridden (empty when not given).
std::vector<int> patch_nums_flag(Args& args);

// A prefix file from `encode`: VAR's `ids` I64 [B, L] or FlowAR's `tokens_s<k>` (B, s², C),
// its first keep_scales scales with `count` rows each (a file of one row is repeated).
gen::Pyramid read_prefix(const std::string& path, const gen::ModelInfo& info, int keep_scales, long count);

}  // namespace vs::cli
