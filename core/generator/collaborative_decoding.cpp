#include "core/generator/collaborative_decoding.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/io/model_ref.h"

namespace vs::gen {

namespace {

// Whether two files hold the same bytes (a tokenizer copied beside a drafter is the same
// tokenizer under another path).
bool same_file_contents(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  if (!fa || !fb) return false;
  fa.seekg(0, std::ios::end), fb.seekg(0, std::ios::end);
  if (fa.tellg() != fb.tellg()) return false;
  fa.seekg(0), fb.seekg(0);
  std::vector<char> ba(1 << 20), bb(1 << 20);
  while (fa && fb) {
    fa.read(ba.data(), ba.size()), fb.read(bb.data(), bb.size());
    if (fa.gcount() != fb.gcount() || std::memcmp(ba.data(), bb.data(), size_t(fa.gcount())) != 0) return false;
  }
  return true;
}

// The drafter must sample the same pyramid the refiner reads: same family, scales, image
// side, classes and codebook, and the same tokenizer file.
void check_drafter(const ModelInfo& refiner, const ModelInfo& drafter, const std::string& spec) {
  auto refuse = [&](const std::string& why) {
    throw Error("acceleration '" + spec + "': the drafter " + drafter.model_path + " cannot draft for " +
                refiner.model_path + ": " + why);
  };
  if (drafter.family != refiner.family)
    refuse(std::string("it is a ") + family_name(drafter.family) + " model, the loaded one " + family_name(refiner.family));
  if (drafter.scales != refiner.scales) refuse("its scales differ");
  if (drafter.image_side != refiner.image_side || drafter.codebook_size != refiner.codebook_size)
    refuse("its tokenizer's image side or codebook differs");
  if (drafter.num_classes != refiner.num_classes) refuse("its class count differs");
  if (drafter.vae_path != refiner.vae_path && !same_file_contents(drafter.vae_path, refiner.vae_path))
    refuse("its tokenizer " + drafter.vae_path + " is not the loaded model's " + refiner.vae_path);
}

class CollaborativeGenerator final : public Generator {
 public:
  explicit CollaborativeGenerator(std::unique_ptr<Generator> inner) : inner_(std::move(inner)) {}
  const ModelInfo& info() const override { return inner_->info(); }
  SamplingRequest default_request() const override { return inner_->default_request(); }
  Pyramid encode(const Tensor& image) const override { return inner_->encode(image); }
  Tensor decode_scale(const Pyramid& pyramid, int scale) const override { return inner_->decode_scale(pyramid, scale); }

  SampleResult sample(const SamplingRequest& request, GenerationObserver* observer) const override {
    const accel::AccelPlan plan = accel_plan(info(), request);
    if (plan.code_drafter.empty()) return inner_->sample(request, observer);
    SamplingRequest rest = request;
    rest.accel = accel::without_collaborative_decoding(request.accel);
    const int drafted = plan.code_switch;
    if (drafted == 0) return inner_->sample(rest, observer);  // nothing drafted: the loaded model alone
    const std::shared_ptr<const Generator> drafter = drafter_for(plan.code_drafter, request.accel);

    // The drafter samples scales 0…N−1 (a request's own kept scales stay kept); its
    // attention is another model's, so it runs without the observer.
    SamplingRequest draft = rest;
    draft.stop_after = drafted - 1;
    draft.decode_each_scale = false;
    draft.decode_final = false;
    SampleResult drafted_result = drafter->sample(draft, nullptr);
    if (drafted_result.cancelled || drafted_result.scales_done < drafted) {
      drafted_result.cancelled = true;
      drafted_result.image01 = Tensor();
      return drafted_result;
    }
    // The loaded model: the drafted maps as its teacher-forced prefix, then the rest.
    SamplingRequest refine = rest;
    refine.keep_scales = std::max(drafted, request.keep_scales);
    refine.prefix.clear();
    for (int k = 0; k < refine.keep_scales; ++k)
      refine.prefix.push_back(k < request.keep_scales ? request.prefix[k] : drafted_result.pyramid[k]);
    return inner_->sample(refine, observer);
  }

 private:
  // The drafter, opened once and kept while the spec names it.
  std::shared_ptr<const Generator> drafter_for(const std::string& name, const std::string& spec) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (drafter_ && drafter_name_ == name) return drafter_;
    io::ModelRef ref = io::resolve_model(name);
    ref.precision = info().precision;  // the drafter's weights in the loaded model's precision
    std::shared_ptr<const Generator> opened = open_generator(ref);
    check_drafter(info(), opened->info(), spec);
    drafter_ = std::move(opened), drafter_name_ = name;
    return drafter_;
  }

  std::unique_ptr<Generator> inner_;
  mutable std::mutex mutex_;
  mutable std::string drafter_name_;
  mutable std::shared_ptr<const Generator> drafter_;
};

}  // namespace

std::unique_ptr<Generator> with_collaborative_decoding(std::unique_ptr<Generator> inner) {
  return std::make_unique<CollaborativeGenerator>(std::move(inner));
}

}  // namespace vs::gen
