#include "core/var/var_weights.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/io/weight_reader.h"

namespace vs::var {

namespace {

// Scale index of every token (the lvl_1L buffer's content).
std::vector<int> token_scales(const VarConfig& cfg) {
  std::vector<int> scales;
  for (int s = 0; s < cfg.num_scales(); ++s) scales.insert(scales.end(), cfg.scale_tokens(s), s);
  return scales;
}

// A buffer's content problem, or "" when it holds what the config implies.
std::string check_buffer(const VarConfig& cfg, const std::string& key, const Tensor& t) {
  if (key == "lvl_1L") {
    const auto scales = token_scales(cfg);
    for (size_t i = 0; i < scales.size(); ++i)
      if (t.data[i] != float(scales[i]))
        return "'lvl_1L' token " + std::to_string(i) + " has scale " + std::to_string(t.data[i]) +
               ", expected " + std::to_string(scales[i]) + " for patch_nums";
    return {};
  }
  if (key == "attn_bias_for_masking") {
    const auto scales = token_scales(cfg);
    const size_t L = scales.size();
    for (size_t i = 0; i < L; ++i)
      for (size_t j = 0; j < L; ++j) {
        const float b = t.data[i * L + j];
        const bool allowed = scales[j] <= scales[i];  // var.md §3.2
        if (allowed ? b != 0.0f : !(std::isinf(b) && b < 0))
          return "'attn_bias_for_masking' [" + std::to_string(i) + ", " + std::to_string(j) +
                 "] is " + std::to_string(b) + ", not the block-causal mask of these patch_nums";
      }
    return {};
  }
  for (float x : t.data)  // blocks.{i}.attn.zero_k_bias
    if (x != 0.0f) return "'" + key + "' is not all zeros";
  return {};
}

Tensor take(std::map<std::string, Tensor>& taken, const std::string& key) { return std::move(taken.at(key)); }

}  // namespace

std::vector<std::pair<std::string, Shape>> var_parameter_shapes(const VarConfig& cfg) {
  const int64_t C = cfg.width, D = cfg.width, H = cfg.heads, V = cfg.vocab, Cv = cfg.cvae,
                hidden = cfg.mlp_hidden, L = cfg.tokens(), K = cfg.num_scales();
  std::vector<std::pair<std::string, Shape>> keys = {
      {"pos_start", {1, 1, C}},
      {"pos_1LC", {1, L, C}},
      {"word_embed.weight", {C, Cv}},
      {"word_embed.bias", {C}},
      {"class_emb.weight", {cfg.num_classes + 1, C}},
      {"lvl_embed.weight", {K, C}},
  };
  if (cfg.shared_aln) {
    keys.push_back({"shared_ada_lin.1.weight", {6 * C, D}});
    keys.push_back({"shared_ada_lin.1.bias", {6 * C}});
  }
  for (int i = 0; i < cfg.depth; ++i) {
    const std::string p = "blocks." + std::to_string(i) + ".";
    if (cfg.shared_aln) {
      keys.push_back({p + "ada_gss", {1, 1, 6, C}});
    } else {
      keys.push_back({p + "ada_lin.1.weight", {6 * C, D}});
      keys.push_back({p + "ada_lin.1.bias", {6 * C}});
    }
    if (cfg.attn_l2_norm) keys.push_back({p + "attn.scale_mul_1H11", {1, H, 1, 1}});
    keys.push_back({p + "attn.q_bias", {C}});
    keys.push_back({p + "attn.v_bias", {C}});
    keys.push_back({p + "attn.mat_qkv.weight", {3 * C, C}});
    keys.push_back({p + "attn.proj.weight", {C, C}});
    keys.push_back({p + "attn.proj.bias", {C}});
    keys.push_back({p + "ffn.fc1.weight", {hidden, C}});
    keys.push_back({p + "ffn.fc1.bias", {hidden}});
    keys.push_back({p + "ffn.fc2.weight", {C, hidden}});
    keys.push_back({p + "ffn.fc2.bias", {C}});
  }
  keys.push_back({"head_nm.ada_lin.1.weight", {2 * C, D}});
  keys.push_back({"head_nm.ada_lin.1.bias", {2 * C}});
  keys.push_back({"head.weight", {V, C}});
  keys.push_back({"head.bias", {V}});
  return keys;
}

VarWeights take_var_weights(const VarConfig& cfg, io::Checkpoint& ckpt, WeightPrecision precision) {
  const int64_t C = cfg.width, L = cfg.tokens();
  // Buffers: optional, verified when present (var.md §5.1).
  std::vector<std::pair<std::string, Shape>> buffers = {{"lvl_1L", {1, L}},
                                                        {"attn_bias_for_masking", {1, 1, L, L}}};
  for (int i = 0; i < cfg.depth; ++i)
    buffers.push_back({"blocks." + std::to_string(i) + ".attn.zero_k_bias", {C}});

  // Every key is taken and checked before any weight is packed.
  io::WeightReader reader(ckpt);
  std::map<std::string, Tensor> taken;
  for (const auto& [key, shape] : var_parameter_shapes(cfg)) taken[key] = reader.take(key, shape);
  for (const auto& [key, shape] : buffers) {
    if (!reader.has(key)) continue;
    if (reader.peek(key).shape == shape)
      if (std::string problem = check_buffer(cfg, key, reader.peek(key)); !problem.empty())
        reader.add_problem(problem);
    reader.take(key, shape);  // records a wrong shape
  }
  reader.finish(cfg.describe());

  VarWeights w;
  w.pos_start = take(taken, "pos_start");
  w.word_embed_weight = take(taken, "word_embed.weight");
  w.word_embed_bias = take(taken, "word_embed.bias");
  w.class_emb = take(taken, "class_emb.weight");
  // lvl_pos = lvl_embed(lvl_1L) + pos_1LC, computed once like the reference (var.md §4.2).
  {
    const Tensor pos = take(taken, "pos_1LC");
    const Tensor lvl = take(taken, "lvl_embed.weight");
    const auto scales = token_scales(cfg);
    w.lvl_pos = Tensor({L, C});
    for (int64_t t = 0; t < L; ++t)
      for (int64_t c = 0; c < C; ++c)
        w.lvl_pos.data[t * C + c] = lvl.data[scales[t] * C + c] + pos.data[t * C + c];
  }
  if (cfg.shared_aln) {
    w.shared_ada_weight = nn::PackedWeight(take(taken, "shared_ada_lin.1.weight"), precision);
    w.shared_ada_bias = take(taken, "shared_ada_lin.1.bias");
  }
  w.blocks.resize(cfg.depth);
  for (int i = 0; i < cfg.depth; ++i) {
    const std::string p = "blocks." + std::to_string(i) + ".";
    VarBlockWeights& b = w.blocks[i];
    if (cfg.shared_aln) {
      b.ada_gss = take(taken, p + "ada_gss");
    } else {
      b.ada_lin_weight = nn::PackedWeight(take(taken, p + "ada_lin.1.weight"), precision);
      b.ada_lin_bias = take(taken, p + "ada_lin.1.bias");
    }
    if (cfg.attn_l2_norm) {
      // exp(min(s, ln 100)) (var.md §3.4), in float like the reference's clamp_max().exp().
      const Tensor s = take(taken, p + "attn.scale_mul_1H11");
      const float max_log = std::log(100.0f);
      for (float x : s.data) b.q_multiplier.push_back(std::exp(std::min(x, max_log)));
    }
    const Tensor q_bias = take(taken, p + "attn.q_bias");
    const Tensor v_bias = take(taken, p + "attn.v_bias");
    b.qkv_bias = Tensor({3 * C});  // the k third stays 0: K has no bias
    std::copy(q_bias.data.begin(), q_bias.data.end(), b.qkv_bias.data.begin());
    std::copy(v_bias.data.begin(), v_bias.data.end(), b.qkv_bias.data.begin() + 2 * C);
    b.qkv_weight = nn::PackedWeight(take(taken, p + "attn.mat_qkv.weight"), precision);
    b.proj_weight = nn::PackedWeight(take(taken, p + "attn.proj.weight"), precision);
    b.proj_bias = take(taken, p + "attn.proj.bias");
    b.fc1_weight = nn::PackedWeight(take(taken, p + "ffn.fc1.weight"), precision);
    b.fc1_bias = take(taken, p + "ffn.fc1.bias");
    b.fc2_weight = nn::PackedWeight(take(taken, p + "ffn.fc2.weight"), precision);
    b.fc2_bias = take(taken, p + "ffn.fc2.bias");
  }
  w.head_nm_weight = nn::PackedWeight(take(taken, "head_nm.ada_lin.1.weight"), precision);
  w.head_nm_bias = take(taken, "head_nm.ada_lin.1.bias");
  w.head_weight = nn::PackedWeight(take(taken, "head.weight"), precision);
  w.head_bias = take(taken, "head.bias");
  ckpt.tensors.clear();
  return w;
}

int64_t linear_weight_bytes(const VarWeights& w) {
  int64_t bytes = w.shared_ada_weight.bytes() + w.head_nm_weight.bytes() + w.head_weight.bytes();
  for (const VarBlockWeights& b : w.blocks)
    bytes += b.ada_lin_weight.bytes() + b.qkv_weight.bytes() + b.proj_weight.bytes() + b.fc1_weight.bytes() +
             b.fc2_weight.bytes();
  return bytes;
}

}  // namespace vs::var
