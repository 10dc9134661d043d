#include "app/gui/panels/attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vs::gui {

namespace {

// Smallest positive probability shown on the log scale (the masked / underflowed entries
// are 0 and would be −∞).
constexpr float kLogFloor = 1e-6f;

std::vector<float> head_slice(const InspectResult& r, int head) {
  const size_t n = size_t(r.queries) * r.keys;
  return std::vector<float>(r.probs.begin() + head * n, r.probs.begin() + (head + 1) * n);
}

void range_of(const std::vector<float>& v, bool log_scale, float* lo, float* hi) {
  float a = INFINITY, b = 0;
  for (float x : v) {
    if (log_scale && x < kLogFloor) continue;
    a = std::min(a, x), b = std::max(b, x);
  }
  if (!(a < INFINITY)) a = log_scale ? kLogFloor : 0;
  if (b <= a) b = a * 2 + 1e-6f;
  *lo = log_scale ? std::max(a, kLogFloor) : 0.0f;  // linear: from 0, so colours compare across heads
  *hi = b;
}

}  // namespace

void AttentionPanel::load(const Settings& s) {
  colormap_ = std::clamp(s.get_int("attention.colormap", colormap_), 0, 1);
  log_scale_ = s.get_bool("attention.log", log_scale_);
  normalise_ = std::clamp(s.get_int("attention.normalise", normalise_), 0, 1);
  show_grid_ = s.get_bool("attention.grid", show_grid_);
}

void AttentionPanel::save(Settings& s) const {
  s.set_int("attention.colormap", colormap_);
  s.set_bool("attention.log", log_scale_);
  s.set_int("attention.normalise", normalise_);
  s.set_bool("attention.grid", show_grid_);
}

void AttentionPanel::update() {
  const auto& frames = session_->frames();
  const var::VarModel* model = session_->model();
  if (!model || frames.empty() || session_->generating()) return;
  VarSelection& sel = session_->selection;
  const int step = sel.step < 0 || sel.step >= int(frames.size()) ? int(frames.size()) - 1 : sel.step;
  sel.layer = std::clamp(sel.layer, 0, model->config().depth - 1);
  sel.head = std::clamp(sel.head, 0, model->config().heads - 1);
  session_->inspect(step, sel.layer);
}

void AttentionPanel::rebuild() {
  const InspectResult* r = session_->inspection();
  const int head = std::clamp(session_->selection.head, 0, std::max(0, r->heads - 1));
  const int params = colormap_ * 4 + log_scale_ * 2 + normalise_;
  const int serial = session_->inspection_serial();
  if (serial == shown_serial_ && head == shown_head_ && params == shown_params_) return;
  const bool new_result = serial != shown_serial_ || params != shown_params_;
  shown_serial_ = serial, shown_head_ = head, shown_params_ = params;
  const Colormap cmap = colormap_ ? Colormap::kMagma : Colormap::kViridis;
  std::vector<float> values = head_slice(*r, head);
  if (normalise_ == 1) range_of(r->probs, log_scale_, &lo_, &hi_);
  else range_of(values, log_scale_, &lo_, &hi_);
  matrix_.set_values(std::move(values), int(r->queries), int(r->keys));
  matrix_.set_params({cmap, log_scale_, lo_, hi_});
  std::vector<float> ramp(256);
  for (int i = 0; i < 256; ++i)
    ramp[i] = log_scale_ ? lo_ * std::pow(hi_ / lo_, i / 255.0f) : lo_ + (hi_ - lo_) * i / 255.0f;
  legend_.set_values(std::move(ramp), 1, 256);
  legend_.set_params({cmap, log_scale_, lo_, hi_});
  if (new_result) {
    thumbs_.clear();
    for (int h = 0; h < r->heads; ++h) {
      std::vector<float> v = head_slice(*r, h);
      float lo = lo_, hi = hi_;
      if (normalise_ == 0) range_of(v, log_scale_, &lo, &hi);
      auto t = std::make_unique<ColormapImage>();
      t->set_values(std::move(v), int(r->queries), int(r->keys));
      t->set_params({cmap, log_scale_, lo, hi});
      thumbs_.push_back(std::move(t));
    }
  }
}

void AttentionPanel::draw_legend(float width) {
  int hr, hc;
  legend_.draw({width, ImGui::GetFrameHeight() * 0.7f}, &hr, &hc);
  const int ticks = 5;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  for (int i = 0; i < ticks; ++i) {
    const float t = float(i) / (ticks - 1);
    const float v = log_scale_ ? lo_ * std::pow(hi_ / lo_, t) : lo_ + (hi_ - lo_) * t;
    char label[32];
    std::snprintf(label, sizeof label, log_scale_ ? "%.1e" : "%.3g", v);
    const float w = ImGui::CalcTextSize(label).x;
    const float x = std::clamp(p.x + t * width - w / 2, p.x, p.x + width - w);
    draw->AddText({x, p.y}, ImGui::GetColorU32(ImGuiCol_Text), label);
  }
  ImGui::Dummy({width, ImGui::GetTextLineHeightWithSpacing()});
}

void AttentionPanel::draw() {
  const var::VarModel* model = session_->model();
  if (!model) {
    ImGui::TextWrapped("No model is open: open one in the Generation panel.");
    return;
  }
  const auto& frames = session_->frames();
  if (frames.empty()) {
    ImGui::TextWrapped("Generate an image first; then pick a scale (step), layer and head here.");
    return;
  }
  VarSelection& sel = session_->selection;
  const int n = int(frames.size());
  int step = (sel.step < 0 || sel.step >= n ? n - 1 : sel.step) + 1;
  const float w = ImGui::GetContentRegionAvail().x / 3 - 8;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("step", &step, 1, n, "scale %d")) sel.step = step - 1;
  ImGui::SameLine();
  int layer = sel.layer + 1;
  ImGui::SetNextItemWidth(w * 0.7f);
  if (ImGui::SliderInt("layer", &layer, 1, model->config().depth)) sel.layer = layer - 1;
  ImGui::SameLine();
  int head = sel.head + 1;
  ImGui::SetNextItemWidth(w * 0.7f);
  if (ImGui::SliderInt("head", &head, 1, model->config().heads)) sel.head = head - 1;
  ImGui::SetNextItemWidth(w * 0.7f);
  ImGui::Combo("colormap", &colormap_, "viridis\0magma\0");
  ImGui::SameLine();
  ImGui::Checkbox("log", &log_scale_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.7f);
  ImGui::Combo("normalise", &normalise_, "per head\0per layer\0");
  ImGui::SameLine();
  ImGui::Checkbox("all heads", &show_grid_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("every layer × head of this step as a thumbnail; click one to inspect it");

  const InspectResult* r = session_->inspection();
  if (session_->generating() || !r || session_->inspecting()) {
    ImGui::TextDisabled(session_->generating() ? "waiting for the generation to finish…" : "capturing attention…");
    if (!r || r->error.empty()) return;
  }
  if (!r->error.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "capture failed: %s", r->error.c_str());
    return;
  }
  rebuild();
  if (show_grid_ && r->grid) {
    // Every layer × head of the step (the selected one framed): click to select.
    grid_view_.set(r->grid, colormap_ ? Colormap::kMagma : Colormap::kViridis, log_scale_, normalise_ == 1);
    int layer_clicked = -1, head_clicked = -1;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (grid_view_.draw(avail.x, avail.y * 0.35f, r->layer, shown_head_, &layer_clicked, &head_clicked))
      sel.layer = layer_clicked, sel.head = head_clicked;
  } else {
    // The captured layer's heads as thumbnails: click to select.
    const float thumb = 48;
    for (int h = 0; h < int(thumbs_.size()); ++h) {
      if (h) ImGui::SameLine();
      const ImVec2 p0 = ImGui::GetCursorScreenPos();
      int a, b;
      thumbs_[h]->draw({thumb * r->keys / std::max<int64_t>(r->keys, r->queries),
                        thumb * r->queries / std::max<int64_t>(r->keys, r->queries)}, &a, &b);
      if (ImGui::IsItemClicked()) sel.head = h;
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("layer %d head %d", r->layer + 1, h + 1);
      if (h == shown_head_)
        ImGui::GetWindowDrawList()->AddRect(p0, ImGui::GetItemRectMax(), IM_COL32(255, 210, 80, 255), 0, 0, 2);
    }
  }
  ImGui::Text("scale %d, layer %d, head %d: %lld queries × %lld keys", r->step + 1, r->layer + 1, shown_head_ + 1,
              (long long)r->queries, (long long)r->keys);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Captured by replaying the generated tokens with exact softmax attention (conditional row);\n"
                      "white lines: where the keys of each earlier scale begin.");
  // The matrix, aspect kept, boundaries of the key scales drawn over it.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_h = ImGui::GetFrameHeight() * 0.7f + ImGui::GetTextLineHeightWithSpacing() + 8;
  const float cell = std::max(1.0f, std::min(avail.x / float(r->keys), (avail.y - legend_h) / float(r->queries)));
  const ImVec2 size{cell * r->keys, cell * r->queries};
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  int hr = -1, hc = -1;
  const bool hovered = matrix_.draw(size, &hr, &hc);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const auto& config = model->config();
  for (int s = 1; s <= r->step && s < config.num_scales(); ++s) {
    const float x = p0.x + cell * float(config.scale_begin(s));
    draw->AddLine({x, p0.y}, {x, p0.y + size.y}, IM_COL32(255, 255, 255, 150), 1.0f);
  }
  if (hovered && hr >= 0 && hc >= 0) {
    int key_scale = 0;
    while (key_scale + 1 < config.num_scales() && config.scale_begin(key_scale + 1) <= hc) ++key_scale;
    const int64_t key_pos = hc - config.scale_begin(key_scale);
    const int qs = config.patch_nums[r->step], ks = config.patch_nums[key_scale];
    ImGui::SetTooltip("query (%d, %d) of scale %d\nkey (%lld, %lld) of scale %d\np = %.6g", hr / qs, hr % qs, r->step + 1,
                      (long long)(key_pos / ks), (long long)(key_pos % ks), key_scale + 1, matrix_.value_at(hr, hc));
  }
  draw_legend(std::min(size.x, avail.x));
  if (sel.query >= 0 && sel.query < r->queries)  // the pinned query's row
    draw->AddRect({p0.x, p0.y + cell * sel.query}, {p0.x + size.x, p0.y + cell * (sel.query + 1)},
                  IM_COL32(255, 210, 80, 255), 0, 0, 1.5f);
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) sel.query = sel.query == hr ? -1 : hr;
  if (sel.query >= r->queries) sel.query = -1;
  const int query = sel.query >= 0 ? sel.query : (hovered ? hr : -1);
  if (query >= 0) draw_query_overlay(query);
  else ImGui::TextDisabled("hover a row (a query token) to see its attention over the earlier scales; click to pin it");
}

void AttentionPanel::draw_query_overlay(int query) {
  const InspectResult* r = session_->inspection();
  const auto& config = session_->model()->config();
  const auto& frames = session_->frames();
  const int head = shown_head_;
  const int scales = std::min<int>(r->step + 1, int(frames.size()));
  const float* row = r->probs.data() + (size_t(head) * r->queries + query) * r->keys;
  const int pinned = session_->selection.query;
  const int key = (session_->inspection_serial() * 64 + head) * 4096 + query;
  if (key != overlay_key_) {
    overlay_key_ = key;
    scale_images_.clear(), overlays_.clear();
    const float hi = std::max(1e-6f, *std::max_element(row, row + r->keys));
    for (int s = 0; s < scales; ++s) {
      auto image = std::make_unique<RgbTexture>();
      image->set(frames[s].rgb, frames[s].image_side, frames[s].image_side);
      scale_images_.push_back(std::move(image));
      const int pn = config.patch_nums[s];
      const float* begin = row + config.scale_begin(s);
      auto grid = std::make_unique<ColormapImage>();
      grid->set_values(std::vector<float>(begin, begin + pn * pn), pn, pn);
      grid->set_params({colormap_ ? Colormap::kMagma : Colormap::kViridis, false, 0.0f, hi});  // one scale for all
      overlays_.push_back(std::move(grid));
    }
  }
  const int qs = config.patch_nums[r->step];
  ImGui::Text("query (%d, %d) of scale %d%s:", query / qs, query % qs, r->step + 1, pinned >= 0 ? " (pinned)" : "");
  const float side = std::clamp(ImGui::GetContentRegionAvail().x / float(std::max(1, scales)) - 6, 32.0f, 96.0f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int s = 0; s < scales; ++s) {
    if (s) ImGui::SameLine();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    scale_images_[s]->draw({side, side});
    overlays_[s]->draw_overlay(draw, p0, {p0.x + side, p0.y + side}, IM_COL32(255, 255, 255, 170));
  }
  // The strongest keys of this query.
  std::vector<int> order(size_t(r->keys));
  std::iota(order.begin(), order.end(), 0);
  const int top = std::min<int>(5, int(r->keys));
  std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](int a, int b) { return row[a] > row[b]; });
  std::string text = "top keys:";
  for (int i = 0; i < top; ++i) {
    int ks = 0;
    while (ks + 1 < config.num_scales() && config.scale_begin(ks + 1) <= order[i]) ++ks;
    const int pos = order[i] - int(config.scale_begin(ks)), pn = config.patch_nums[ks];
    char item[64];
    std::snprintf(item, sizeof item, "  s%d(%d,%d) %.3f", ks + 1, pos / pn, pos % pn, row[order[i]]);
    text += item;
  }
  ImGui::TextWrapped("%s", text.c_str());
}

}  // namespace vs::gui
