#include "app/gui/flowar/flowar_attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <vector>

namespace vs::gui {

namespace {

// Head `head` of a (heads, queries, keys) block into the texture, colour range [0, max].
void show_head(ColormapImage& image, const std::vector<float>& probs, int head, int64_t queries, int64_t keys,
               bool log_scale) {
  const auto begin = probs.begin() + int64_t(head) * queries * keys;
  std::vector<float> values(begin, begin + queries * keys);
  const float hi = std::max(1e-6f, *std::max_element(values.begin(), values.end()));
  image.set_values(std::move(values), int(queries), int(keys));
  image.set_params({Colormap::kViridis, log_scale, log_scale ? 1e-6f : 0.0f, hi});
}

void heading(const char* text) { ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text); }

}  // namespace

void FlowArAttentionPanel::load(const Settings& s) {
  log_scale_ = s.get_bool("flowar_attention.log", log_scale_);
  session_->flownet_euler_step = std::max(0, s.get_int("flowar_attention.euler_step", session_->flownet_euler_step));
  session_->flownet_layer = std::max(0, s.get_int("flowar_attention.flow_layer", session_->flownet_layer));
}

void FlowArAttentionPanel::save(Settings& s) const {
  s.set_bool("flowar_attention.log", log_scale_);
  s.set_int("flowar_attention.euler_step", session_->flownet_euler_step);
  s.set_int("flowar_attention.flow_layer", session_->flownet_layer);
}

void FlowArAttentionPanel::draw() {
  const flowar::FlowArModel* model = session_->model();
  const int sel = session_->selected();
  if (!model || sel < 0) {
    ImGui::TextWrapped(model ? "Generate an image first; the attention of each scale appears here as it finishes."
                             : "No model is open: open one in the Generation panel.");
    return;
  }
  const FlowArFrame& f = session_->frames()[sel];
  ImGui::Text("scale %d (%d×%d tokens)", sel + 1, f.side, f.side);
  ImGui::SameLine();
  ImGui::Checkbox("log", &log_scale_);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float half = (ImGui::GetContentRegionAvail().x - gap) / 2;
  ImGui::BeginChild("ar", {half, 0});
  draw_ar(f);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("flownet", {0, 0});
  draw_flownet(f);
  ImGui::EndChild();
}

void FlowArAttentionPanel::draw_ar(const FlowArFrame& f) {
  const flowar::FlowArConfig& config = session_->model()->config;
  const int sel = f.scale;
  const int layers = config.encoder_depth + config.decoder_depth;
  heading("AR transformer");
  // Two control lines, as the flownet's, so both maps start level.
  const float w = ImGui::GetContentRegionAvail().x / 2 - ImGui::CalcTextSize("Euler step").x - 8;
  int layer = layer_ + 1, head = head_ + 1;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("layer", &layer, 1, layers)) layer_ = layer - 1;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("1…%d: encoder blocks, then decoder blocks", config.encoder_depth);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("head", &head, 1, config.ar_heads)) head_ = head - 1;
  layer_ = std::clamp(layer_, 0, layers - 1), head_ = std::clamp(head_, 0, config.ar_heads - 1);
  if (int(f.ar_probs.size()) != layers || f.ar_heads <= 0) {
    ImGui::TextWrapped("Scale %d's attention maps were too large to keep (over %lld MB for all layers).", sel + 1,
                       (long long)(kArCaptureBytes >> 20));
    return;
  }
  const int64_t queries = int64_t(f.side) * f.side, keys = f.ar_keys;
  const int key = ((session_->generation_serial() * 64 + sel) * 256 + layer_) * 64 * 2 + head_ * 2 + log_scale_;
  if (key != shown_) {
    shown_ = key;
    show_head(matrix_, f.ar_probs[layer_], head_, queries, keys, log_scale_);
  }
  ImGui::TextDisabled("%lld queries × %lld keys (scales 1…%d)", (long long)queries, (long long)keys, sel + 1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float cell = std::max(1.0f, std::min(avail.x / float(keys), avail.y / float(queries)));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  int hr = -1, hc = -1;
  const bool hovered = matrix_.draw({cell * keys, cell * queries}, &hr, &hc);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int s = 1; s <= sel; ++s) {
    const float x = p0.x + cell * float(config.scale_begin(s));
    draw->AddLine({x, p0.y}, {x, p0.y + cell * queries}, IM_COL32(255, 255, 255, 150), 1.0f);
  }
  if (hovered && hr >= 0 && hc >= 0) {
    int key_scale = 0;
    while (key_scale + 1 < config.num_scales() && config.scale_begin(key_scale + 1) <= hc) ++key_scale;
    const int64_t pos = hc - config.scale_begin(key_scale);
    const int ks = config.scales[key_scale];
    ImGui::SetTooltip("query (%d, %d) of scale %d\nkey (%lld, %lld) of scale %d\np = %.6g", hr / f.side, hr % f.side,
                      sel + 1, (long long)(pos / ks), (long long)(pos % ks), key_scale + 1, matrix_.value_at(hr, hc));
  }
}

void FlowArAttentionPanel::draw_flownet(const FlowArFrame& f) {
  const flowar::FlowArConfig& config = session_->model()->config;
  const bool has_cross = config.flow_block == flowar::FlownetBlock::kV2;
  heading(has_cross ? "Flownet (self / cross)" : "Flownet (self-attention)");
  const FlownetMapKey key = session_->flownet_key(f.scale);
  const int steps = std::max(1, session_->euler_steps());
  const bool cross = key.layer >= config.flow_depth;
  const float w = ImGui::GetContentRegionAvail().x / 2 - ImGui::CalcTextSize("Euler step").x - 8;
  int step = key.euler_step, block = key.layer % config.flow_depth + 1, head = flow_head_ + 1;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("Euler step", &step, 1, steps)) session_->flownet_euler_step = step;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("1…%d: from noise (t = 1) towards data (t = 0)", steps);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("block", &block, 1, config.flow_depth))
    session_->flownet_layer = block - 1 + (cross ? config.flow_depth : 0);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("head##flow", &head, 1, config.flow_heads)) flow_head_ = head - 1;
  flow_head_ = std::clamp(flow_head_, 0, config.flow_heads - 1);
  if (has_cross) {
    ImGui::SameLine();
    if (ImGui::RadioButton("self", !cross)) session_->flownet_layer = block - 1;
    ImGui::SameLine();
    if (ImGui::RadioButton("cross", cross)) session_->flownet_layer = block - 1 + config.flow_depth;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("queries of the scale × the AR condition's tokens");
  }
  const FlownetMapKey want = session_->flownet_key(f.scale);
  const FlownetMap* map = session_->flownet_map(want);
  if (!map) {
    session_->request_flownet_map(want);
    if (!session_->flownet_error().empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
      ImGui::TextWrapped("%s", session_->flownet_error().c_str());
      ImGui::PopStyleColor();
    } else if (session_->generating()) {
      ImGui::TextWrapped("captured once the generation is done (it runs again up to scale %d)", f.scale + 1);
    } else {
      ImGui::TextWrapped("capturing: running the generation again up to scale %d…", f.scale + 1);
      ImGui::ProgressBar(float(session_->flownet_capture_fraction()), {-1, 0});
    }
    return;
  }
  if (map != flow_shown_map_ || !(flow_shown_key_ == map->key) || flow_shown_serial_ != session_->generation_serial() ||
      flow_shown_head_ != flow_head_ || flow_shown_log_ != log_scale_) {
    flow_shown_map_ = map, flow_shown_key_ = map->key, flow_shown_serial_ = session_->generation_serial();
    flow_shown_head_ = flow_head_, flow_shown_log_ = log_scale_;
    show_head(flow_matrix_, map->probs, std::min(flow_head_, map->heads - 1), map->queries, map->keys, log_scale_);
  }
  const bool shown_cross = map->key.layer >= config.flow_depth;
  ImGui::TextDisabled("%lld queries × %lld %s", (long long)map->queries, (long long)map->keys,
                      shown_cross ? "condition tokens" : "keys (this scale)");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float cell = std::max(1.0f, std::min(avail.x / float(map->keys), avail.y / float(map->queries)));
  int hr = -1, hc = -1;
  if (flow_matrix_.draw({cell * map->keys, cell * map->queries}, &hr, &hc) && hr >= 0 && hc >= 0)
    ImGui::SetTooltip("query (%d, %d)\n%s (%d, %d)\np = %.6g", hr / f.side, hr % f.side,
                      shown_cross ? "condition" : "key", hc / f.side, hc % f.side, flow_matrix_.value_at(hr, hc));
}

}  // namespace vs::gui
