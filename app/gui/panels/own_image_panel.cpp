#include "app/gui/widgets/ui_px.h"
#include "app/gui/panels/own_image_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "app/gui/panels/generation_panel.h"
#include "core/generator/describe.h"
#include "core/io/image_io.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

const ImU32 kKeptColor = IM_COL32(255, 210, 80, 255);
const ImU32 kGeneratedTint = IM_COL32(235, 40, 60, 165);  // tokens an edit generates

std::unique_ptr<RgbTexture> texture_of(const std::vector<uint8_t>& rgb, int side) {
  auto texture = std::make_unique<RgbTexture>();
  if (!rgb.empty()) texture->set(rgb, side, side);
  return texture;
}

}  // namespace

OwnImagePanel::OwnImagePanel(std::shared_ptr<const GenerationSource> source, const GenerationPanel* generation,
                             std::function<void()> wake, const AppOptions& options)
    : source_(std::move(source)), generation_(generation), own_(wake) {
  if (!options.image_path.empty()) {
    std::snprintf(path_, sizeof path_, "%s", options.image_path.c_str());
    pending_path_ = options.image_path;
  }
  if (options.keep_scales >= 0) keep_scales_ = pending_keep_ = options.keep_scales;
  if (!options.fit.empty()) fit_ = io::parse_square_fit(options.fit, "--fit"), fit_given_ = true;
  if (options.edits()) {
    mode_ = Mode::kEdit, select_mode_ = true;
    pending_edit_ = true;
    pending_edit_box_ = options.edit_box;
    pending_edit_mask_ = options.edit_mask;
    task_ = options.outpaint ? EditTask::kOutpaint : options.edit_class >= 0 ? EditTask::kClassEdit : EditTask::kInpaint;
    edit_class_ = std::max(0, options.edit_class);
    edit_count_ = options.edit_count;
  }
  // Start from --class / --seed (the Generation panel's too); update() then follows the
  // Generation panel whenever it runs with another class or seed.
  const gen::SamplingRequest shown = source_->shown_request();
  seen_class_ = shown.labels.empty() ? -1 : shown.labels.front(), seen_seed_ = shown.seed;
  if (options.class_id >= 0) class_id_ = options.class_id;
  if (options.seed >= 0) seed_ = (unsigned long long)options.seed;
}

void OwnImagePanel::draw_fit_notice() {
  const int w = own_.source_width(), h = own_.source_height();
  if (w == 0 || w == h) return;
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored({1.0f, 0.8f, 0.35f, 1.0f}, "%d×%d is not square:", w, h);
  ImGui::SameLine();
  int fit = int(fit_);
  const char* fits[] = {"centre-cropped to a square", "letterboxed (padded) to a square"};
  ImGui::SetNextItemWidth(ImGui::CalcTextSize(fits[1]).x + ImGui::GetFrameHeight() * 2);
  if (ImGui::Combo("##fit", &fit, fits, 2) && fit != int(fit_)) {
    fit_ = io::SquareFit(fit);
    pending_path_ = own_.image_path();  // encode again with the other fit
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Crop keeps the centred %d×%d square; pad keeps the whole picture on its border's mean colour.\n"
                      "The CLI does the same with encode/edit --fit crop|pad.",
                      std::min(w, h), std::min(w, h));
}

void OwnImagePanel::load(const Settings& s) {
  if (!path_[0]) std::snprintf(path_, sizeof path_, "%s", s.get("own_image.path", "").c_str());
  if (pending_keep_ < 0) keep_scales_ = std::max(0, s.get_int("own_image.keep_scales", keep_scales_));
  if (!fit_given_) fit_ = s.get("own_image.fit", "crop") == "pad" ? io::SquareFit::kPad : io::SquareFit::kCrop;
}

void OwnImagePanel::save(Settings& s) const {
  s.set("own_image.path", path_);
  s.set_int("own_image.keep_scales", keep_scales_);
  s.set("own_image.fit", io::square_fit_name(fit_));
}

void OwnImagePanel::open_image(const std::string& path) {
  std::snprintf(path_, sizeof path_, "%s", path.c_str());
  pending_path_ = path;
}

bool OwnImagePanel::busy() const {
  // Pending work is resolved by update() as soon as no model is loading; an error (no
  // model, a bad image) ends the wait, so a headless run waiting on busy() cannot hang.
  return own_.busy() || !pending_path_.empty() || (pending_keep_ >= 0 && own_.error().empty()) ||
         (pending_edit_ && own_.error().empty() && edit_error_.empty());
}

gen::SamplingRequest OwnImagePanel::live_request() const {
  gen::SamplingRequest request = generation_ ? generation_->live_request() : source_->shown_request();
  request.labels = {int64_t(class_id_)};
  request.seed = seed_;
  return request;
}

std::string OwnImagePanel::class_label(int class_id) const {
  const auto& g = own_.generator() ? own_.generator() : source_->generator();
  return g ? gui::class_label(g->info(), class_id) : std::to_string(class_id);
}

int OwnImagePanel::num_classes() const { return own_.generator() ? own_.generator()->info().num_classes : 1; }

bool OwnImagePanel::can_regenerate() const {
  return own_.encoded() && !own_.encoding() && own_.generator() && own_.generator() == source_->generator();
}

void OwnImagePanel::regenerate(int keep_scales) { own_.regenerate(keep_scales, live_request()); }

void OwnImagePanel::follow_generation() {
  const gen::SamplingRequest shown = source_->shown_request();
  const int64_t c = shown.labels.empty() ? -1 : shown.labels.front();
  if (c != seen_class_ || shown.seed != seen_seed_) {
    seen_class_ = c, seen_seed_ = shown.seed;
    if (c >= 0) class_id_ = int(c), seed_ = shown.seed;
  }
}

void OwnImagePanel::start_pending_work() {
  if (source_->loading()) return;  // the coming model (or its family) is not known yet
  const std::shared_ptr<const gen::Generator> generator = source_->generator();
  // A new model re-encodes the image on screen; a regeneration on screen is redone too.
  if (pending_path_.empty() && !image_.empty() && generator &&
      (own_.image_path() != image_ || own_.generator() != generator)) {
    pending_path_ = image_;
    if (own_.image_path() == image_ && own_.regen_keep_scales() >= 0) pending_keep_ = own_.regen_keep_scales();
  }
  if (!pending_path_.empty()) {
    // Without a model the session records the "open a model first" error; a model opened
    // later re-encodes the image (above).
    own_.encode(pending_path_, generator, fit_);
    image_ = pending_path_, pending_path_.clear();
  }
  // --keep-scales waits for an encoding (through a "no model yet" error, too).
  if (pending_keep_ >= 0 && own_.encoded() && !own_.encoding()) {
    regenerate(pending_keep_);
    pending_keep_ = -1;
  }
  // --edit-box / --edit-mask: painted on the encoded image, then run once.
  if (pending_edit_ && own_.encoded() && !own_.encoding()) {
    pending_edit_ = false;
    mask_.reset(own_.input_side());
    try {
      if (!pending_edit_box_.empty())
        mask_.box_fraction(pending_edit_box_[0], pending_edit_box_[1], pending_edit_box_[2], pending_edit_box_[3], true);
      else
        mask_.set_from_picture(io::read_image_square(pending_edit_mask_, own_.input_side()).data);
      start_edit();
    } catch (const std::exception& e) {
      edit_error_ = e.what();
    }
  }
}

void OwnImagePanel::update() {
  follow_generation();
  own_.update();
  start_pending_work();
  rebuild_textures();
}

void OwnImagePanel::rebuild_textures() {
  if (shown_serial_ != own_.serial()) {
    shown_serial_ = own_.serial();
    input_.reset();
    recons_.clear(), tokens_.clear();
    if (!own_.input_rgb().empty()) input_ = texture_of(own_.input_rgb(), own_.input_side());
    if (mask_.side() != own_.input_side()) mask_.reset(own_.input_side());
    shown_mask_serial_ = ~uint64_t(0);
    float hi = 1e-6f;  // one range for every scale, so scales compare
    for (const EncodedScale& s : own_.scales())
      for (float v : s.token_view) hi = std::max(hi, v);
    for (const EncodedScale& s : own_.scales()) {
      recons_.push_back(texture_of(s.recon_rgb, s.image_side));
      auto grid = std::make_unique<ColormapImage>();
      grid->set_values(s.token_view, s.side, s.side);
      grid->set_params({Colormap::kViridis, false, 0.0f, hi});
      tokens_.push_back(std::move(grid));
    }
  }
  if (shown_regen_serial_ != own_.regen_serial()) {
    shown_regen_serial_ = own_.regen_serial();
    regenerated_.reset();
    const auto& frames = own_.regenerated();
    if (!frames.empty() && !frames.back().rgb.empty()) regenerated_ = texture_of(frames.back().rgb, frames.back().image_side);
    edit_results_.clear();
    if (own_.last_run_was_edit() && !frames.empty())
      for (const std::vector<uint8_t>& rgb : frames.back().rgb_rows)
        edit_results_.push_back(texture_of(rgb, frames.back().image_side));
  }
  rebuild_mask_view();
}

std::string OwnImagePanel::report_fields() const {
  return "\"image\": " + io::json::quote(own_.image_path()) + ", \"encoded\": " + (own_.encoded() ? "true" : "false") +
         ", \"scales\": " + std::to_string(own_.encoded() ? num_scales() : 0) + ", \"error\": " +
         io::json::quote(own_.error()) + ", \"summary\": " + io::json::quote(summary()) +
         ", \"pictures_drawn\": " + std::to_string(pictures_drawn_) + ", \"pyramid_drawn\": " +
         std::to_string(pyramid_drawn_) + ", \"error_shown\": " + io::json::quote(shown_error_) +
         ", \"mode\": " + (mode_ == Mode::kEdit ? "\"edit\"" : "\"regenerate\"") +
         ", \"painted_pixels\": " + std::to_string(mask_.painted_pixels()) + ", \"generated_tokens\": " +
         std::to_string(generated_tokens()) +
         ", \"source_size\": \"" + std::to_string(own_.source_width()) + "x" + std::to_string(own_.source_height()) +
         "\", \"fit\": \"" + io::square_fit_name(own_.fit()) + "\"" + ", \"edit_results\": " + std::to_string(shown_edit_rows_) + ", \"edit_finished\": " +
         (own_.last_run_was_edit() && own_.regen_finished() ? "true" : "false") +
         ", \"edit_error\": " + io::json::quote(edit_error_);
}

std::string OwnImagePanel::summary() const {
  if (!own_.error().empty()) return "image error: " + own_.error();
  if (!edit_error_.empty()) return "edit error: " + edit_error_;
  if (!own_.encoded()) return "no image encoded";
  std::string s = "image " + own_.image_path() + ": " + std::to_string(num_scales()) + " scales encoded (" +
                  gen::family_name(own_.generator()->info().family) + ")";
  if (!own_.regenerate_error().empty()) return s + ", regeneration failed: " + own_.regenerate_error();
  if (own_.regen_finished() && own_.last_run_was_edit()) {
    const gen::SamplingRequest& r = own_.regen_request();
    return s + ", edited (" + edit_task_name(task_) + ", " + std::to_string(r.labels.size()) + " results, seed " +
           std::to_string(r.seed) + ")";
  }
  if (own_.regen_finished()) {
    const gen::SamplingRequest& r = own_.regen_request();
    s += ", regenerated keeping " + std::to_string(own_.regen_keep_scales()) + " scales (class " +
         std::to_string(r.labels.front()) + ", seed " + std::to_string(r.seed) + ")";
  }
  return s;
}

void OwnImagePanel::draw_images(float side) {
  const int n = num_scales();
  const int kept = std::clamp(own_.regen_keep_scales() >= 0 ? own_.regen_keep_scales() : keep_scales_, 0, n);
  char kept_title[64];
  if (kept == 1) std::snprintf(kept_title, sizeof kept_title, "kept: scale 1");
  else std::snprintf(kept_title, sizeof kept_title, "kept: scales 1..%d", kept);
  ImGui::BeginGroup();
  ImGui::TextDisabled("original (as the tokenizer sees it)");
  if (input_) input_->draw({side, side}), ++pictures_drawn_;
  else ImGui::Dummy({side, side});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", kept ? kept_title : "kept: nothing");
  if (kept > 0 && kept <= int(recons_.size()) && !recons_[kept - 1]->empty()) {
    recons_[kept - 1]->draw({side, side});
    ++pictures_drawn_;
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
    ImGui::TextDisabled("regenerated");
  if (regenerated_) {
    regenerated_->draw({side, side});
    ++pictures_drawn_;
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
    const gen::SamplingRequest& r = own_.regen_request();
    ImGui::TextDisabled("regenerated keeping %d of %d scales · class %s · seed %llu · %s", own_.regen_keep_scales(), n,
                        class_label(int(r.labels.front())).c_str(), (unsigned long long)r.seed,
                        gen::describe_request(r).c_str());
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
  ImGui::TextDisabled("%s — from the Generation panel", gen::describe_request(live_request()).c_str());
}

void OwnImagePanel::draw_pyramid() {
  const int n = num_scales();
  if (n == 0 || int(tokens_.size()) != n) return;
  const bool ids = own_.holds_ids();
  if (mode_ == Mode::kEdit)
    heading("The edit at every scale: red tokens are generated (paint or erase tokens here too)");
  else
    heading(ids ? "Token pyramid and the reconstruction after each scale (click: keep up to it)"
                : "Latent pyramid (‖token‖) and each scale's latent decoded (click: keep up to it)");
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float side = std::clamp((ImGui::GetContentRegionAvail().x - spacing * (n - 1)) / n, ui_px(24.0f), ui_px(128.0f));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const int kept = own_.regen_keep_scales() >= 0 && own_.regenerating() ? own_.regen_keep_scales() : keep_scales_;
  for (int s = 0; s < n; ++s) {
    if (s) ImGui::SameLine();
    ImGui::BeginGroup();
    const EncodedScale& scale = own_.scales()[s];
    const int scale_side = scale.side;
    ImGui::TextDisabled("%d: %d×%d", s + 1, scale_side, scale_side);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    int row = -1, col = -1;
    ++pyramid_drawn_;
    if (tokens_[s]->draw({side, side}, &row, &col) && row >= 0 && col >= 0) {
      const size_t t = size_t(row) * scale_side + col;
      if (ids)
        ImGui::SetTooltip("scale %d token (%d, %d) = id %lld", s + 1, row, col, (long long)scale.code.ids[t]);
      else
        ImGui::SetTooltip("scale %d token (%d, %d): ‖token‖ = %.3f", s + 1, row, col, scale.token_view[t]);
    }
    const bool clicked_tokens = mode_ == Mode::kRegenerate && ImGui::IsItemClicked();
    if (mode_ == Mode::kEdit) {
      const std::vector<uint8_t> generated = generated_at_scale(s);
      const float cell = side / scale_side;
      for (int t = 0; t < scale_side * scale_side; ++t)
        if (generated[t])
          draw->AddRectFilled({p0.x + (t % scale_side) * cell, p0.y + (t / scale_side) * cell},
                              {p0.x + (t % scale_side + 1) * cell, p0.y + (t / scale_side + 1) * cell}, kGeneratedTint);
      if (ImGui::IsItemHovered() && row >= 0 && col >= 0 &&
          (ImGui::IsMouseDown(ImGuiMouseButton_Left) || ImGui::IsMouseDown(ImGuiMouseButton_Right)))
        paint_token(s, row, col);
    }
    if (!recons_[s]->empty()) {
      recons_[s]->draw({side, side});
    } else {
      ImGui::Dummy({side, side});
      draw->AddText({p0.x + 4, p0.y + side + 4}, ImGui::GetColorU32(ImGuiCol_TextDisabled), "decoding…");
    }
    if (clicked_tokens || (mode_ == Mode::kRegenerate && ImGui::IsItemClicked())) keep_scales_ = std::min(s + 1, n - 1);
    if (mode_ == Mode::kRegenerate && s < kept) draw->AddRect({p0.x - 1, p0.y - 1}, {p0.x + side + 1, p0.y + 2 * side + ImGui::GetStyle().ItemSpacing.y + 1},
                                kKeptColor, 0, 0, 2);
    ImGui::EndGroup();
  }
}

void OwnImagePanel::draw() {
  pictures_drawn_ = pyramid_drawn_ = 0;
  shown_error_.clear();
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("Open imageBrowse…").x -
                          style.FramePadding.x * 4 - style.ItemSpacing.x * 2);
  const bool entered = ImGui::InputTextWithHint("##image", "a PNG or JPEG (or drop one on the window)", path_, sizeof path_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open image") || entered) && path_[0]) open_image(path_);
  ImGui::SameLine();
  if (ImGui::Button("Browse…")) browse();
  std::string chosen;
  if (browser_.draw(&chosen)) open_image(chosen);
  const bool has_model = source_->generator() != nullptr;
  const std::string& path = own_.image_path();
  if (!own_.error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    shown_error_ = "Cannot use the image: " + own_.error();
    ImGui::TextWrapped("%s", shown_error_.c_str());
    ImGui::PopStyleColor();
  } else if (own_.encoding() && !own_.encoded()) {
    ImGui::TextDisabled("encoding %s …", path.c_str());
  } else if (!own_.encoded()) {
    ImGui::TextWrapped(has_model ? "Open an image to see its pyramid and regenerate it from any scale."
                                 : "Open a VAR or FlowAR model first (Generation panel), then an image.");
    return;
  } else {
    ImGui::TextDisabled("%s · %d px · %d scales · %s, %s%s", path.c_str(), own_.input_side(), num_scales(),
                        gen::family_name(own_.generator()->info().family), own_.holds_ids() ? "token ids" : "latents",
                        own_.reconstructed() ? "" : " · decoding the reconstructions…");
  }
  if (!own_.encoded()) return;
  draw_fit_notice();
  if (ImGui::BeginTabBar("own_image_mode")) {
    const ImGuiTabItemFlags regen_flags = select_mode_ && mode_ == Mode::kRegenerate ? ImGuiTabItemFlags_SetSelected : 0;
    const ImGuiTabItemFlags edit_flags = select_mode_ && mode_ == Mode::kEdit ? ImGuiTabItemFlags_SetSelected : 0;
    select_mode_ = false;
    if (ImGui::BeginTabItem("Regenerate from a scale", nullptr, regen_flags)) mode_ = Mode::kRegenerate, ImGui::EndTabItem();
    if (ImGui::BeginTabItem("Edit with a mask", nullptr, edit_flags)) mode_ = Mode::kEdit, ImGui::EndTabItem();
    ImGui::EndTabBar();
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::clamp(std::min((avail.x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3, avail.y * 0.42f), ui_px(48.0f), ui_px(320.0f));
  if (mode_ == Mode::kEdit) {
    draw_edit(side);
  } else {
    draw_images(side);
    draw_controls();
  }
  draw_pyramid();
}

}  // namespace vs::gui
