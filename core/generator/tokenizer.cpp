#include "core/generator/tokenizer.h"

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/model_kind.h"
#include "core/io/model_ref.h"
#include "core/nn/denormals.h"
#include "core/var/var_model.h"
#include "core/var/vqvae.h"

namespace vs::gen {
namespace {

// A Generator's own tokenizer.
class GeneratorTokenizer final : public Tokenizer {
 public:
  explicit GeneratorTokenizer(std::unique_ptr<Generator> generator) : generator_(std::move(generator)) {}
  const std::string& path() const override { return generator_->info().vae_path; }
  int image_side() const override { return generator_->info().image_side; }
  const std::vector<int>& scales() const override { return generator_->info().scales; }
  Pyramid encode(const Tensor& image) const override { return generator_->encode(image); }
  Tensor decode_scale(const Pyramid& pyramid, int scale) const override {
    return generator_->decode_scale(pyramid, scale);
  }

 private:
  std::unique_ptr<Generator> generator_;
};

// VAR's multi-scale VQ-VAE: token ids per scale; a scale's picture decodes f_hat of the
// scales up to it (var.md §2.5), as VarGenerator::decode_scale does.
class VqvaeTokenizer final : public Tokenizer {
 public:
  VqvaeTokenizer(const std::string& path, const io::Checkpoint& checkpoint, const std::vector<int>& scales_flag)
      : path_(path) {
    nn::flush_denormals_on_all_threads();  // the encoder's and decoder's convolutions meet tiny values
    scales_ = var::vae_patch_nums(checkpoint, scales_flag);
    vae_ = std::make_unique<var::Vqvae>(var::Vqvae::load(checkpoint, scales_));
  }
  const std::string& path() const override { return path_; }
  int image_side() const override { return vae_->image_side(); }
  const std::vector<int>& scales() const override { return scales_; }
  Pyramid encode(const Tensor& image) const override {
    Pyramid pyramid;
    for (std::vector<int64_t>& ids : vae_->encode_ids(image)) pyramid.push_back({std::move(ids), {}, {}});
    return pyramid;
  }
  Tensor decode_scale(const Pyramid& pyramid, int scale) const override {
    if (scale < 0 || scale >= int(pyramid.size()))
      throw Error(path_ + ": no scale " + std::to_string(scale) + " in a pyramid of " + std::to_string(pyramid.size()));
    const var::Quantizer& quantizer = vae_->quantize;
    const int64_t n0 = quantizer.tokens_in_scale(0);
    const int batch = static_cast<int>(pyramid[0].ids.size() / n0);
    Tensor f_hat = quantizer.zero_fhat(batch);
    for (int k = 0; k <= scale; ++k) {
      if (int64_t(pyramid[k].ids.size()) != batch * quantizer.tokens_in_scale(k))
        throw Error(path_ + ": scale " + std::to_string(k) + " of the pyramid has " +
                    std::to_string(pyramid[k].ids.size()) + " ids, expected " +
                    std::to_string(batch * quantizer.tokens_in_scale(k)));
      quantizer.add_scale(f_hat, k, quantizer.embed(pyramid[k].ids, batch, quantizer.patch_nums[k]));
    }
    return vae_->decode_fhat_01(f_hat);
  }

 private:
  std::string path_;
  std::vector<int> scales_;
  std::unique_ptr<var::Vqvae> vae_;
};

}  // namespace

std::unique_ptr<Tokenizer> open_tokenizer(const io::ModelRef& ref, const std::vector<int>& scales) {
  if (ref.kind == io::ModelKind::kVarTransformer) {
    if (ref.vae_path.empty())
      throw Error(ref.model_path + ": no tokenizer found beside it (" + ref.name + "-vae.safetensors); give --vae");
    return std::make_unique<VqvaeTokenizer>(ref.vae_path, io::load_checkpoint(ref.vae_path), scales);
  }
  return std::make_unique<GeneratorTokenizer>(open_generator(ref, scales));
}

std::unique_ptr<Tokenizer> open_tokenizer(const std::string& vae_path, const std::vector<int>& scales) {
  const io::Checkpoint checkpoint = io::load_checkpoint(vae_path);
  const io::ModelKind kind = io::detect_model_kind(checkpoint);
  if (kind == io::ModelKind::kKlVae)
    throw Error(vae_path + " is a KL-16 VAE, whose scales come from its FlowAR model: give --model or --flowar");
  if (kind != io::ModelKind::kVarVqVae)
    throw Error(vae_path + " is a " + io::model_kind_name(kind) + ", not a tokenizer (a VAR VQ-VAE for --vae alone)");
  return std::make_unique<VqvaeTokenizer>(vae_path, checkpoint, scales);
}

}  // namespace vs::gen
