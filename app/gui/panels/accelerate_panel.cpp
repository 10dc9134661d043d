#include "app/gui/panels/accelerate_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/accel/accel_spec.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

// Methods to start from; the text field takes any spec (varscope-cli's --accel).
const char* const kPresets[] = {"fastvar", "skip:after=-2", "cfg-drop", "fastvar+skip:after=-2", "steps:n=10",
                                "steps:per=25,12,6", "cfg-drop:guidance=0.5", "cfg-share"};

std::string format_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, ms >= 1000 ? "%.2f s" : "%.1f ms", ms >= 1000 ? ms / 1000 : ms);
  return text;
}

}  // namespace

AcceleratePanel::AcceleratePanel(std::shared_ptr<const GenerationSource> source, std::function<void()> wake,
                                 std::string auto_spec)
    : source_(std::move(source)), auto_spec_(std::move(auto_spec)), job_(std::move(wake)) {
  if (!auto_spec_.empty()) std::snprintf(spec_text_, sizeof spec_text_, "%s", auto_spec_.c_str());
}

void AcceleratePanel::load(const Settings& s) {
  if (auto_spec_.empty()) std::snprintf(spec_text_, sizeof spec_text_, "%s", s.get("accelerate.spec", spec_text_).c_str());
  // A lesson's setup: run the spec as soon as the generation on screen is complete.
  if (s.get_bool("accelerate.run", false)) auto_spec_ = spec_text_;
}

void AcceleratePanel::save(Settings& s) const { s.set("accelerate.spec", spec_text_); }

std::string AcceleratePanel::spec_problem(const std::string& spec) const {
  std::shared_ptr<const gen::Generator> generator = source_->generator();
  if (!generator) return "no model is open";
  gen::SamplingRequest request = source_->shown_request();
  request.accel = spec.empty() ? "none" : spec;
  try {
    gen::accel_plan(generator->info(), request);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void AcceleratePanel::start(const std::string& spec) {
  std::shared_ptr<const gen::Generator> generator = source_->generator();  // kept alive by the job
  if (!generator) return;
  spec_ = spec;
  error_.clear();
  frames_.clear(), masks_.clear();
  has_summary_ = images_set_ = false;
  serial_ = source_->generation_serial();
  if (points_model_ != source_->model_path()) points_.clear(), points_model_ = source_->model_path();
  was_running_ = true;
  // The exact run is the baseline; the accelerated one keeps the run's own attention variant,
  // so a theory variant and a practical method can be compared on the same axes.
  const gen::SamplingRequest shown = source_->shown_request();
  job_.start([generator, shown, spec](BackgroundJob<AccelEvent>::Context& context) {
    run_acceleration(*generator, shown, spec, context);
  });
}

void AcceleratePanel::update() {
  if (serial_ != source_->generation_serial() && (job_.running() || !frames_.empty())) {
    job_.stop();  // a new generation or model: the run is stale
    frames_.clear(), masks_.clear();
    has_summary_ = false, was_running_ = false;
  }
  const bool finished = was_running_ && !job_.running();
  for (AccelEvent& event : job_.take()) {
    if (auto* frame = std::get_if<AccelFrame>(&event)) {
      auto mask = std::make_unique<ColormapImage>();
      if (!frame->kept.empty()) {
        mask->set_values(frame->kept, frame->side, frame->side);
        mask->set_params({Colormap::kViridis, false, 0.0f, 1.0f});
      }
      masks_.push_back(std::move(mask));
      frames_.push_back(std::move(*frame));
    } else {
      summary_ = std::move(std::get<AccelSummary>(event));
      has_summary_ = true, images_set_ = false;
      points_.push_back({source_->shown_request().attention + " + " + spec_, summary_.accel_ms, summary_.psnr,
                         summary_.accel_ms > 0 ? summary_.reference_ms / summary_.accel_ms : 0});
    }
  }
  if (finished) was_running_ = false, error_ = job_.error();
  if (!auto_spec_.empty() && source_->run_complete() && !job_.running()) {
    start(auto_spec_);
    auto_spec_.clear();
  }
  if (!source_->busy() && !source_->run_complete()) auto_spec_.clear();  // nothing to accelerate
}

void AcceleratePanel::draw() {
  const bool complete = source_->run_complete();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.5f);
  ImGui::InputTextWithHint("##spec", "acceleration spec, e.g. fastvar+skip:after=-2", spec_text_, sizeof spec_text_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("presets").x + ImGui::GetFrameHeight() * 2);
  if (ImGui::BeginCombo("##presets", "presets")) {
    for (const char* p : kPresets)
      if (ImGui::Selectable(p)) std::snprintf(spec_text_, sizeof spec_text_, "%s", p);
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", accel::valid_accel_specs().c_str());
  const std::string problem = spec_problem(spec_text_);
  const bool can = complete && problem.empty() && !job_.running();
  ImGui::SameLine();
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button("Run against exact")) start(spec_text_);
  if (!can) ImGui::EndDisabled();
  if (!problem.empty() && source_->generator()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("%s", problem.c_str());
    ImGui::PopStyleColor();
  }
  if (!complete) {
    ImGui::TextWrapped("Generate a full image first (Generation panel): its exact run is the baseline.");
    return;
  }
  if (!error_.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", error_.c_str());
    return;
  }
  if (job_.running()) {
    const JobProgress p = job_.progress();
    ImGui::ProgressBar(float(p.fraction()), {-1, 0}, ("sampling the " + p.what + " run…").c_str());
  }
  if (has_summary_) {
    ImGui::TextWrapped("exact %s, %s %s: speed-up %.2f×; PSNR %.1f dB against exact", format_ms(summary_.reference_ms).c_str(),
                spec_.c_str(), format_ms(summary_.accel_ms).c_str(),
                summary_.accel_ms > 0 ? summary_.reference_ms / summary_.accel_ms : 0.0, summary_.psnr);
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(240, 190, 80, 255));
    for (const std::string& note : summary_.notes) ImGui::TextWrapped("%s", note.c_str());  // extrapolated rules
    ImGui::PopStyleColor();
    if (!images_set_) images_.set(summary_.reference_rgb, summary_.accel_rgb, summary_.image_side), images_set_ = true;
    images_.draw("exact", spec_.c_str());
  }
  if (!frames_.empty()) draw_table();
  if (!points_.empty()) draw_plot();
}

void AcceleratePanel::draw_table() {
  const bool ids = !std::isnan(frames_.front().same_tokens);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float mask = line * 1.6f;
  if (!ImGui::BeginTable("accel scales", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY,
                         {0, std::min(std::max(ImGui::GetContentRegionAvail().y * 0.6f, (mask + 4) * 5),
                                      (mask + 4) * float(frames_.size() + 1))}))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("scale");
  ImGui::TableSetupColumn("exact");
  ImGui::TableSetupColumn("accelerated");
  ImGui::TableSetupColumn("saved");
  ImGui::TableSetupColumn(ids ? "same tokens" : "latent ‖Δ‖/‖ref‖");
  ImGui::TableSetupColumn("kept tokens");
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < frames_.size(); ++i) {
    const AccelFrame& f = frames_[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%d (%d×%d)", f.scale + 1, f.side, f.side);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_ms(f.reference_ms).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.sampled ? format_ms(f.accel_ms).c_str() : "skipped");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_ms(f.reference_ms - (f.sampled ? f.accel_ms : 0)).c_str());
    ImGui::TableNextColumn();
    if (!f.sampled) ImGui::TextDisabled("—");
    else if (ids) ImGui::Text("%.1f %%", 100 * f.same_tokens);
    else ImGui::Text("%.4f", f.token_error);
    ImGui::TableNextColumn();
    if (f.kept.empty()) {
      ImGui::TextDisabled(f.sampled ? "all" : "—");
    } else {
      int r = -1, c = -1;
      if (masks_[i]->draw({mask, mask}, &r, &c) && r >= 0)
        ImGui::SetTooltip("token (%d, %d) ran in %.0f %% of the pruned sub-layers", r, c, 100 * masks_[i]->value_at(r, c));
      double sum = 0;
      for (float k : f.kept) sum += k;
      ImGui::SameLine();
      ImGui::Text("%.0f %%", 100 * sum / double(f.kept.size()));
    }
  }
  ImGui::EndTable();
}

// Time (log x) against PSNR: every run of this model, the latest framed.
void AcceleratePanel::draw_plot() {
  ImGui::TextDisabled("time × quality, every run of this model (hover a point):");
  const ImVec2 size{ImGui::GetContentRegionAvail().x, std::max(120.0f, ImGui::GetContentRegionAvail().y - 8)};
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("pareto", size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRect(p0, {p0.x + size.x, p0.y + size.y}, IM_COL32(120, 120, 130, 160));
  double t0 = INFINITY, t1 = 0, q0 = INFINITY, q1 = -INFINITY;
  for (const Point& p : points_) {
    t0 = std::min(t0, p.ms), t1 = std::max(t1, p.ms);
    if (std::isfinite(p.psnr)) q0 = std::min(q0, p.psnr), q1 = std::max(q1, p.psnr);
  }
  if (!(q0 < INFINITY)) q0 = 0, q1 = 60;
  t0 /= 1.3, t1 *= 1.3, q0 -= 3, q1 += 3;
  const float margin = 10;
  auto at = [&](const Point& p) {
    const double x = (std::log(p.ms) - std::log(t0)) / std::max(1e-9, std::log(t1) - std::log(t0));
    const double q = std::isfinite(p.psnr) ? p.psnr : q1;
    const double y = (q - q0) / std::max(1e-9, q1 - q0);
    return ImVec2{p0.x + margin + float(x) * (size.x - 2 * margin), p0.y + size.y - margin - float(y) * (size.y - 2 * margin)};
  };
  draw->AddText({p0.x + 4, p0.y + 2}, IM_COL32(170, 170, 180, 255), "PSNR ↑");
  const char* axis = "time per image →";
  draw->AddText({p0.x + size.x - ImGui::CalcTextSize(axis).x - 4, p0.y + size.y - ImGui::GetFontSize() - 2},
                IM_COL32(170, 170, 180, 255), axis);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (size_t i = 0; i < points_.size(); ++i) {
    const ImVec2 c = at(points_[i]);
    draw->AddCircleFilled(c, 4.5f, i + 1 == points_.size() ? IM_COL32(255, 210, 80, 255) : IM_COL32(90, 170, 255, 230));
    if (std::hypot(mouse.x - c.x, mouse.y - c.y) < 7)
      ImGui::SetTooltip("%s\n%s, PSNR %.1f dB, %.2fx the exact run", points_[i].label.c_str(), format_ms(points_[i].ms).c_str(),
                        points_[i].psnr, points_[i].speedup);
  }
}

std::string AcceleratePanel::report_fields() const {
  using io::json::quote;
  std::string j = "\"spec\": " + quote(spec_) + ", \"scales\": " + std::to_string(frames_.size()) + ", \"runs\": " +
                  std::to_string(points_.size()) + ", \"error\": " + quote(error_);
  int pruned = 0, skipped = 0;
  for (const AccelFrame& f : frames_) pruned += f.kept.empty() ? 0 : 1, skipped += f.sampled ? 0 : 1;
  j += ", \"pruned_scales\": " + std::to_string(pruned) + ", \"skipped_scales\": " + std::to_string(skipped);
  if (has_summary_) {
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, ", \"exact_ms\": %.3f, \"accel_ms\": %.3f, \"psnr\": %s", summary_.reference_ms,
                  summary_.accel_ms, std::isfinite(summary_.psnr) ? std::to_string(summary_.psnr).c_str() : "null");
    j += numbers;
  }
  return j;
}

}  // namespace vs::gui
