// varscope-cli replay: re-runs a generation with what is normally drawn given instead —
// VAR token ids (-> both CFG halves' raw logits, f_hat after every scale, the image) or
// FlowAR's initial noise per scale (-> every scale's sample and AR condition, the image) —
// and writes every scale (gen::ParityReplay, which holds the family formats). Re-renders
// and scores token sequences, re-runs one noise draw under another attention variant or
// sampling setting, and is the parity harness against the reference's fixtures.
#include <cstdio>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/sampling_flags.h"
#include "core/error.h"
#include "core/attention/attention.h"
#include "core/generator/parity_replay.h"

namespace vs::cli {

int command_replay(Args& args) {
  const io::ModelRef ref = model_ref_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const std::string tokens_path = args.require("tokens");
  const std::string out_path = args.require("out");

  const std::unique_ptr<gen::ParityReplay> replay = gen::open_parity_replay(ref, scales);
  const gen::Generator& generator = replay->generator();
  gen::SamplingRequest request = generator.default_request();
  read_sampling_options(args, generator.info(), request);
  args.finish();
  if (request.accel != "none")
    throw Error("replay re-runs given tokens or noise exactly; --accel " + request.accel + " does not apply");
  const std::string attention_spec = attention::make_variant(request.attention)->spec();  // refused here if unknown

  gen::ReplayOutput out = replay->replay(tokens_path, request);
  out.file.set_metadata("vae", generator.info().vae_path);
  out.file.set_metadata("tokens", tokens_path);
  out.file.set_metadata("attention", attention_spec);
  out.file.write(out_path);
  std::printf("%s -> %s\n", out.summary.c_str(), out_path.c_str());
  return 0;
}

}  // namespace vs::cli
