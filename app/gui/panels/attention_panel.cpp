#include "app/gui/widgets/ui_px.h"
#include "app/gui/panels/attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app/gui/session/scale_stats.h"
#include "app/gui/widgets/module_title.h"
#include "core/attention/pyramid.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

// Smallest positive probability shown on the log scale (the masked / underflowed entries
// are 0 and would be −∞).
constexpr float kLogFloor = 1e-6f;

std::vector<float> head_slice(const AttentionMap& m, int head) {
  const size_t n = size_t(m.queries) * m.keys;
  return std::vector<float>(m.probs.begin() + head * n, m.probs.begin() + (head + 1) * n);
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
  if (!session_->info() || session_->frames().empty() || session_->generating()) return;
  Selection& sel = session_->selection;
  if (const gen::ModuleInfo* m = session_->module_info(sel.module)) {
    sel.block = std::clamp(sel.block, 0, m->blocks - 1);
    sel.head = std::clamp(sel.head, 0, m->heads - 1);
  }
  session_->request_capture(session_->selected_key());
}

int64_t AttentionPanel::scale_begin(int scale) const {
  const std::vector<int>& scales = session_->info()->scales;
  return attention::pyramid_tokens({scales.begin(), scales.begin() + std::clamp(scale, 0, int(scales.size()))});
}

bool AttentionPanel::block_causal() const {
  const AttentionMap* m = session_->attention_map();
  return m && m->key.kind == observe::AttentionKind::kSelf && m->key.scale > 0 &&
         m->keys == scale_begin(m->key.scale + 1);
}

void AttentionPanel::rebuild() {
  const AttentionMap* m = session_->attention_map();
  const int head = std::clamp(session_->selection.head, 0, std::max(0, m->heads - 1));
  const int params = colormap_ * 4 + log_scale_ * 2 + normalise_;
  const int serial = session_->capture_serial();
  if (serial == shown_serial_ && head == shown_head_ && params == shown_params_) return;
  const bool new_result = serial != shown_serial_ || params != shown_params_;
  shown_serial_ = serial, shown_head_ = head, shown_params_ = params;
  const Colormap cmap = colormap_ ? Colormap::kMagma : Colormap::kViridis;
  std::vector<float> values = head_slice(*m, head);
  if (normalise_ == 1) range_of(m->probs, log_scale_, &lo_, &hi_);
  else range_of(values, log_scale_, &lo_, &hi_);
  matrix_.set_values(std::move(values), int(m->queries), int(m->keys));
  matrix_.set_params({cmap, log_scale_, lo_, hi_});
  std::vector<float> ramp(256);
  for (int i = 0; i < 256; ++i)
    ramp[i] = log_scale_ ? lo_ * std::pow(hi_ / lo_, i / 255.0f) : lo_ + (hi_ - lo_) * i / 255.0f;
  legend_.set_values(std::move(ramp), 1, 256);
  legend_.set_params({cmap, log_scale_, lo_, hi_});
  if (new_result) {
    thumbs_.clear();
    for (int h = 0; h < m->heads; ++h) {
      std::vector<float> v = head_slice(*m, h);
      float lo = lo_, hi = hi_;
      if (normalise_ == 0) range_of(v, log_scale_, &lo, &hi);
      auto t = std::make_unique<ColormapImage>();
      t->set_values(std::move(v), int(m->queries), int(m->keys));
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

void AttentionPanel::draw_site_controls() {
  const gen::ModelInfo& info = *session_->info();
  Selection& sel = session_->selection;
  const int n = int(session_->frames().size());
  const float w = ImGui::GetContentRegionAvail().x / 3 - 8;
  int scale = session_->selected_scale() + 1;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("scale", &scale, 1, n)) sel.scale = scale - 1;
  if (info.modules.size() > 1) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w * 0.8f);
    if (ImGui::BeginCombo("module", module_title(sel.module))) {
      for (const gen::ModuleInfo& m : info.modules)
        if (ImGui::Selectable(module_title(m.module), m.module == sel.module)) {
          sel.module = m.module;
          if (!m.cross) sel.kind = observe::AttentionKind::kSelf;
        }
      ImGui::EndCombo();
    }
  }
  const gen::ModuleInfo* module = session_->module_info(sel.module);
  if (!module) return;
  if (module->cross) {
    ImGui::SameLine();
    if (ImGui::RadioButton("self", sel.kind == observe::AttentionKind::kSelf)) sel.kind = observe::AttentionKind::kSelf;
    ImGui::SameLine();
    if (ImGui::RadioButton("cross", sel.kind == observe::AttentionKind::kCross)) sel.kind = observe::AttentionKind::kCross;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("queries of the scale × the AR condition's tokens");
  }
  const CaptureKey key = session_->selected_key();
  const int steps = euler_steps(session_->frames()[size_t(key.scale)], sel.module);
  if (steps > 0) {
    int step = key.euler_step + 1;
    ImGui::SetNextItemWidth(w);
    if (ImGui::SliderInt("Euler step", &step, 1, steps)) sel.euler_step = step - 1;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("1…%d: from noise (t = 1) towards data (t = 0)", steps);
    ImGui::SameLine();
  }
  int block = key.block + 1, head = std::clamp(sel.head, 0, module->heads - 1) + 1;
  ImGui::SetNextItemWidth(w * 0.7f);
  if (ImGui::SliderInt("block", &block, 1, module->blocks)) sel.block = block - 1;
  if (sel.module == observe::Module::kAr && ImGui::IsItemHovered()) ImGui::SetTooltip("encoder blocks first, then decoder blocks");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.7f);
  if (ImGui::SliderInt("head", &head, 1, module->heads)) sel.head = head - 1;
  ImGui::SetNextItemWidth(w * 0.7f);
  ImGui::Combo("colormap", &colormap_, "viridis\0magma\0");
  ImGui::SameLine();
  ImGui::Checkbox("log", &log_scale_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.7f);
  ImGui::Combo("normalise", &normalise_, "per head\0per block\0");
  ImGui::SameLine();
  ImGui::Checkbox("all heads", &show_grid_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("every block × head of this site as a thumbnail; click one to inspect it");
}

void AttentionPanel::draw() {
  map_drawn_ = overlay_drawn_ = false;
  if (!session_->info()) {
    ImGui::TextWrapped("No model is open: open one in the Generation panel.");
    return;
  }
  if (session_->frames().empty()) {
    ImGui::TextWrapped("Generate an image first; then pick a scale, block and head here.");
    return;
  }
  draw_site_controls();
  const AttentionMap* m = session_->attention_map();
  const bool current = m && m->key == session_->selected_key();
  if (!session_->capture_error().empty() && !session_->capturing()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("capture failed: %s", session_->capture_error().c_str());
    ImGui::PopStyleColor();
    return;
  }
  if (session_->generating() || !m || !current) {
    ImGui::TextDisabled(session_->generating() ? "captured once the generation is done…"
                                               : "capturing: replaying the run up to this scale…");
    if (!m) return;
  }
  rebuild();
  Selection& sel = session_->selection;
  if (show_grid_ && m->grid) {
    grid_view_.set(m->grid, colormap_ ? Colormap::kMagma : Colormap::kViridis, log_scale_, normalise_ == 1);
    int block_clicked = -1, head_clicked = -1;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (grid_view_.draw(avail.x, avail.y * 0.35f, m->key.block, shown_head_, &block_clicked, &head_clicked))
      sel.block = block_clicked, sel.head = head_clicked;
  } else {
    const float thumb = 48;
    for (int h = 0; h < int(thumbs_.size()); ++h) {
      if (h) ImGui::SameLine();
      const ImVec2 p0 = ImGui::GetCursorScreenPos();
      int a, b;
      const float big = float(std::max<int64_t>(m->keys, m->queries));
      thumbs_[h]->draw({thumb * m->keys / big, thumb * m->queries / big}, &a, &b);
      if (ImGui::IsItemClicked()) sel.head = h;
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("block %d head %d", m->key.block + 1, h + 1);
      if (h == shown_head_)
        ImGui::GetWindowDrawList()->AddRect(p0, ImGui::GetItemRectMax(), IM_COL32(255, 210, 80, 255), 0, 0, 2);
    }
  }
  draw_matrix();
}

void AttentionPanel::draw_matrix() {
  const AttentionMap* m = session_->attention_map();
  Selection& sel = session_->selection;
  const gen::ModelInfo& info = *session_->info();
  const int scale = m->key.scale, side = info.scales[size_t(scale)];
  const bool causal = block_causal();
  std::string where = std::string(module_title(m->key.module)) + ", scale " + std::to_string(scale + 1);
  if (m->key.euler_step >= 0) where += ", Euler step " + std::to_string(m->key.euler_step + 1);
  ImGui::Text("%s, %s block %d, head %d: %lld queries × %lld %s", where.c_str(),
              observe::attention_kind_name(m->key.kind), m->key.block + 1, shown_head_ + 1, (long long)m->queries,
              (long long)m->keys, m->key.kind == observe::AttentionKind::kCross ? "condition tokens" : "keys");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Captured by replaying the run's own scales up to this one (conditional row);\n"
                      "white lines: where the keys of each earlier scale begin.");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_h = ImGui::GetFrameHeight() * 0.7f + ImGui::GetTextLineHeightWithSpacing() * 3 + 8;
  const float cell = std::max(1.0f, std::min(avail.x / float(m->keys), (avail.y - legend_h) / float(m->queries)));
  const ImVec2 size{cell * m->keys, cell * m->queries};
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  int hr = -1, hc = -1;
  const bool hovered = matrix_.draw(size, &hr, &hc);
  map_drawn_ = true;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (causal)
    for (int s = 1; s <= scale; ++s) {
      const float x = p0.x + cell * float(scale_begin(s));
      draw->AddLine({x, p0.y}, {x, p0.y + size.y}, IM_COL32(255, 255, 255, 150), 1.0f);
    }
  if (hovered && hr >= 0 && hc >= 0) {
    if (causal) {
      int key_scale = 0;
      while (key_scale + 1 <= scale && scale_begin(key_scale + 1) <= hc) ++key_scale;
      const int64_t pos = hc - scale_begin(key_scale);
      const int ks = info.scales[size_t(key_scale)];
      ImGui::SetTooltip("query (%d, %d) of scale %d\nkey (%lld, %lld) of scale %d\np = %.6g", hr / side, hr % side,
                        scale + 1, (long long)(pos / ks), (long long)(pos % ks), key_scale + 1, matrix_.value_at(hr, hc));
    } else {
      ImGui::SetTooltip("query (%d, %d)\n%s %d\np = %.6g", hr / side, hr % side,
                        m->key.kind == observe::AttentionKind::kCross ? "condition token" : "key", hc,
                        matrix_.value_at(hr, hc));
    }
  }
  draw_legend(std::min(avail.x, std::max(size.x, ui_px(260.0f))));  // wide enough for its five labels
  if (!causal) return;
  if (sel.query >= 0 && sel.query < m->queries)  // the pinned query's row
    draw->AddRect({p0.x, p0.y + cell * sel.query}, {p0.x + size.x, p0.y + cell * (sel.query + 1)},
                  IM_COL32(255, 210, 80, 255), 0, 0, 1.5f);
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) sel.query = sel.query == hr ? -1 : hr;
  if (sel.query >= m->queries) sel.query = -1;
  const int query = sel.query >= 0 ? sel.query : (hovered ? hr : -1);
  if (query >= 0) draw_query_overlay(query);
  else ImGui::TextDisabled("hover a row (a query token) to see its attention over the earlier scales; click to pin it");
}

void AttentionPanel::draw_query_overlay(int query) {
  const AttentionMap* m = session_->attention_map();
  const gen::ModelInfo& info = *session_->info();
  const auto& frames = session_->frames();
  const int head = shown_head_;
  const int scales = std::min<int>(m->key.scale + 1, int(frames.size()));
  const float* row = m->probs.data() + (size_t(head) * m->queries + query) * m->keys;
  const long long key = (static_cast<long long>(session_->capture_serial()) * 256 + head) * 65536 + query;
  if (key != overlay_key_) {
    overlay_key_ = key;
    scale_images_.clear(), overlays_.clear();
    const float hi = std::max(1e-6f, *std::max_element(row, row + m->keys));
    for (int s = 0; s < scales; ++s) {
      auto image = std::make_unique<RgbTexture>();
      image->set(frames[size_t(s)].rgb, frames[size_t(s)].image_side, frames[size_t(s)].image_side);
      scale_images_.push_back(std::move(image));
      const int pn = info.scales[size_t(s)];
      const float* begin = row + scale_begin(s);
      auto grid = std::make_unique<ColormapImage>();
      grid->set_values(std::vector<float>(begin, begin + pn * pn), pn, pn);
      grid->set_params({colormap_ ? Colormap::kMagma : Colormap::kViridis, false, 0.0f, hi});  // one range for all
      overlays_.push_back(std::move(grid));
    }
  }
  const int qs = info.scales[size_t(m->key.scale)];
  ImGui::Text("query (%d, %d) of scale %d%s:", query / qs, query % qs, m->key.scale + 1,
              session_->selection.query >= 0 ? " (pinned)" : "");
  const float side = std::clamp(ImGui::GetContentRegionAvail().x / float(std::max(1, scales)) - 6, ui_px(32.0f), ui_px(96.0f));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int s = 0; s < scales; ++s) {
    if (s) ImGui::SameLine();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    scale_images_[size_t(s)]->draw({side, side});
    overlays_[size_t(s)]->draw_overlay(draw, p0, {p0.x + side, p0.y + side}, IM_COL32(255, 255, 255, 170));
  }
  overlay_drawn_ = true;
  // The strongest keys of this query.
  std::vector<int> order(size_t(m->keys));
  std::iota(order.begin(), order.end(), 0);
  const int top = std::min<int>(5, int(m->keys));
  std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](int a, int b) { return row[a] > row[b]; });
  std::string text = "top keys:";
  for (int i = 0; i < top; ++i) {
    int ks = 0;
    while (ks + 1 <= m->key.scale && scale_begin(ks + 1) <= order[size_t(i)]) ++ks;
    const int pos = order[size_t(i)] - int(scale_begin(ks)), pn = info.scales[size_t(ks)];
    char item[64];
    std::snprintf(item, sizeof item, "  s%d(%d,%d) %.3f", ks + 1, pos / pn, pos % pn, row[order[size_t(i)]]);
    text += item;
  }
  ImGui::TextWrapped("%s", text.c_str());
}

std::string AttentionPanel::report_fields() const {
  const AttentionMap* m = session_->attention_map();
  if (!m) return "\"map_drawn\": false";
  std::string j = "\"map_drawn\": " + std::string(map_drawn_ ? "true" : "false");
  j += ", \"module\": " + io::json::quote(observe::module_name(m->key.module));
  j += ", \"kind\": " + io::json::quote(observe::attention_kind_name(m->key.kind));
  j += ", \"scale\": " + std::to_string(m->key.scale + 1);
  j += ", \"euler_step\": " + (m->key.euler_step >= 0 ? std::to_string(m->key.euler_step + 1) : std::string("null"));
  j += ", \"block\": " + std::to_string(m->key.block + 1) + ", \"head\": " + std::to_string(shown_head_ + 1);
  j += ", \"heads\": " + std::to_string(m->heads) + ", \"queries\": " + std::to_string(m->queries);
  j += ", \"keys\": " + std::to_string(m->keys);
  j += ", \"grid\": " + std::string(m->grid ? "true" : "false");
  j += ", \"query_overlay\": " + std::string(overlay_drawn_ ? "true" : "false");
  return j;
}

}  // namespace vs::gui
