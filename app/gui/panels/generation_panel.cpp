#include "app/gui/panels/generation_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>

#include "app/gui/var/run_export.h"
#include "core/error.h"

namespace vs::gui {

namespace {

void copy_to(char* buffer, size_t size, const std::string& text) {
  std::snprintf(buffer, size, "%s", text.c_str());
}

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

}  // namespace

GenerationPanel::GenerationPanel(std::shared_ptr<VarSession> session, std::shared_ptr<FlowArSession> flowar,
                                 const AppOptions& options, std::function<void()> wake)
    : session_(std::move(session)), flowar_(std::move(flowar)), flowar_controls_(flowar_), options_(options),
      detect_job_(std::move(wake)) {
  shipped_ = find_shipped_models(default_model_directories());
  const int first = default_model_index(shipped_);
  if (first >= 0) {
    copy_to(var_path_, sizeof var_path_, shipped_[first].var_path);
    copy_to(vae_path_, sizeof vae_path_, shipped_[first].vae_path);
  }
}

void GenerationPanel::load(const Settings& s) {
  recent_ = parse_recent(s.get("generation.recent", ""));
  class_id_ = std::max(0, s.get_int("generation.class", class_id_));
  seed_ = (unsigned long long)std::max(0, s.get_int("generation.seed", int(seed_)));
  cfg_ = float(s.get_double("generation.cfg", cfg_));
  top_k_ = s.get_int("generation.top_k", top_k_);
  top_p_ = float(s.get_double("generation.top_p", top_p_));
  more_smooth_ = s.get_bool("generation.more_smooth", more_smooth_);
  variant_.load(s, "generation.variant");
  flowar_controls_.load(s);
}

void GenerationPanel::save(Settings& s) const {
  s.set("generation.recent", serialize_recent(recent_));
  s.set_int("generation.class", class_id_);
  s.set_int("generation.seed", int(seed_ & 0x7fffffff));
  s.set_double("generation.cfg", cfg_);
  s.set_int("generation.top_k", top_k_);
  s.set_double("generation.top_p", top_p_);
  s.set_bool("generation.more_smooth", more_smooth_);
  variant_.save(s, "generation.variant");
  flowar_controls_.save(s);
}

GenerationParams GenerationPanel::params() const {
  GenerationParams p;
  p.class_id = class_id_;
  p.seed = seed_;
  p.cfg = cfg_;
  p.top_k = top_k_;
  p.top_p = top_p_;
  p.more_smooth = more_smooth_;
  p.variant = variant_.spec();
  return p;
}

void GenerationPanel::update() {
  if (!started_) {
    started_ = true;
    if (options_.class_id >= 0) class_id_ = options_.class_id;
    if (options_.seed >= 0) seed_ = (unsigned long long)options_.seed;
    flowar_controls_.set_class_seed(options_.class_id, options_.seed);
    const bool auto_generate = options_.generate || options_.frames == 0;
    ModelPaths start;
    if (!options_.model_path.empty())
      start = {options_.model_path, options_.vae_path, options_.patch_nums};
    else if (default_model_index(shipped_) >= 0)
      start = shipped_[default_model_index(shipped_)];
    if (!start.var_path.empty()) {
      generate_after_open_ = auto_generate;
      open(start);
    }
  }
  flowar_->detecting = detecting_;
  if (detecting_ && !detect_job_.running()) {
    // A file the detector cannot read goes to VarSession, whose loader reports it.
    detecting_ = false;
    const std::vector<io::ModelKind> kinds = detect_job_.take();
    open_as(detecting_paths_, kinds.empty() ? io::ModelKind::kUnknown : kinds.back());
  }
  session_->update();
  flowar_->update();
  if (const var::VarModel* m = session_->model())
    class_id_ = std::clamp(class_id_, 0, std::max(0, m->config().num_classes - 1));
}

void GenerationPanel::open(const ModelPaths& paths) {
  copy_to(var_path_, sizeof var_path_, paths.var_path);
  copy_to(vae_path_, sizeof vae_path_, paths.vae_path);
  copy_to(patch_nums_, sizeof patch_nums_, paths.patch_nums);
  open_error_.clear();
  if (paths.kind != io::ModelKind::kUnknown) return open_as(paths, paths.kind);
  // A PyTorch zip is read whole to see its keys: on the worker, not the UI thread.
  detecting_ = flowar_->detecting = true;
  detecting_paths_ = paths;
  const std::string path = paths.var_path;
  detect_job_.start([path](BackgroundJob<io::ModelKind>::Context& context) {
    context.publish(io::detect_model_kind(path));
  });
}

void GenerationPanel::open_as(const ModelPaths& paths, io::ModelKind kind) {
  flowar_->active = kind == io::ModelKind::kFlowAr;
  if (flowar_->active) {
    session_->cancel();
    flowar_->open(paths.var_path, paths.vae_path);
    if (generate_after_open_) flowar_->generate_after_load(flowar_controls_.params());
    generate_after_open_ = false;
    remember_recent(recent_, paths);
    return;
  }
  std::vector<int> nums;
  try {
    nums = parse_patch_nums(paths.patch_nums);
  } catch (const Error& e) {
    open_error_ = e.what();
    return;
  }
  flowar_->cancel();
  session_->open(paths.var_path, paths.vae_path, nums);
  if (generate_after_open_) session_->generate_after_load(params());
  generate_after_open_ = false;
  remember_recent(recent_, paths);
}

void GenerationPanel::on_drop(const std::vector<std::string>& paths) {
  bool have_var = false;
  for (const std::string& p : paths) {
    if (looks_like_vae(p)) {
      copy_to(vae_path_, sizeof vae_path_, p);
    } else {
      copy_to(var_path_, sizeof var_path_, p);
      have_var = true;
    }
  }
  if (have_var && paths.size() == 1) vae_path_[0] = '\0';  // the loader tries "<stem>-vae"
  if (have_var || session_->model()) open({var_path_, vae_path_, patch_nums_});
}

void GenerationPanel::generate() {
  if (flowar_->active) {
    if (flowar_->model()) flowar_->generate(flowar_controls_.params());
  } else if (session_->model()) {
    session_->generate(params());
  }
}

void GenerationPanel::draw_model() {
  heading("Model");
  if (!shipped_.empty()) {
    ImGui::TextDisabled("Shipped:");
    for (size_t i = 0; i < shipped_.size(); ++i) {
      ImGui::SameLine();
      if (ImGui::SmallButton(shipped_[i].label().c_str())) open(shipped_[i]);
    }
  }
  if (focus_path_) ImGui::SetKeyboardFocusHere(), focus_path_ = false;
  ImGui::InputTextWithHint("VAR", "path to var .safetensors / .pth", var_path_, sizeof var_path_);
  ImGui::InputTextWithHint("VAE", "empty: <VAR name>-vae next to it", vae_path_, sizeof vae_path_);
  ImGui::InputTextWithHint("patch nums", "from the checkpoint, e.g. 1,2,3,4,5,6,8", patch_nums_, sizeof patch_nums_);
  if (ImGui::Button("Open model…  (Ctrl+O)") && var_path_[0]) open({var_path_, vae_path_, patch_nums_});
  if (!recent_.empty()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##recent", "recent…")) {
      for (const ModelPaths& r : std::vector<ModelPaths>(recent_))
        if (ImGui::Selectable((r.label() + "##" + r.var_path + r.vae_path).c_str())) open(r);
      ImGui::EndCombo();
    }
  }
  if (flowar_->active) {
    if (detecting_ || flowar_->loading()) {
      ImGui::TextDisabled("loading %s …", flowar_->model_path().c_str());
    } else if (!flowar_->load_error().empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
      ImGui::TextWrapped("Cannot open the FlowAR model: %s", flowar_->load_error().c_str());
      ImGui::PopStyleColor();
    } else if (const flowar::FlowArModel* m = flowar_->model()) {
      ImGui::TextWrapped("%s", m->config.describe().c_str());
    }
  } else if (detecting_) {
    ImGui::TextDisabled("reading %s …", detecting_paths_.var_path.c_str());
  } else if (session_->loading()) {
    ImGui::TextDisabled("loading %s …", session_->var_path().c_str());
  } else if (!open_error_.empty() || !session_->load_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Cannot open the model: %s",
                       open_error_.empty() ? session_->load_error().c_str() : open_error_.c_str());
    ImGui::PopStyleColor();
  } else if (const var::VarModel* m = session_->model()) {
    ImGui::TextWrapped("%s", m->config().describe().c_str());
  }
}

void GenerationPanel::draw_no_model() {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(240, 200, 120, 255));
  ImGui::TextWrapped("No model is open.");
  ImGui::PopStyleColor();
  ImGui::TextWrapped(
      "Open a VAR or FlowAR model: type the paths of the checkpoint and its VAE above and press "
      "Open model…, pick a recent one, or drop the checkpoint files on this window. Shipped "
      "models are found in assets/models (<name>.safetensors + <name>-vae.safetensors). "
      "From the command line: varscope --model VAR --vae VAE [--patch-nums 1,2,3,…].");
}

void GenerationPanel::draw_controls() {
  const var::VarModel* m = session_->model();
  heading("Sampling");
  const int classes = m->config().num_classes;
  if (classes <= 64) {
    if (ImGui::BeginCombo("class", session_->class_label(class_id_).c_str())) {
      for (int c = 0; c < classes; ++c)
        if (ImGui::Selectable(session_->class_label(c).c_str(), c == class_id_)) class_id_ = c;
      ImGui::EndCombo();
    }
  } else {
    ImGui::InputInt("class", &class_id_);
    class_id_ = std::clamp(class_id_, 0, classes - 1);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", session_->class_label(class_id_).c_str());
  }
  ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - ImGui::GetFrameHeight() * 2);
  ImGui::InputScalar("##seed", ImGuiDataType_U64, &seed_);
  ImGui::SameLine();
  if (ImGui::Button("dice")) seed_ = std::random_device{}() % 1000000;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a random seed");
  ImGui::SameLine();
  ImGui::TextUnformatted("seed");
  ImGui::SliderFloat("cfg", &cfg_, 0.0f, 8.0f, "%.2f");
  ImGui::SliderInt("top-k", &top_k_, 0, std::max(1, m->config().vocab));
  ImGui::SliderFloat("top-p", &top_p_, 0.0f, 1.0f, "%.2f");
  ImGui::Checkbox("more smooth (Gumbel)", &more_smooth_);
  variant_.draw("attention");

  const bool running = session_->generating();
  if (running) ImGui::BeginDisabled();
  if (ImGui::Button("Generate  (Ctrl+G)")) generate();
  ImGui::SameLine();
  if (ImGui::Button("Step one scale")) session_->generate(params(), 1, true);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Samples the next scale only, keeping the finished ones as the prefix. The prefix\n"
                      "consumes no random numbers, so stepping draws differ from one Generate of the same seed.");
  if (running) ImGui::EndDisabled();
  ImGui::SameLine();
  if (!running) ImGui::BeginDisabled();
  if (ImGui::Button("Cancel")) session_->cancel();
  if (!running) ImGui::EndDisabled();
}

void GenerationPanel::draw_progress() {
  const auto& frames = session_->frames();
  const int total = frames.empty() ? (session_->model() ? session_->model()->config().num_scales() : 0)
                                   : frames.back().num_scales;
  const int done = int(frames.size());
  double sum = 0;
  for (const ScaleFrame& f : frames) sum += f.ms;
  char overlay[96];
  std::snprintf(overlay, sizeof overlay, "%d / %d scales · %.0f ms%s", done, total, sum,
                session_->generating() ? " · running" : session_->generation_cancelled() ? " · stopped" : "");
  ImGui::ProgressBar(total ? float(done) / total : 0.0f, {-1, 0}, overlay);
  if (!session_->generation_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Generation failed: %s", session_->generation_error().c_str());
    ImGui::PopStyleColor();
  }
  if (frames.empty()) return;
  if (ImGui::SmallButton("Export timings CSV")) {
    const std::string path = export_file_name("timings", "csv");
    export_message_ = save_text_file(path, timings_csv(session_->var_path(), session_->frames_params(), frames))
                          ? "saved " + path
                          : "cannot write " + path;
  }
  if (!export_message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", export_message_.c_str());
  if (ImGui::BeginTable("timings", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableSetupColumn("scale");
    ImGui::TableSetupColumn("side");
    ImGui::TableSetupColumn("ms");
    ImGui::TableHeadersRow();
    for (const ScaleFrame& f : frames) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", f.scale + 1);
      ImGui::TableNextColumn();
      ImGui::Text("%d×%d", f.side, f.side);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", f.ms);
    }
    ImGui::EndTable();
  }
}

void GenerationPanel::draw() {
  draw_model();
  if (flowar_->active) {
    if (flowar_->model()) flowar_controls_.draw();
    else if (!flowar_->loading()) draw_no_model();
    return;
  }
  if (!session_->model()) {
    if (!session_->loading() && !detecting_) draw_no_model();
    return;
  }
  draw_controls();
  heading("Progress");
  draw_progress();
}

}  // namespace vs::gui
