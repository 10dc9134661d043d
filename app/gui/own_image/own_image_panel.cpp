#include "app/gui/own_image/own_image_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace vs::gui {

namespace {

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

const ImU32 kKeptColor = IM_COL32(255, 210, 80, 255);

}  // namespace

OwnImagePanel::OwnImagePanel(std::shared_ptr<VarSession> session, std::function<void()> wake, const AppOptions& options)
    : session_(std::move(session)), own_(std::move(wake)) {
  if (!options.image_path.empty()) {
    std::snprintf(path_, sizeof path_, "%s", options.image_path.c_str());
    pending_path_ = options.image_path;
  }
  if (options.keep_scales >= 0) keep_scales_ = pending_keep_ = options.keep_scales;
  // Start from --class / --seed (the Generation panel's too); update() then follows the
  // Generation panel whenever it asks for a run with another class or seed.
  seen_params_ = session_->requested_params();
  if (options.class_id >= 0) class_id_ = options.class_id;
  if (options.seed >= 0) seed_ = (unsigned long long)options.seed;
}

void OwnImagePanel::load(const Settings& s) {
  if (!path_[0]) std::snprintf(path_, sizeof path_, "%s", s.get("own_image.path", "").c_str());
  if (pending_keep_ < 0) keep_scales_ = std::max(0, s.get_int("own_image.keep_scales", keep_scales_));
}

void OwnImagePanel::save(Settings& s) const {
  s.set("own_image.path", path_);
  s.set_int("own_image.keep_scales", keep_scales_);
}

void OwnImagePanel::open_image(const std::string& path) {
  std::snprintf(path_, sizeof path_, "%s", path.c_str());
  pending_path_ = path;
}

bool OwnImagePanel::busy() const {
  // Pending work is resolved by update() as soon as no model is loading; an error (no
  // model, a bad image) ends the wait, so a headless run waiting on busy() cannot hang.
  return own_.busy() || !pending_path_.empty() || (pending_keep_ >= 0 && own_.error().empty());
}

GenerationParams OwnImagePanel::params() const {
  GenerationParams p = session_->requested_params();
  p.class_id = class_id_;
  p.seed = seed_;
  return p;
}

void OwnImagePanel::update() {
  // Follow the Generation panel's class and seed each time it asks for a new run.
  const GenerationParams& requested = session_->requested_params();
  if (requested.class_id != seen_params_.class_id || requested.seed != seen_params_.seed) {
    seen_params_ = requested;
    class_id_ = requested.class_id;
    seed_ = requested.seed;
  }
  own_.update();
  // A new model (opened, dropped; or the first, after an image opened without one)
  // re-encodes the image on screen.
  // A regeneration on screen is redone with the new model too.
  if (!own_.image_path().empty() && session_->model() && own_.model() != session_->model() && pending_path_.empty()) {
    pending_path_ = own_.image_path();
    if (own_.regen_keep_scales() >= 0) pending_keep_ = own_.regen_keep_scales();
  }
  if (!pending_path_.empty() && !session_->loading()) {
    if (session_->model()) {
      own_.encode(pending_path_, session_->shared_model());
    } else {
      own_.encode(pending_path_, nullptr);  // the error says to open a model first; a model
    }                                      // opened later re-encodes it (above)
    pending_path_.clear();
  }
  // --keep-scales waits for an encoding (through a "no model yet" error, too).
  if (pending_keep_ >= 0 && pending_path_.empty() && own_.encoded() && !own_.encoding()) {
    own_.regenerate(pending_keep_, params());
    pending_keep_ = -1;
  }
  rebuild_textures();
}

void OwnImagePanel::rebuild_textures() {
  if (shown_serial_ != own_.serial()) {
    shown_serial_ = own_.serial();
    input_.reset();
    if (!own_.input_rgb().empty()) {
      input_ = std::make_unique<RgbTexture>();
      input_->set(own_.input_rgb(), own_.input_side(), own_.input_side());
    }
    recons_.clear(), tokens_.clear();
    const var::VarModel* model = own_.model();
    const float vocab = model ? float(std::max(1, model->config().vocab - 1)) : 1.0f;
    for (const EncodedScale& s : own_.scales()) {
      auto recon = std::make_unique<RgbTexture>();
      if (!s.recon_rgb.empty()) recon->set(s.recon_rgb, s.image_side, s.image_side);
      recons_.push_back(std::move(recon));
      auto grid = std::make_unique<ColormapImage>();
      grid->set_values(std::vector<float>(s.ids.begin(), s.ids.end()), s.side, s.side);
      grid->set_params({Colormap::kViridis, false, 0.0f, vocab});
      tokens_.push_back(std::move(grid));
    }
  }
  if (shown_regen_serial_ != own_.regen_serial()) {
    shown_regen_serial_ = own_.regen_serial();
    regenerated_.reset();
    const auto& frames = own_.regenerated();
    if (!frames.empty() && !frames.back().rgb.empty()) {
      regenerated_ = std::make_unique<RgbTexture>();
      regenerated_->set(frames.back().rgb, frames.back().image_side, frames.back().image_side);
    }
  }
}

std::string OwnImagePanel::summary() const {
  if (!own_.error().empty()) return "image error: " + own_.error();
  if (!own_.encoded()) return "no image encoded";
  std::string s = "image " + own_.image_path() + ": " + std::to_string(own_.scales().size()) + " scales encoded";
  if (!own_.regenerate_error().empty()) return s + ", regeneration failed: " + own_.regenerate_error();
  if (own_.regen_finished())
    s += ", regenerated keeping " + std::to_string(own_.regen_keep_scales()) + " scales (class " +
         std::to_string(own_.regen_params().class_id) + ", seed " + std::to_string(own_.regen_params().seed) + ")";
  return s;
}

void OwnImagePanel::draw_images(float side) {
  const int n = int(own_.scales().size());
  const int kept = std::clamp(own_.regen_keep_scales() >= 0 ? own_.regen_keep_scales() : keep_scales_, 0, n);
  const char* titles[3] = {"original (as the VAE sees it)", "", "regenerated"};
  char kept_title[64];
  std::snprintf(kept_title, sizeof kept_title, "kept: scales 1..%d", kept);
  titles[1] = kept ? kept_title : "kept: nothing";
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", titles[0]);
  if (input_) input_->draw({side, side});
  else ImGui::Dummy({side, side});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", titles[1]);
  if (kept > 0 && kept <= int(recons_.size()) && !recons_[kept - 1]->empty()) {
    recons_[kept - 1]->draw({side, side});
  } else {
    ImGui::Dummy({side, side});
  }
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  const auto& frames = own_.regenerated();
  if (own_.regenerating() && !frames.empty())
    ImGui::TextDisabled("regenerating: scale %d / %d", frames.back().scale + 1, frames.back().num_scales);
  else
    ImGui::TextDisabled("%s", titles[2]);
  if (regenerated_) {
    regenerated_->draw({side, side});
  } else {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy({side, side});
    ImGui::GetWindowDrawList()->AddRect(p0, {p0.x + side, p0.y + side}, IM_COL32(90, 90, 100, 255));
  }
  ImGui::EndGroup();
  if (!own_.regenerate_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Regeneration failed: %s", own_.regenerate_error().c_str());
    ImGui::PopStyleColor();
  } else if (own_.regen_finished()) {
    const GenerationParams& p = own_.regen_params();
    ImGui::TextDisabled("regenerated keeping %d of %d token maps · class %s · seed %llu · cfg %.2f · %s",
                        own_.regen_keep_scales(), n, session_->class_label(p.class_id).c_str(),
                        (unsigned long long)p.seed, p.cfg, p.variant.c_str());
  }
}

void OwnImagePanel::draw_controls() {
  const int n = int(own_.scales().size());
  const var::VarModel* model = own_.model();
  keep_scales_ = std::clamp(keep_scales_, 0, std::max(0, n - 1));
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
  ImGui::SliderInt("keep scales", &keep_scales_, 0, std::max(0, n - 1), keep_scales_ ? "1..%d" : "none");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The image's first k token maps are kept (the sampler's prefix); the model samples the rest.\n"
                      "Click a scale in the pyramid below to pick k.");
  ImGui::SameLine();
  const int classes = model ? model->config().num_classes : 1;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
  if (classes <= 64) {
    if (ImGui::BeginCombo("class", session_->class_label(class_id_).c_str())) {
      for (int c = 0; c < classes; ++c)
        if (ImGui::Selectable(session_->class_label(c).c_str(), c == class_id_)) class_id_ = c;
      ImGui::EndCombo();
    }
  } else {
    ImGui::InputInt("class", &class_id_);
  }
  class_id_ = std::clamp(class_id_, 0, std::max(0, classes - 1));
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.2f);
  ImGui::InputScalar("seed", ImGuiDataType_U64, &seed_);
  ImGui::SameLine();
  if (ImGui::Button("dice")) seed_ = std::random_device{}() % 1000000;
  ImGui::SameLine();
  const bool can_regenerate = own_.encoded() && !own_.encoding() && own_.model() == session_->model();
  if (!can_regenerate) ImGui::BeginDisabled();
  char label[64];
  std::snprintf(label, sizeof label, "Regenerate from scale %d", keep_scales_ + 1);
  if (ImGui::Button(label)) own_.regenerate(keep_scales_, params());
  if (!can_regenerate) ImGui::EndDisabled();
  const GenerationParams p = params();
  ImGui::TextDisabled("cfg %.2f · top-k %d · top-p %.2f · %s — from the Generation panel", p.cfg, p.top_k, p.top_p,
                      p.variant.c_str());
}

void OwnImagePanel::draw_pyramid() {
  const auto& scales = own_.scales();
  const int n = int(scales.size());
  if (n == 0) return;
  heading("Token pyramid and the reconstruction after each scale (click: keep up to it)");
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float side = std::clamp((ImGui::GetContentRegionAvail().x - spacing * (n - 1)) / n, 24.0f, 128.0f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const int kept = own_.regen_keep_scales() >= 0 && own_.regenerating() ? own_.regen_keep_scales() : keep_scales_;
  for (int s = 0; s < n; ++s) {
    if (s) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextDisabled("%d: %d×%d", s + 1, scales[s].side, scales[s].side);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    int row = -1, col = -1;
    if (tokens_[s]->draw({side, side}, &row, &col) && row >= 0 && col >= 0)
      ImGui::SetTooltip("scale %d token (%d, %d) = id %lld", s + 1, row, col,
                        (long long)scales[s].ids[size_t(row) * scales[s].side + col]);
    const bool clicked_tokens = ImGui::IsItemClicked();
    if (!recons_[s]->empty()) {
      recons_[s]->draw({side, side});
    } else {
      ImGui::Dummy({side, side});
      draw->AddText({p0.x + 4, p0.y + side + 4}, ImGui::GetColorU32(ImGuiCol_TextDisabled), "decoding…");
    }
    if (clicked_tokens || ImGui::IsItemClicked()) keep_scales_ = std::min(s + 1, n - 1);
    if (s < kept) draw->AddRect({p0.x - 1, p0.y - 1}, {p0.x + side + 1, p0.y + 2 * side + ImGui::GetStyle().ItemSpacing.y + 1},
                                kKeptColor, 0, 0, 2);
    ImGui::EndGroup();
  }
}

void OwnImagePanel::draw() {
  if (focus_path_) ImGui::SetKeyboardFocusHere(), focus_path_ = false;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("Open image").x -
                          ImGui::GetStyle().FramePadding.x * 2 - ImGui::GetStyle().ItemSpacing.x);
  const bool entered = ImGui::InputTextWithHint("##image", "a PNG or JPEG (or drop one on the window)", path_, sizeof path_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open image") || entered) && path_[0]) open_image(path_);
  if (!own_.error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Cannot use the image: %s", own_.error().c_str());
    ImGui::PopStyleColor();
  } else if (own_.encoding() && !own_.encoded()) {
    ImGui::TextDisabled("encoding %s …", own_.image_path().c_str());
  } else if (!own_.encoded()) {
    ImGui::TextWrapped(session_->model() ? "Open an image to see its token pyramid and regenerate it from any scale."
                                         : "Open a VAR model first (Generation panel), then an image.");
    return;
  } else {
    ImGui::TextDisabled("%s · %d px · %zu scales%s", own_.image_path().c_str(), own_.input_side(), own_.scales().size(),
                        own_.reconstructed() ? "" : " · decoding the reconstructions…");
  }
  if (!own_.encoded()) return;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::clamp(std::min((avail.x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3, avail.y * 0.42f), 48.0f, 320.0f);
  draw_images(side);
  draw_controls();
  draw_pyramid();
}

}  // namespace vs::gui
