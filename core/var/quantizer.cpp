#include "core/var/quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/nn/resample.h"
#include "core/nn/vae_blocks.h"
#include "core/printable.h"

namespace vs::var {
namespace {

// numpy.linspace(start, stop, n) as numpy computes it: i * ((stop - start) / (n - 1)) + start,
// with the last element set to stop exactly. The rounding matters: it breaks the ties.
std::vector<double> numpy_linspace(double start, double stop, int n) {
  std::vector<double> y(n, start);
  if (n > 1) {
    const double step = (stop - start) / double(n - 1);
    for (int i = 0; i < n; ++i) y[i] = double(i) * step + start;
    y[n - 1] = stop;
  }
  return y;
}

void check_fhat(const Quantizer& q, const Tensor& f_hat, const char* what) {
  const int n = q.latent_side();
  if (f_hat.rank() != 4 || f_hat.dim(1) != q.cvae || f_hat.dim(2) != n || f_hat.dim(3) != n)
    throw Error(std::string(what) + ": f_hat must be (B, " + std::to_string(q.cvae) + ", " + std::to_string(n) +
                ", " + std::to_string(n) + "), found " + f_hat.shape_str());
}

void check_scale(const Quantizer& q, int k, const char* what) {
  if (k < 0 || k >= q.num_scales())
    throw Error(std::string(what) + ": scale index " + std::to_string(k) + " outside [0, " +
                std::to_string(q.num_scales()) + ")");
}

}  // namespace

std::vector<int> phi_table(int num_scales, int num_convs) {
  if (num_scales < 1 || num_convs < 1)
    throw Error("phi table: need at least one scale and one phi conv, found " + std::to_string(num_scales) +
                " scales and " + std::to_string(num_convs) + " convs");
  // K = 10 with 4 convs: si = 2 and 7 are exact ties that numpy's rounding resolves (§2.5).
  if (num_scales == 10 && num_convs == 4) return {0, 0, 1, 1, 1, 2, 2, 3, 3, 3};
  if (num_convs == 1) return std::vector<int>(num_scales, 0);  // PhiShared
  // PhiPartiallyShared / PhiNonShared: ticks linspace(1/3/n, 1-1/3/n, n) when n == 4,
  // else linspace(1/2/n, 1-1/2/n, n), written with Python's left-to-right divisions.
  const double n = num_convs;
  const double start = num_convs == 4 ? 1.0 / 3.0 / n : 1.0 / 2.0 / n;
  const double stop = num_convs == 4 ? 1.0 - 1.0 / 3.0 / n : 1.0 - 1.0 / 2.0 / n;
  const std::vector<double> ticks = numpy_linspace(start, stop, num_convs);
  std::vector<int> table(num_scales, 0);
  // si / (K-1) is a division by zero for K = 1 in the reference; a single scale uses conv 0.
  for (int si = 0; si < num_scales && num_scales > 1; ++si) {
    const double at = double(si) / double(num_scales - 1);
    double best = std::numeric_limits<double>::infinity();
    for (int j = 0; j < num_convs; ++j) {
      const double d = std::abs(ticks[j] - at);
      if (d < best) {  // first minimum, as numpy.argmin
        best = d;
        table[si] = j;
      }
    }
  }
  return table;
}

Quantizer Quantizer::load(const io::Checkpoint& ckpt, const std::vector<int>& patch_nums) {
  io::WeightReader params(ckpt);
  Quantizer q = load(params, patch_nums);
  for (const std::string& key : params.unconsumed_keys()) params.drop(key);  // the rest of the VQ-VAE
  params.finish("the quantizer");
  return q;
}

Quantizer Quantizer::load(io::WeightReader& params, const std::vector<int>& patch_nums) {
  if (patch_nums.empty()) throw Error(params.path() + ": patch_nums is empty");
  for (size_t k = 0; k < patch_nums.size(); ++k)
    if (patch_nums[k] < 1 || patch_nums[k] > 1024 || (k && patch_nums[k] <= patch_nums[k - 1]))
      throw Error(params.path() + ": patch_nums must be increasing sides in [1, 1024], found " +
                  std::to_string(patch_nums[k]) + " at position " + std::to_string(k));
  Quantizer q;
  q.patch_nums = patch_nums;
  const std::string emb_key = "quantize.embedding.weight";
  const Tensor& emb = params.peek(emb_key);
  if (emb.rank() != 2)
    throw Error(params.path() + ": " + printable_name(emb_key) + " has shape " + emb.shape_str() + ", expected (V, Cvae)");
  q.vocab = static_cast<int>(emb.dim(0));
  q.cvae = static_cast<int>(emb.dim(1));
  q.embedding = params.take(emb_key, {q.vocab, q.cvae});
  params.drop("quantize.ema_vocab_hit_SV");  // usage statistics for training only (§2.5)

  const auto same = nn::Conv2dPadding::same(1);
  std::vector<std::string> prefixes;
  for (int j = 0; params.has("quantize.quant_resi.qresi_ls." + std::to_string(j) + ".weight"); ++j)
    prefixes.push_back("quantize.quant_resi.qresi_ls." + std::to_string(j));  // partially shared
  if (prefixes.empty() && params.has("quantize.quant_resi.qresi.weight"))
    prefixes.push_back("quantize.quant_resi.qresi");  // fully shared
  if (prefixes.empty())  // non-shared: one per scale
    for (int j = 0; params.has("quantize.quant_resi." + std::to_string(j) + ".weight"); ++j)
      prefixes.push_back("quantize.quant_resi." + std::to_string(j));
  for (const std::string& p : prefixes) q.phi.push_back(nn::load_conv(params, p, q.cvae, q.cvae, 3, 1, same));
  // No phi convs at all means quant_resi = 0: every Phi is the identity.
  q.phi_index = q.phi.empty() ? std::vector<int>(patch_nums.size(), -1)
                              : phi_table(static_cast<int>(patch_nums.size()), static_cast<int>(q.phi.size()));
  return q;
}

Tensor Quantizer::zero_fhat(int batch) const { return Tensor({batch, cvae, latent_side(), latent_side()}); }

Tensor Quantizer::embed(const std::vector<int64_t>& ids, int batch, int side) const {
  const int64_t hw = int64_t(side) * side;
  if (batch < 0 || side < 1 || int64_t(ids.size()) != batch * hw)
    throw Error("quantizer embed: " + std::to_string(ids.size()) + " ids for batch " + std::to_string(batch) +
                " at side " + std::to_string(side) + " (expected batch*side^2)");
  Tensor h({batch, cvae, side, side});
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t p = 0; p < hw; ++p) {
      const int64_t id = ids[b * hw + p];
      if (id < 0 || id >= vocab)
        throw Error("quantizer embed: token id " + std::to_string(id) + " outside the codebook [0, " +
                    std::to_string(vocab) + ")");
      const float* row = embedding.ptr() + id * cvae;
      for (int64_t c = 0; c < cvae; ++c) h.data[(b * cvae + c) * hw + p] = row[c];
    }
  return h;
}

Tensor Quantizer::apply_phi(const Tensor& h, int scale_index) const {
  check_scale(*this, scale_index, "quantizer phi");
  const int j = phi_index[scale_index];
  if (j < 0) return h;
  // Phi(h) = (1 - r) h + r conv(h)  (§2.5)
  Tensor out = phi[j].forward(h);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = h.data[i] * (1.0f - resi_ratio) + out.data[i] * resi_ratio;
  return out;
}

void Quantizer::add_scale(Tensor& f_hat, int scale_index, const Tensor& h_BChw) const {
  check_scale(*this, scale_index, "quantizer add_scale");
  check_fhat(*this, f_hat, "quantizer add_scale");
  const int pn = patch_nums[scale_index], n = latent_side();
  if (h_BChw.rank() != 4 || h_BChw.dim(0) != f_hat.dim(0) || h_BChw.dim(1) != cvae || h_BChw.dim(2) != pn ||
      h_BChw.dim(3) != pn)
    throw Error("quantizer add_scale: h of scale " + std::to_string(scale_index) + " must be (" +
                std::to_string(f_hat.dim(0)) + ", " + std::to_string(cvae) + ", " + std::to_string(pn) + ", " +
                std::to_string(pn) + "), found " + h_BChw.shape_str());
  // Phi runs at the full latent side, after the bicubic upsample (§2.5).
  const Tensor up = pn == n ? h_BChw : nn::interpolate_bicubic(h_BChw, n, n);
  const Tensor h = apply_phi(up, scale_index);
  for (size_t i = 0; i < f_hat.data.size(); ++i) f_hat.data[i] += h.data[i];
}

Tensor Quantizer::next_input(const Tensor& f_hat, int next_scale_index) const {
  check_scale(*this, next_scale_index, "quantizer next_input");
  check_fhat(*this, f_hat, "quantizer next_input");
  const int pn = patch_nums[next_scale_index];
  return pn == latent_side() ? f_hat : nn::interpolate_area(f_hat, pn, pn);
}

Tensor Quantizer::next_input_tokens(const Tensor& f_hat, int next_scale_index) const {
  const Tensor m = next_input(f_hat, next_scale_index);
  const int64_t B = m.dim(0), hw = m.dim(2) * m.dim(3);
  Tensor t({B, hw, cvae});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < cvae; ++c)
      for (int64_t p = 0; p < hw; ++p) t.data[(b * hw + p) * cvae + c] = m.data[(b * cvae + c) * hw + p];
  return t;
}

std::vector<Tensor> Quantizer::ids_to_fhats(const std::vector<std::vector<int64_t>>& ids, int batch) const {
  if (static_cast<int>(ids.size()) != num_scales())
    throw Error("quantizer: " + std::to_string(ids.size()) + " token maps for " + std::to_string(num_scales()) +
                " scales");
  std::vector<Tensor> fhats;
  Tensor f_hat = zero_fhat(batch);
  for (int k = 0; k < num_scales(); ++k) {
    add_scale(f_hat, k, embed(ids[k], batch, patch_nums[k]));
    fhats.push_back(f_hat);
  }
  return fhats;
}

Tensor Quantizer::ids_to_var_input(const std::vector<std::vector<int64_t>>& ids, int batch) const {
  if (static_cast<int>(ids.size()) < num_scales() - 1)
    throw Error("quantizer var input: " + std::to_string(ids.size()) + " token maps, need " +
                std::to_string(num_scales() - 1));
  int64_t rows = 0;
  for (int k = 1; k < num_scales(); ++k) rows += tokens_in_scale(k);
  Tensor out({batch, rows, cvae});
  Tensor f_hat = zero_fhat(batch);
  int64_t offset = 0;
  for (int k = 0; k + 1 < num_scales(); ++k) {
    add_scale(f_hat, k, embed(ids[k], batch, patch_nums[k]));
    const Tensor next = next_input_tokens(f_hat, k + 1);
    const int64_t n = tokens_in_scale(k + 1);
    for (int64_t b = 0; b < batch; ++b)
      std::copy(next.ptr() + b * n * cvae, next.ptr() + (b + 1) * n * cvae,
                out.ptr() + (b * rows + offset) * cvae);
    offset += n;
  }
  return out;
}

std::vector<int64_t> Quantizer::nearest_codes(const Tensor& z_NC) const {
  if (z_NC.rank() != 2 || z_NC.dim(1) != cvae)
    throw Error("quantizer nearest code: z must be (N, " + std::to_string(cvae) + "), found " + z_NC.shape_str());
  const auto Z = as_matrix(z_NC);
  const auto E = as_matrix(embedding);
  const Eigen::VectorXf z_sq = Z.rowwise().squaredNorm();
  const Eigen::RowVectorXf e_sq = E.rowwise().squaredNorm().transpose();
  const RowMatrixF dots = Z * E.transpose();  // (N, V)
  std::vector<int64_t> ids(Z.rows());
  for (int64_t i = 0; i < Z.rows(); ++i) {
    float best = std::numeric_limits<float>::infinity();
    int64_t arg = 0;
    for (int64_t v = 0; v < vocab; ++v) {
      const float d = (z_sq[i] + e_sq[v]) - 2.0f * dots(i, v);
      if (d < best) {
        best = d;
        arg = v;
      }
    }
    ids[i] = arg;
  }
  return ids;
}

std::vector<std::vector<int64_t>> Quantizer::encode_ids(const Tensor& f, std::vector<Tensor>* fhats) const {
  check_fhat(*this, f, "quantizer encode");
  const int64_t B = f.dim(0);
  Tensor f_rest = f;
  Tensor f_hat = zero_fhat(static_cast<int>(B));
  std::vector<std::vector<int64_t>> ids;
  if (fhats) fhats->clear();
  for (int k = 0; k < num_scales(); ++k) {
    const int pn = patch_nums[k];
    const Tensor z = pn == latent_side() ? f_rest : nn::interpolate_area(f_rest, pn, pn);
    const int64_t hw = int64_t(pn) * pn;
    Tensor z_NC({B * hw, cvae});  // rows ordered (b, h, w)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t c = 0; c < cvae; ++c)
        for (int64_t p = 0; p < hw; ++p) z_NC.data[(b * hw + p) * cvae + c] = z.data[(b * cvae + c) * hw + p];
    ids.push_back(nearest_codes(z_NC));
    const Tensor e = embed(ids.back(), static_cast<int>(B), pn);
    const Tensor up = pn == latent_side() ? e : nn::interpolate_bicubic(e, latent_side(), latent_side());
    const Tensor h = apply_phi(up, k);
    for (size_t i = 0; i < f_hat.data.size(); ++i) {
      f_hat.data[i] += h.data[i];
      f_rest.data[i] -= h.data[i];
    }
    if (fhats) fhats->push_back(f_hat);
  }
  return ids;
}

}  // namespace vs::var
