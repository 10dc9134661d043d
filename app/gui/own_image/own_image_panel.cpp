#include "app/gui/own_image/own_image_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "app/gui/panels/generation_panel.h"

namespace vs::gui {

namespace {

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

const ImU32 kKeptColor = IM_COL32(255, 210, 80, 255);

std::unique_ptr<RgbTexture> texture_of(const std::vector<uint8_t>& rgb, int side) {
  auto texture = std::make_unique<RgbTexture>();
  if (!rgb.empty()) texture->set(rgb, side, side);
  return texture;
}

}  // namespace

OwnImagePanel::OwnImagePanel(std::shared_ptr<VarSession> session, std::shared_ptr<FlowArSession> flowar,
                             const GenerationPanel* generation, std::function<void()> wake, const AppOptions& options)
    : session_(std::move(session)), flowar_(std::move(flowar)), generation_(generation), own_(wake),
      flowar_own_(wake) {
  if (!options.image_path.empty()) {
    std::snprintf(path_, sizeof path_, "%s", options.image_path.c_str());
    pending_path_ = options.image_path;
  }
  if (options.keep_scales >= 0) keep_scales_ = pending_keep_ = options.keep_scales;
  // Start from --class / --seed (the Generation panel's too); update() then follows the
  // Generation panel whenever it runs with another class or seed.
  seen_class_ = session_->requested_params().class_id, seen_seed_ = session_->requested_params().seed;
  seen_flowar_class_ = flowar_->frames_params().class_id, seen_flowar_seed_ = flowar_->frames_params().seed;
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
  return own_.busy() || flowar_own_.busy() || !pending_path_.empty() || (pending_keep_ >= 0 && error().empty());
}

// The Generation panel's widgets now, with this panel's class and seed.
GenerationParams OwnImagePanel::var_params() const {
  GenerationParams p = generation_ ? generation_->params() : session_->requested_params();
  p.class_id = class_id_;
  p.seed = seed_;
  return p;
}

FlowArParams OwnImagePanel::flowar_params() const {
  FlowArParams p = generation_ ? generation_->flowar_params() : flowar_->frames_params();
  p.class_id = class_id_;
  p.seed = seed_;
  return p;
}

std::string OwnImagePanel::class_label(int class_id) const {
  return flowar() ? flowar_->class_label(class_id) : session_->class_label(class_id);
}

int OwnImagePanel::num_classes() const {
  if (flowar()) return flowar_own_.loaded() ? flowar_own_.loaded()->model->config.num_classes : 1;
  return own_.model() ? own_.model()->config().num_classes : 1;
}

bool OwnImagePanel::can_regenerate() const {
  if (!encoded() || encoding()) return false;
  if (flowar()) return flowar_own_.model_path() == flowar_->model_path() && flowar_->model();
  return own_.model() == session_->model();
}

void OwnImagePanel::regenerate(int keep_scales) {
  if (flowar()) flowar_own_.regenerate(keep_scales, flowar_params());
  else own_.regenerate(keep_scales, var_params());
}

void OwnImagePanel::follow_generation() {
  const GenerationParams& requested = session_->requested_params();
  if (requested.class_id != seen_class_ || requested.seed != seen_seed_) {
    seen_class_ = requested.class_id, seen_seed_ = requested.seed;
    if (!flowar()) class_id_ = requested.class_id, seed_ = requested.seed;
  }
  const FlowArParams& ran = flowar_->frames_params();
  if (ran.class_id != seen_flowar_class_ || ran.seed != seen_flowar_seed_) {
    seen_flowar_class_ = ran.class_id, seen_flowar_seed_ = ran.seed;
    if (flowar()) class_id_ = ran.class_id, seed_ = ran.seed;
  }
}

void OwnImagePanel::start_pending_work() {
  if (flowar_->detecting) return;  // the family of the coming model is not known yet
  // A new model or family re-encodes the image on screen; a regeneration on screen is
  // redone with it too.
  if (pending_path_.empty() && !image_.empty()) {
    if (flowar() && flowar_->model() && !flowar_->loading() &&
        (flowar_own_.image_path() != image_ || flowar_own_.model_path() != flowar_->model_path() ||
         flowar_own_.vae_path() != flowar_->vae_path())) {
      pending_path_ = image_;
      if (flowar_own_.image_path() == image_ && flowar_own_.regen_keep_scales() >= 0)
        pending_keep_ = flowar_own_.regen_keep_scales();
    } else if (!flowar() && session_->model() && (own_.image_path() != image_ || own_.model() != session_->model())) {
      pending_path_ = image_;
      if (own_.image_path() == image_ && own_.regen_keep_scales() >= 0) pending_keep_ = own_.regen_keep_scales();
    }
  }
  if (!pending_path_.empty()) {
    // Without a model the session records the "open a model first" error; a model opened
    // later re-encodes the image (above).
    if (flowar() && !flowar_->loading()) {
      flowar_own_.encode(pending_path_, flowar_->shared_loaded(), flowar_->model_path(), flowar_->vae_path());
      image_ = pending_path_, pending_path_.clear();
    } else if (!flowar() && !session_->loading()) {
      own_.encode(pending_path_, session_->model() ? session_->shared_model() : nullptr);
      image_ = pending_path_, pending_path_.clear();
    }
  }
  // --keep-scales waits for an encoding (through a "no model yet" error, too).
  if (pending_keep_ >= 0 && pending_path_.empty() && encoded() && !encoding()) {
    regenerate(pending_keep_);
    pending_keep_ = -1;
  }
}

void OwnImagePanel::update() {
  follow_generation();
  own_.update();
  flowar_own_.update();
  start_pending_work();
  rebuild_textures();
}

void OwnImagePanel::rebuild_textures() {
  const int serial = flowar() ? flowar_own_.serial() : own_.serial();
  const int regen_serial = flowar() ? flowar_own_.regen_serial() : own_.regen_serial();
  const bool switched = shown_flowar_ != flowar();
  shown_flowar_ = flowar();
  if (switched || shown_serial_ != serial) {
    shown_serial_ = serial;
    input_.reset();
    recons_.clear(), tokens_.clear();
    if (flowar()) {
      if (!flowar_own_.input_rgb().empty()) input_ = texture_of(flowar_own_.input_rgb(), flowar_own_.input_side());
      float hi = 1e-6f;
      for (const FlowArEncodedScale& s : flowar_own_.scales())
        for (float v : s.token_norms) hi = std::max(hi, v);
      for (const FlowArEncodedScale& s : flowar_own_.scales()) {
        recons_.push_back(texture_of(s.recon_rgb, s.image_side));
        auto grid = std::make_unique<ColormapImage>();
        grid->set_values(s.token_norms, s.side, s.side);
        grid->set_params({Colormap::kViridis, false, 0.0f, hi});  // one range: scales compare
        tokens_.push_back(std::move(grid));
      }
    } else {
      if (!own_.input_rgb().empty()) input_ = texture_of(own_.input_rgb(), own_.input_side());
      const var::VarModel* model = own_.model();
      const float vocab = model ? float(std::max(1, model->config().vocab - 1)) : 1.0f;
      for (const EncodedScale& s : own_.scales()) {
        recons_.push_back(texture_of(s.recon_rgb, s.image_side));
        auto grid = std::make_unique<ColormapImage>();
        grid->set_values(std::vector<float>(s.ids.begin(), s.ids.end()), s.side, s.side);
        grid->set_params({Colormap::kViridis, false, 0.0f, vocab});
        tokens_.push_back(std::move(grid));
      }
    }
  }
  if (switched || shown_regen_serial_ != regen_serial) {
    shown_regen_serial_ = regen_serial;
    regenerated_.reset();
    const auto& frames = regenerated();
    if (!frames.empty() && !frames.back().rgb.empty()) regenerated_ = texture_of(frames.back().rgb, frames.back().image_side);
  }
}

std::string OwnImagePanel::summary() const {
  if (!error().empty()) return "image error: " + error();
  if (!encoded()) return "no image encoded";
  const std::string& path = flowar() ? flowar_own_.image_path() : own_.image_path();
  std::string s = "image " + path + ": " + std::to_string(num_scales()) + " scales encoded";
  if (flowar()) s += " (FlowAR)";
  if (!regenerate_error().empty()) return s + ", regeneration failed: " + regenerate_error();
  if (regen_finished()) {
    const int c = flowar() ? flowar_own_.regen_params().class_id : own_.regen_params().class_id;
    const uint64_t seed = flowar() ? flowar_own_.regen_params().seed : own_.regen_params().seed;
    s += ", regenerated keeping " + std::to_string(regen_keep()) + " scales (class " + std::to_string(c) + ", seed " +
         std::to_string(seed) + ")";
  }
  return s;
}

void OwnImagePanel::draw_images(float side) {
  const int n = num_scales();
  const int kept = std::clamp(regen_keep() >= 0 ? regen_keep() : keep_scales_, 0, n);
  char kept_title[64];
  std::snprintf(kept_title, sizeof kept_title, flowar() ? "kept: scale %d (its latent)" : "kept: scales 1..%d", kept);
  ImGui::BeginGroup();
  ImGui::TextDisabled("original (as the VAE sees it)");
  if (input_) input_->draw({side, side});
  else ImGui::Dummy({side, side});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", kept ? kept_title : "kept: nothing");
  if (kept > 0 && kept <= int(recons_.size()) && !recons_[kept - 1]->empty()) {
    recons_[kept - 1]->draw({side, side});
  } else {
    ImGui::Dummy({side, side});
  }
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  const auto& frames = regenerated();
  if ((own_.regenerating() || flowar_own_.regenerating()) && !frames.empty())
    ImGui::TextDisabled("regenerating: scale %d / %d", frames.back().scale + 1, frames.back().num_scales);
  else
    ImGui::TextDisabled("regenerated");
  if (regenerated_) {
    regenerated_->draw({side, side});
  } else {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy({side, side});
    ImGui::GetWindowDrawList()->AddRect(p0, {p0.x + side, p0.y + side}, IM_COL32(90, 90, 100, 255));
  }
  ImGui::EndGroup();
  if (!regenerate_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Regeneration failed: %s", regenerate_error().c_str());
    ImGui::PopStyleColor();
  } else if (regen_finished() && flowar()) {
    const FlowArParams& p = flowar_own_.regen_params();
    ImGui::TextDisabled("regenerated keeping %d of %d scales · class %s · seed %llu · cfg %.2f · %d steps · %s",
                        regen_keep(), n, class_label(p.class_id).c_str(), (unsigned long long)p.seed, p.cfg, p.steps,
                        p.variant.c_str());
  } else if (regen_finished()) {
    const GenerationParams& p = own_.regen_params();
    ImGui::TextDisabled("regenerated keeping %d of %d token maps · class %s · seed %llu · cfg %.2f · %s", regen_keep(), n,
                        class_label(p.class_id).c_str(), (unsigned long long)p.seed, p.cfg, p.variant.c_str());
  }
}

void OwnImagePanel::draw_controls() {
  const int n = num_scales();
  keep_scales_ = std::clamp(keep_scales_, 0, std::max(0, n - 1));
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
  ImGui::SliderInt("keep scales", &keep_scales_, 0, std::max(0, n - 1), keep_scales_ ? "1..%d" : "none");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The image's first k scales are kept (the sampler's prefix); the model samples the rest.\n"
                      "Click a scale in the pyramid below to pick k.");
  ImGui::SameLine();
  const int classes = num_classes();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
  if (classes <= 64) {
    if (ImGui::BeginCombo("class", class_label(class_id_).c_str())) {
      for (int c = 0; c < classes; ++c)
        if (ImGui::Selectable(class_label(c).c_str(), c == class_id_)) class_id_ = c;
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
  const bool can = can_regenerate();
  if (!can) ImGui::BeginDisabled();
  char label[64];
  std::snprintf(label, sizeof label, "Regenerate from scale %d", keep_scales_ + 1);
  if (ImGui::Button(label)) regenerate(keep_scales_);
  if (!can) ImGui::EndDisabled();
  if (flowar()) {
    const FlowArParams p = flowar_params();
    ImGui::TextDisabled("cfg %.2f · %d Euler steps · guidance ≤ %.2f · %s — from the Generation panel", p.cfg, p.steps,
                        p.guidance, p.variant.c_str());
  } else {
    const GenerationParams p = var_params();
    ImGui::TextDisabled("cfg %.2f · top-k %d · top-p %.2f · %s — from the Generation panel", p.cfg, p.top_k, p.top_p,
                        p.variant.c_str());
  }
}

void OwnImagePanel::draw_pyramid() {
  const int n = num_scales();
  if (n == 0 || int(tokens_.size()) != n) return;
  heading(flowar() ? "Latent pyramid (‖token‖) and each scale's latent decoded (click: keep up to it)"
                   : "Token pyramid and the reconstruction after each scale (click: keep up to it)");
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float side = std::clamp((ImGui::GetContentRegionAvail().x - spacing * (n - 1)) / n, 24.0f, 128.0f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const bool regenerating_now = own_.regenerating() || flowar_own_.regenerating();
  const int kept = regen_keep() >= 0 && regenerating_now ? regen_keep() : keep_scales_;
  for (int s = 0; s < n; ++s) {
    if (s) ImGui::SameLine();
    ImGui::BeginGroup();
    const int scale_side = flowar() ? flowar_own_.scales()[s].side : own_.scales()[s].side;
    ImGui::TextDisabled("%d: %d×%d", s + 1, scale_side, scale_side);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    int row = -1, col = -1;
    if (tokens_[s]->draw({side, side}, &row, &col) && row >= 0 && col >= 0) {
      const size_t t = size_t(row) * scale_side + col;
      if (flowar())
        ImGui::SetTooltip("scale %d token (%d, %d): ‖token‖ = %.3f", s + 1, row, col, flowar_own_.scales()[s].token_norms[t]);
      else
        ImGui::SetTooltip("scale %d token (%d, %d) = id %lld", s + 1, row, col, (long long)own_.scales()[s].ids[t]);
    }
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
  const bool has_model = flowar() ? flowar_->model() != nullptr : session_->model() != nullptr;
  const std::string& path = flowar() ? flowar_own_.image_path() : own_.image_path();
  const int input_side = flowar() ? flowar_own_.input_side() : own_.input_side();
  const bool reconstructed = flowar() ? flowar_own_.reconstructed() : own_.reconstructed();
  if (!error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Cannot use the image: %s", error().c_str());
    ImGui::PopStyleColor();
  } else if (encoding() && !encoded()) {
    ImGui::TextDisabled("encoding %s …", path.c_str());
  } else if (!encoded()) {
    ImGui::TextWrapped(has_model ? "Open an image to see its pyramid and regenerate it from any scale."
                                 : "Open a VAR or FlowAR model first (Generation panel), then an image.");
    return;
  } else {
    ImGui::TextDisabled("%s · %d px · %d scales · %s%s", path.c_str(), input_side, num_scales(),
                        flowar() ? "FlowAR, KL VAE latents" : "VAR, VQ-VAE tokens",
                        reconstructed ? "" : " · decoding the reconstructions…");
  }
  if (!encoded()) return;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::clamp(std::min((avail.x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3, avail.y * 0.42f), 48.0f, 320.0f);
  draw_images(side);
  draw_controls();
  draw_pyramid();
}

}  // namespace vs::gui
