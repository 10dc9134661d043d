#include "app/cli/commands.h"

#include "core/error.h"

namespace vs::cli {

std::string usage() {
  return
      "varscope-cli — VARScope's command line\n"
      "\n"
      "  generate --var V --vae E [--patch-nums 1,2,3] --class C --seed S [--cfg 4 --top-k 900\n"
      "            --top-p 0.95 --more-smooth] [--attention SPEC] [--count N]\n"
      "            (--out O.png | --out-dir D) [--scales-dir D] [--prefix T --keep-scales k]\n"
      "                                       sample images with VAR, coarse to fine\n"
      "  replay --var V --vae E [--patch-nums] --tokens T.safetensors --out O.safetensors [--attention SPEC]\n"
      "                                       re-run given token ids; write logits, f_hat, image\n"
      "  encode --vae E --image IN.png [--patch-nums] [--class C] --out T.safetensors [--scales-dir D]\n"
      "                                       an image's token pyramid and per-scale reconstructions\n"
      "  inspect --var V --vae E --class C --seed S --out-dir D [--step K --layer I --head H\n"
      "            --eps E --attention SPEC]     norms.csv per step/layer/head and attention heat maps\n"
      "  attention --qkv IN.safetensors [--pyramid 1,2,3] [--variant SPEC] [--scale X]\n"
      "            --out OUT.safetensors      run one attention variant on q, k, v [H, L, d]\n"
      "  threshold --tokens L --head-dim d --beta B [--eps E]\n"
      "                                       theory numbers: threshold, zone, degree, rank\n"
      "  bench attention [--sides 8,16,32] [--head-dim 8] [--bound 0.5] [--variants LIST]\n"
      "            [--heads H] [--repeats 5] [--json OUT.json]\n"
      "                                       runtime scaling of attention variants\n"
      "  bench gemm [--size N]                this machine's float32 GEMM rate and exact attention's\n"
      "  bench generate [--depth 16] [--random-weights | --var V --vae E] [--json OUT]\n"
      "                                       time a full 256 px VAR generation, peak memory\n"
      "  demo                                 a short tour: threshold numbers and a small benchmark\n"
      "\n"
      "Errors print one line and exit with code 2.\n";
}

int run_command(const std::string& command, Args& args) {
  if (command == "attention") return command_attention(args);
  if (command == "threshold") return command_threshold(args);
  if (command == "bench") return command_bench(args);
  if (command == "demo") return command_demo(args);
  if (command == "generate") return command_generate(args);
  if (command == "replay") return command_replay(args);
  if (command == "encode") return command_encode(args);
  if (command == "inspect") return command_inspect(args);
  throw Error("unknown command '" + command +
              "' (try: generate, replay, encode, inspect, attention, threshold, bench, demo)");
}

}  // namespace vs::cli
