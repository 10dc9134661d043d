#include "core/flowar/flowar_config.h"

#include <sstream>

#include "core/error.h"
#include "core/number_text.h"
#include "core/printable.h"

namespace vs::flowar {

int64_t FlowArConfig::tokens() const {
  int64_t total = 0;
  for (int s : scales) total += int64_t(s) * s;
  return total;
}

int64_t FlowArConfig::scale_begin(int scale) const {
  int64_t begin = 0;
  for (int k = 0; k < scale; ++k) begin += int64_t(scales.at(k)) * scales.at(k);
  return begin;
}

int64_t FlowArConfig::scale_tokens(int scale) const {
  return int64_t(scales.at(scale)) * scales.at(scale);
}

std::string FlowArConfig::describe() const {
  std::ostringstream out;
  out << "FlowAR: AR " << encoder_depth << "+" << decoder_depth << " blocks, C " << ar_width
      << ", " << ar_heads << " heads; flownet " << flow_depth << " x "
      << (flow_block == FlownetBlock::kV1 ? "Block_v1" : "Block_v2") << ", D " << flow_width
      << ", " << flow_heads << " heads; scales";
  for (size_t i = 0; i < scales.size(); ++i) out << (i ? "," : " ") << scales[i];
  return out.str();
}

namespace {

int count_blocks(const io::Checkpoint& ckpt, const std::string& prefix, const std::string& probe) {
  int n = 0;
  while (ckpt.has(prefix + std::to_string(n) + probe)) ++n;
  return n;
}

// The "scales" metadata: increasing positive sides, digits only. Checked whole: a token
// count that merely adds up ("2,1,4", "1,2,4x") used to pass.
std::vector<int> parse_scales(const std::string& text, const std::string& where) {
  constexpr int kMaxSide = 4096;
  constexpr size_t kMaxScales = 64;
  auto refuse = [&](const std::string& why) {
    throw Error(where + ": scales metadata " + printable_name(text) + " " + why);
  };
  std::vector<int> out;
  for (const std::string& item : split_items(text)) {
    if (item.empty() || item.size() > 4 || item.find_first_not_of("0123456789") != std::string::npos)
      refuse("is not a comma-separated list of positive integers");
    const int side = int(*parse_whole_long(item));
    if (side < 1 || side > kMaxSide) refuse("has a side outside [1, " + std::to_string(kMaxSide) + "]");
    if (!out.empty() && side <= out.back()) refuse("is not strictly increasing");
    if (out.size() == kMaxScales) refuse("has more than " + std::to_string(kMaxScales) + " scales");
    out.push_back(side);
  }
  return out;
}

}  // namespace

FlowArConfig infer_flowar_config(const io::Checkpoint& ckpt, const std::vector<int>& scales_override) {
  FlowArConfig c;
  const Tensor& class_emb = ckpt.get("class_emb.weight");
  if (class_emb.rank() != 2 || class_emb.dim(0) < 2)
    throw Error(ckpt.path + ": tensor 'class_emb.weight' has shape " + class_emb.shape_str() +
                ", expected [num_classes + 1, C] — is this a FlowAR checkpoint?");
  c.num_classes = int(class_emb.dim(0)) - 1;
  c.ar_width = int(class_emb.dim(1));
  c.latent_channels = int(ckpt.dim("z_proj.weight", 1));
  c.encoder_depth = count_blocks(ckpt, "encoder_blocks.", ".attn.qkv.weight");
  c.decoder_depth = count_blocks(ckpt, "decoder_blocks.", ".attn.qkv.weight");
  if (c.encoder_depth == 0 || c.decoder_depth == 0)
    throw Error(ckpt.path + ": no 'encoder_blocks.0.*' or 'decoder_blocks.0.*' — is this a FlowAR checkpoint?");
  c.ar_mlp_hidden = int(ckpt.dim("encoder_blocks.0.mlp.fc1_g.weight", 0));
  int ar_hd = c.ar_width == 1536 ? 96 : 64;  // flowar.md §8.1
  if (ckpt.has("encoder_blocks.0.attn.rope.freqs"))
    ar_hd = int(ckpt.get("encoder_blocks.0.attn.rope.freqs").numel()) * 4;
  if (ar_hd <= 0 || c.ar_width % ar_hd != 0)
    throw Error(ckpt.path + ": AR width " + std::to_string(c.ar_width) +
                " is not a multiple of the head dim " + std::to_string(ar_hd));
  c.ar_heads = c.ar_width / ar_hd;

  c.flow_width = int(ckpt.dim("flownet.input_proj.weight", 0));
  c.flow_depth = count_blocks(ckpt, "flownet.res_blocks.", ".attn.qkv.weight");
  if (c.flow_depth == 0) throw Error(ckpt.path + ": no 'flownet.res_blocks.0.*' — is this a FlowAR checkpoint?");
  c.flow_block = ckpt.has("flownet.res_blocks.0.ada_lin_attn.weight") ? FlownetBlock::kV2 : FlownetBlock::kV1;
  c.flow_mlp_hidden = int(ckpt.dim("flownet.res_blocks.0.mlp.fc1_g.weight", 0));
  int flow_hd = 64;  // flowar.md §5: heads = D / 64
  if (ckpt.has("flownet.res_blocks.0.attn.rope.freqs"))
    flow_hd = int(ckpt.get("flownet.res_blocks.0.attn.rope.freqs").numel()) * 4;
  if (flow_hd <= 0 || c.flow_width % flow_hd != 0)
    throw Error(ckpt.path + ": flownet width " + std::to_string(c.flow_width) +
                " is not a multiple of the head dim " + std::to_string(flow_hd));
  c.flow_heads = c.flow_width / flow_hd;

  const int64_t table_tokens = ckpt.dim("encoder_pos_embed_learned", 1);
  if (!scales_override.empty()) {
    c.scales = scales_override;
  } else if (ckpt.metadata.count("scales")) {
    c.scales = parse_scales(ckpt.metadata.at("scales"), ckpt.path);
  } else {
    int64_t total = 0;
    for (int s = 1; total < table_tokens; s *= 2) {
      c.scales.push_back(s);
      total += int64_t(s) * s;
    }
  }
  for (int s : c.scales)
    if (s <= 0) throw Error(ckpt.path + ": scale side " + std::to_string(s) + " is not positive");
  if (c.scales.empty() || c.tokens() != table_tokens)
    throw Error(ckpt.path + ": scales give " + std::to_string(c.tokens()) +
                " tokens but the position tables hold " + std::to_string(table_tokens) +
                " — pass the scales explicitly");
  return c;
}

}  // namespace vs::flowar
