#include "app/cli/commands.h"

#include "core/error.h"

namespace vs::cli {

std::string usage() {
  return
      "varscope-cli — VARScope's command line\n"
      "\n"
      "  attention --qkv IN.safetensors [--pyramid 1,2,3] [--variant SPEC] [--scale X]\n"
      "            --out OUT.safetensors      run one attention variant on q, k, v [H, L, d]\n"
      "  threshold --tokens L --head-dim d --beta B [--eps E]\n"
      "                                       theory numbers: threshold, zone, degree, rank\n"
      "  bench attention [--sides 8,16,32] [--head-dim 8] [--bound 0.5] [--variants LIST]\n"
      "            [--heads H] [--repeats 5] [--json OUT.json]\n"
      "                                       runtime scaling of attention variants\n"
      "  bench gemm [--size N]                this machine's float32 GEMM rate\n"
      "  demo                                 a short tour: threshold numbers and a small benchmark\n"
      "\n"
      "Errors print one line and exit with code 2.\n";
}

int run_command(const std::string& command, Args& args) {
  if (command == "attention") return command_attention(args);
  if (command == "threshold") return command_threshold(args);
  if (command == "bench") return command_bench(args);
  if (command == "demo") return command_demo(args);
  throw Error("unknown command '" + command + "' (try: attention, threshold, bench, demo)");
}

}  // namespace vs::cli
