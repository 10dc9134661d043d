// varscope-cli attention: one attention variant over q, k, v from a safetensors file.
#include <chrono>
#include <cstdio>

#include "app/cli/commands.h"
#include "core/attention/attention.h"
#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/finite_values.h"
#include "core/io/safetensors.h"

namespace vs::cli {

int command_attention(Args& args) {
  const std::string in_path = args.require("qkv");
  const std::string out_path = args.require("out");
  const std::string pyramid_text = args.get("pyramid", "");
  if (args.has("pyramid") && pyramid_text.empty())
    throw Error("--pyramid is empty: give the scale sides (e.g. --pyramid 1,2,3), or leave it out for plain attention");
  const std::string variant_spec = args.get("variant", "exact");
  const double scale = args.get_double("scale", -1.0, 0.0, 1e6);
  const bool causal = args.flag("causal");
  args.finish();

  auto variant = attention::make_variant(variant_spec);
  const io::SafetensorsFile file = io::SafetensorsFile::open(in_path);
  for (const char* name : {"q", "k", "v"})
    if (!file.contains(name))
      throw Error(in_path + ": tensor '" + name + "' is missing (expected q, k, v as F32 [H, L, d])");
  const Tensor q = file.read_float("q"), k = file.read_float("k"), v = file.read_float("v");
  check_all_finite(q, in_path + ": tensor 'q'");
  check_all_finite(k, in_path + ": tensor 'k'");
  check_all_finite(v, in_path + ": tensor 'v'");

  attention::Structure structure = attention::Structure::plain();
  if (!pyramid_text.empty()) {
    if (causal) throw Error("--pyramid and --causal are exclusive");
    structure = attention::Structure::block_causal(attention::parse_pyramid(pyramid_text));
  } else if (causal) {
    structure = attention::Structure::causal();
  }
  attention::Options options;
  if (scale >= 0) options.scale = static_cast<float>(scale);

  const auto start = std::chrono::steady_clock::now();
  attention::Result result;
  try {
    result = variant->run(q, k, v, structure, options);
  } catch (const Error& e) {  // shapes, logit range, memory: all about this file's q, k, v
    throw Error(in_path + ": " + e.what());
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (const auto& warning : result.warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());
  check_all_finite(result.out, variant->spec() + " attention output (nothing written)");

  io::SafetensorsWriter writer;
  writer.set_metadata("variant", variant->spec());
  writer.set_metadata("structure", structure.describe());
  writer.set_metadata("source", in_path);
  writer.add("o", result.out);
  writer.write(out_path);
  std::printf("%s %s attention over q %s, k %s: %.3f ms -> %s\n", variant->spec().c_str(),
              structure.describe().c_str(), q.shape_str().c_str(), k.shape_str().c_str(), elapsed_ms,
              out_path.c_str());
  if (!result.summary.empty()) std::printf("  %s\n", result.summary.c_str());
  for (const auto& [key, value] : result.stats) std::printf("  %s = %.6g\n", key.c_str(), value);
  return 0;
}

}  // namespace vs::cli
