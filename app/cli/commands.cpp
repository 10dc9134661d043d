#include "app/cli/commands.h"

#include "core/error.h"
#include "core/io/output_file.h"

namespace vs::cli {

std::string usage() {
  return
      "varscope-cli — VARScope's command line\n"
      "\n"
      "  generate MODEL --class C --seed S [--attention SPEC] [--accel SPEC] [--count N]\n"
      "            (--out O.png | --out-dir D)\n"
      "            [--scales-dir D]\n"
      "            [--prefix T --keep-scales k]  (T from encode: keep its first k scales)\n"
      "            VAR:    [--cfg 4 --top-k 900 --top-p 0.95 --more-smooth] [--patch-nums 1,2,3]\n"
      "            FlowAR: [--steps 25 --cfg 4.3 --guidance 0.9]\n"
      "                                       sample images coarse to fine; D/{class}_{index}.png\n"
      "  replay MODEL --tokens T.safetensors --out O.safetensors [--attention SPEC] [sampling flags]\n"
      "            VAR: labels I64 [B], ids I64 [B, L] given -> logits, f_hat per scale, image\n"
      "            FlowAR: labels I64 [B], noise_s{k} [B, s², 16] given [--steps --cfg --guidance]\n"
      "                    -> sample_s{k}, cond_s{k}, raw image\n"
      "                                       re-run given tokens or noise, write every scale\n"
      "  encode (--vae E | MODEL) --image IN.png [--fit crop|pad] [--patch-nums] [--class C] --out T.safetensors\n"
      "            [--scales-dir D]           VAR: ids [1, L]; FlowAR (MODEL only): tokens_s{k};\n"
      "                                       both: recon_s{k}, [labels]\n"
      "                                       an image's token pyramid and per-scale reconstructions\n"
      "  edit MODEL --image IN.png [--fit crop|pad] (--mask MASK.png | --box y0,x0,y1,x1) [--outpaint] [--class C]\n"
      "            [--seed S] [--count N] (--out O.png | --out-dir D) [--scales-dir D]\n"
      "            [sampling flags; VAR's edit defaults: --cfg 3 --top-k 900 --top-p 0.95 and\n"
      "            more-smooth on (--no-more-smooth)]\n"
      "                                       zero-shot editing: the mask's white (or the box, in\n"
      "                                       fractions of the image) is generated, the rest kept from\n"
      "                                       the image; --outpaint swaps them; --class C edits toward C\n"
      "  inspect MODEL --class C --seed S --out-dir D [--step K --layer I --head H --eps E\n"
      "            --attention SPEC] [with a flownet (FlowAR): --flow-layer J --euler-step E]\n"
      "                                       norms.csv per module/scale/Euler step/block/head and\n"
      "                                       heat maps <module>_attn_s{K}[_e{E}]_l{I}[_cross]_h{H}.png\n"
      "  criterion MODEL [--samples 4] [--eps 1e-3] [--csv F] [--json F] [--cfg X --attention SPEC]\n"
      "                                       per scale, block and head over N generations: max |Q|, |K|,\n"
      "                                       B_eff/sqrt(ln L), zone, degree for eps; heads per zone; verdict\n"
      "  attention --qkv IN.safetensors [--pyramid 1,2,3] [--variant SPEC] [--scale X]\n"
      "            --out OUT.safetensors      run one attention variant on q, k, v [H, L, d]\n"
      "  threshold --tokens L --head-dim d --beta B [--eps E]\n"
      "                                       theory numbers: threshold, zone, degree, rank\n"
      "  bench attention [--sides 16,24,32] [--pyramid geometric[:scales=10]|official]\n"
      "            [--variants LIST] [--head-dim 8] [--bound 0.5] [--heads H] [--samples 5]\n"
      "            [--min-sample-ms 20] [--clock wall|cpu] [--quadratic-max-side 256]\n"
      "            [--gemm-gflops G] [--json OUT]\n"
      "                                       runtime scaling of attention variants beside their\n"
      "                                       cost model at this machine's GEMM rate, with slopes\n"
      "  bench gemm [--size N]                this machine's float32 GEMM rate and exact attention's\n"
      "  bench generate [--depth 16 | --flowar-size S|L|H] [--random-weights | MODEL] [--precision P]\n"
      "            [--json OUT]"
      "            [--class 207 --seed 0] [the model's sampling flags]\n"
      "                                       time a full generation per module and part, peak memory\n"
      "  eval --model fmnist-var [--samples-per-class 100] [--cfg X] [--seed S] [--precision P]\n"
      "            [--json OUT]\n"
      "                                       class accuracy and Frechet distance of generated images\n"
      "  pareto (MODEL | --depth 16 | --flowar-size S) [--images 8 | --samples-per-class N] [--seed S]\n"
      "            [--json OUT] [--csv OUT]\n"
      "            [--methods \"none;skip:after=-2;fastvar\"] [--attentions \"exact;svd:rank=8\"]\n"
      "            [the model's sampling flags]\n"
      "                                       speed and closeness to the exact run, per method\n"
      "  calibrate MODEL [--target-mass 0.95] [--generations 4] [--seed S] [--shape band|square]\n"
      "            [--drop-below X] [--out widths.json] [the model's sampling flags]\n"
      "                                       VAR: per layer, head, scale and key block the smallest\n"
      "                                       window keeping that share of softmax mass (LiteVAR);\n"
      "                                       use it as --attention window:widths=widths.json\n"
      "  demo                                 a short tour: threshold numbers and a small benchmark\n"
      "\n"
      "--accel SPEC (generate, inspect, eval, bench generate): acceleration methods joined by '+':\n"
      "  skip:after=K, cfg-drop[:from=K][:guidance=G], FlowAR steps:n=N | steps:per=N0,N1,...,\n"
      "  VAR fastvar[:cache=SIDE][:prune=SIDE@SHARE,...], VAR cfg-share[:from=K],\n"
      "  code:drafter=MODEL[:switch=K] (CoDe: MODEL drafts scales 0..K-1, the loaded model refines the rest);\n"
      "  [D] = extrapolated (spec/acceleration.md)\n"
      "  (K a scale index, negative from the end; none = the exact run)\n"
      "--fit: a picture that is not square is centre-cropped (crop, the default) or letterboxed onto\n"
      "its border's mean colour (pad) before it is resampled to the model's side.\n"
      "MODEL: --model NAME|PATH (a shipped name, or a checkpoint whose tokenizer sits beside it\n"
      "as <stem>-vae.safetensors or is given by --vae), or --var V --vae E, or --flowar F --vae E;\n"
      "with --precision fp32|bf16: the transformers' Linear weights in float32 (the default and\n"
      "the reference) or bfloat16 (half the memory, float32 sums; AVX512_BF16 where the CPU has it).\n"
      "Errors print one line and exit with code 2.\n";
}

namespace {

// Every output flag of every command is checked before the command's work: a bad --out
// used to fail only after the generation, leaving the other files behind.
void check_output_flags(const Args& args) {
  for (const char* flag : {"out", "json", "csv"})
    if (const std::string* path = args.peek(flag)) io::check_output_file(*path, std::string("--") + flag + " file");
  for (const char* flag : {"out-dir", "scales-dir"})
    if (const std::string* dir = args.peek(flag)) io::check_output_directory(*dir, std::string("--") + flag + " folder");
}

}  // namespace

int run_command(const std::string& command, Args& args) {
  check_output_flags(args);
  if (command == "attention") return command_attention(args);
  if (command == "threshold") return command_threshold(args);
  if (command == "bench") return command_bench(args);
  if (command == "demo") return command_demo(args);
  if (command == "generate") return command_generate(args);
  if (command == "replay") return command_replay(args);
  if (command == "encode") return command_encode(args);
  if (command == "edit") return command_edit(args);
  if (command == "inspect") return command_inspect(args);
  if (command == "criterion") return command_criterion(args);
  if (command == "eval") return command_eval(args);
  if (command == "pareto") return command_pareto(args);
  if (command == "calibrate") return command_calibrate(args);
  throw Error("unknown command '" + command +
              "' (try: generate, replay, encode, edit, inspect, criterion, eval, pareto, calibrate, attention, threshold, "
              "bench, demo)");
}

}  // namespace vs::cli
