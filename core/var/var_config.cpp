#include "core/var/var_config.h"

#include <cctype>
#include <cstdlib>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/printable.h"

namespace vs::var {

namespace {

// The text after `"key"` and its colon inside a flat JSON object, or npos. Enough for
// the small config objects our exporters write; not a general JSON parser.
size_t json_value_pos(const std::string& json, const std::string& key) {
  const std::string quoted = "\"" + key + "\"";
  size_t pos = json.find(quoted);
  if (pos == std::string::npos) return pos;
  pos = json.find(':', pos + quoted.size());
  if (pos == std::string::npos) return pos;
  ++pos;
  while (pos < json.size() && std::isspace(static_cast<unsigned char>(json[pos]))) ++pos;
  return pos;
}

// "patch_nums": [1, 2, 3] -> "1,2,3" (empty when absent or not a list).
std::string json_int_list(const std::string& json, const std::string& key) {
  const size_t pos = json_value_pos(json, key);
  if (pos == std::string::npos || pos >= json.size() || json[pos] != '[') return {};
  const size_t end = json.find(']', pos);
  if (end == std::string::npos) return {};
  std::string list;
  for (size_t i = pos + 1; i < end; ++i)
    if (!std::isspace(static_cast<unsigned char>(json[i]))) list += json[i];
  return list;
}

// "heads": 3 -> 3 (0 when absent).
int json_int(const std::string& json, const std::string& key) {
  const size_t pos = json_value_pos(json, key);
  if (pos == std::string::npos) return 0;
  return std::atoi(json.c_str() + pos);
}

std::string metadata_patch_nums(const io::Checkpoint& ckpt) {
  auto it = ckpt.metadata.find("patch_nums");
  if (it != ckpt.metadata.end()) return it->second;
  it = ckpt.metadata.find("config");
  if (it != ckpt.metadata.end()) return json_int_list(it->second, "patch_nums");
  return {};
}

int metadata_heads(const io::Checkpoint& ckpt) {
  auto it = ckpt.metadata.find("heads");
  if (it != ckpt.metadata.end()) return std::atoi(it->second.c_str());
  it = ckpt.metadata.find("config");
  if (it != ckpt.metadata.end()) return json_int(it->second, "heads");
  return 0;
}

int64_t dim_of(const io::Checkpoint& ckpt, const std::string& key, int rank, int axis) {
  const Tensor& t = ckpt.get(key);
  if (t.rank() != rank)
    throw Error(ckpt.path + ": tensor " + printable_name(key) + " has shape " + t.shape_str() + ", expected rank " +
                std::to_string(rank) + " — is this a VAR transformer checkpoint?");
  return t.dim(axis);
}

}  // namespace

int64_t VarConfig::tokens() const { return attention::pyramid_tokens(patch_nums); }

int64_t VarConfig::scale_begin(int scale) const {
  int64_t begin = 0;
  for (int s = 0; s < scale; ++s) begin += int64_t(patch_nums.at(s)) * patch_nums.at(s);
  return begin;
}

int64_t VarConfig::scale_tokens(int scale) const {
  return int64_t(patch_nums.at(scale)) * patch_nums.at(scale);
}

std::string VarConfig::describe() const {
  return "VAR depth " + std::to_string(depth) + ", C " + std::to_string(width) + ", H " +
         std::to_string(heads) + ", V " + std::to_string(vocab) + ", Cvae " + std::to_string(cvae) +
         ", classes " + std::to_string(num_classes) + ", shared_aln " +
         (shared_aln ? "on" : "off") + ", attn_l2_norm " + (attn_l2_norm ? "on" : "off") +
         ", patch_nums " + attention::pyramid_to_string(patch_nums);
}

VarConfig infer_var_config(const io::Checkpoint& ckpt, const std::vector<int>& patch_nums_override) {
  VarConfig cfg;
  const std::string& file = ckpt.path;
  if (!ckpt.has("pos_1LC") || !ckpt.has("blocks.0.attn.mat_qkv.weight"))
    throw Error(file + ": no 'pos_1LC' / 'blocks.0.attn.mat_qkv.weight' — is this a VAR transformer checkpoint?");

  while (ckpt.has("blocks." + std::to_string(cfg.depth) + ".attn.mat_qkv.weight")) ++cfg.depth;
  cfg.width = static_cast<int>(dim_of(ckpt, "word_embed.weight", 2, 0));
  cfg.cvae = static_cast<int>(dim_of(ckpt, "word_embed.weight", 2, 1));
  cfg.vocab = static_cast<int>(dim_of(ckpt, "head.weight", 2, 0));
  cfg.num_classes = static_cast<int>(dim_of(ckpt, "class_emb.weight", 2, 0)) - 1;
  cfg.mlp_hidden = static_cast<int>(dim_of(ckpt, "blocks.0.ffn.fc1.weight", 2, 0));
  cfg.shared_aln = ckpt.has("shared_ada_lin.1.weight");
  cfg.attn_l2_norm = ckpt.has("blocks.0.attn.scale_mul_1H11");
  if (cfg.num_classes < 1) throw Error(file + ": 'class_emb.weight' needs at least 2 rows");

  if (cfg.attn_l2_norm) {
    cfg.heads = static_cast<int>(dim_of(ckpt, "blocks.0.attn.scale_mul_1H11", 4, 1));
  } else {
    cfg.heads = metadata_heads(ckpt);
    if (cfg.heads <= 0) cfg.heads = cfg.width / 64;  // depth rule: hd = 64 (var.md §1)
  }
  if (cfg.heads <= 0 || cfg.width % cfg.heads != 0)
    throw Error(file + ": width " + std::to_string(cfg.width) + " is not divisible into " +
                std::to_string(cfg.heads) + " heads");

  const int64_t L = dim_of(ckpt, "pos_1LC", 3, 1);
  const int64_t K = dim_of(ckpt, "lvl_embed.weight", 2, 0);
  if (!patch_nums_override.empty()) {
    cfg.patch_nums = patch_nums_override;
  } else if (const std::string text = metadata_patch_nums(ckpt); !text.empty()) {
    cfg.patch_nums = attention::parse_pyramid(text);
  } else if (L == 680) {
    cfg.patch_nums = attention::var_pyramid(16);
  } else if (L == 2240) {
    cfg.patch_nums = attention::var_pyramid(32);
  } else {
    throw Error(file + ": cannot tell the patch_nums of a model with L = " + std::to_string(L) +
                " tokens in " + std::to_string(K) +
                " scales (not an official schedule, no __metadata__); pass --patch-nums 1,2,...");
  }
  if (cfg.tokens() != L || cfg.num_scales() != K)
    throw Error(file + ": patch_nums " + attention::pyramid_to_string(cfg.patch_nums) + " give " +
                std::to_string(cfg.tokens()) + " tokens in " + std::to_string(cfg.num_scales()) +
                " scales, but pos_1LC has " + std::to_string(L) + " tokens and lvl_embed " +
                std::to_string(K) + " scales");
  return cfg;
}

}  // namespace vs::var
