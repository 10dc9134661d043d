// varscope-cli bench attention | gemm | generate: the dispatch, and bench gemm (this machine's
// GEMM and exact-attention rates under the timing protocol, core/timing_protocol.h).
#include <cmath>
#include <cstdio>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "app/cli/progress_line.h"
#include "core/attention/attention_rate.h"
#include "core/attention/gemm_rate.h"
#include "core/error.h"
#include "core/io/output_file.h"
#include "core/nn/gemm.h"
#include "core/nn/gemm_rate.h"
#include "core/timing_protocol.h"

namespace vs::cli {

namespace {

int bench_gemm(Args& args) {
  const int size = int(args.get_int("size", 1024, 16, 8192));
  const int tokens = int(args.get_int("tokens", 4096, 16, 65536));
  const int head_dim = int(args.get_int("head-dim", 64, 1, 1024));
  const std::string json_path = args.get("json", "");
  args.finish();
  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  progress_line("bench gemm", "timing Eigen's %dx%dx%d product, 5 repeats", size, size, size);
  std::printf("timing: %s\n", describe_timing_protocol(TimingProtocol{}, machine.threads).c_str());
  const double gemm = attention::measure_gemm_gflops(size, 5);
  std::printf("float32 GEMM %dx%dx%d (Eigen): %.1f GFLOP/s\n", size, size, size, gemm);
  // The models' own product: activations times a weight packed at load.
  progress_line("bench gemm", "timing the model GEMM (%s kernel), 5 repeats at two shapes", nn::gemm_kernel_name());
  const double model_square = nn::measure_packed_gemm_gflops(size, size, size, 5);
  const double model_flowar = nn::measure_packed_gemm_gflops(512, 6144, 1024, 5);
  std::printf("model GEMM, %s kernel, packed weight %dx%dx%d: %.1f GFLOP/s; 512x6144x1024 (FlowAR-S ada_lin): %.1f GFLOP/s\n",
              nn::gemm_kernel_name(), size, size, size, model_square, model_flowar);
  const int heads = 2;
  progress_line("bench gemm", "timing exact attention L=%d d=%d H=%d", tokens, head_dim, heads);
  const double attn = attention::measure_exact_attention_gflops(tokens, head_dim, 5, heads);
  std::printf("exact attention L=%d d=%d H=%d (plain, 4·L²·d flops per head): %.1f GFLOP/s = %.0f%% of GEMM\n",
              tokens, head_dim, heads, attn, 100.0 * attn / gemm);
  if (!json_path.empty())
    io::write_file_atomically(json_path, "{\"machine\":" + machine_info_json(machine) + ",\"gemm_gflops\":" +
                                   json_number(gemm) + ",\"model_gemm_kernel\":\"" + nn::gemm_kernel_name() +
                                   "\",\"model_gemm_gflops\":" + json_number(model_square) +
                                   ",\"model_gemm_flowar_ada_gflops\":" + json_number(model_flowar) + ",\"attention_gflops\":" + json_number(attn) +
                                   ",\"tokens\":" + std::to_string(tokens) + ",\"head_dim\":" +
                                   std::to_string(head_dim) + "}\n");
  return 0;
}

}  // namespace

int command_bench(Args& args) {
  const std::string what = args.positional(0);
  if (what == "attention") return bench_attention(args);
  if (what == "gemm") return bench_gemm(args);
  if (what == "generate") return bench_generate(args);
  throw Error("bench: expected 'attention', 'gemm' or 'generate', got '" + what + "'");
}

}  // namespace vs::cli
