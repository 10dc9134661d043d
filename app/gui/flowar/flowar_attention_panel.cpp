#include "app/gui/flowar/flowar_attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <vector>

namespace vs::gui {

void FlowArAttentionPanel::draw() {
  const flowar::FlowArModel* model = session_->model();
  const int sel = session_->selected();
  if (!model || sel < 0) {
    ImGui::TextWrapped(model ? "Generate an image first; the AR attention of each scale appears here as it finishes."
                             : "No model is open: open one in the Generation panel.");
    return;
  }
  const flowar::FlowArConfig& config = model->config;
  const FlowArFrame& f = session_->frames()[sel];
  const int layers = config.encoder_depth + config.decoder_depth;
  const float w = ImGui::GetContentRegionAvail().x / 3 - 8;
  int layer = layer_ + 1, head = head_ + 1;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("layer", &layer, 1, layers)) layer_ = layer - 1;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("1…%d: encoder blocks, then decoder blocks", config.encoder_depth);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("head", &head, 1, config.ar_heads)) head_ = head - 1;
  ImGui::SameLine();
  ImGui::Checkbox("log", &log_scale_);
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
    const std::vector<float>& probs = f.ar_probs[layer_];
    const auto begin = probs.begin() + int64_t(head_) * queries * keys;
    std::vector<float> values(begin, begin + queries * keys);
    const float hi = std::max(1e-6f, *std::max_element(values.begin(), values.end()));
    matrix_.set_values(std::move(values), int(queries), int(keys));
    matrix_.set_params({Colormap::kViridis, log_scale_, log_scale_ ? 1e-6f : 0.0f, hi});
  }
  ImGui::Text("AR, scale %d, layer %d, head %d: %lld queries × %lld keys (scales 1…%d)", sel + 1, layer_ + 1, head_ + 1,
              (long long)queries, (long long)keys, sel + 1);
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

}  // namespace vs::gui
