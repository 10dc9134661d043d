#include "app/gui/panels/generation_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "app/gui/export/export_folder.h"
#include "app/gui/export/run_export.h"
#include "app/gui/panels/family_controls/family_controls.h"
#include "core/error.h"
#include "core/generator/describe.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

void copy_to(char* buffer, size_t size, const std::string& text) { std::snprintf(buffer, size, "%s", text.c_str()); }

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

void error_text(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}


}  // namespace

GenerationPanel::GenerationPanel(std::shared_ptr<Session> session, const AppOptions& options)
    : session_(std::move(session)), options_(options) {
  shipped_ = find_shipped_models(default_model_directories());
  const int first = default_model_index(shipped_);
  if (first >= 0) {
    copy_to(model_path_, sizeof model_path_, shipped_[first].var_path);
    copy_to(vae_path_, sizeof vae_path_, shipped_[first].vae_path);
  }
}

void GenerationPanel::load(const Settings& s) {
  stored_ = s;
  recent_ = parse_recent(s.get("generation.recent", ""));
  class_id_ = std::max(0, s.get_int("generation.class", class_id_));
  seed_ = (unsigned long long)std::max(0, s.get_int("generation.seed", int(seed_)));
  variant_.load(s, "generation.variant");
}

void GenerationPanel::save(Settings& s) const {
  s.set("generation.recent", serialize_recent(recent_));
  s.set_int("generation.class", class_id_);
  s.set_int("generation.seed", int(seed_ & 0x7fffffff));
  variant_.save(s, "generation.variant");
  if (const gen::ModelInfo* info = session_->info()) {
    s.set_double("generation." + std::string(gen::family_key(info->family)) + ".cfg", request_.cfg);
    save_family_controls(request_, s);
  }
}

void GenerationPanel::adapt_to(const std::shared_ptr<const gen::Generator>& generator) {
  const std::shared_ptr<const gen::Generator> before = adapted_.lock();
  if (before == generator) return;
  adapted_ = generator;
  const gen::SamplingRequest defaults = generator->default_request();
  // The first model, or one of another family: its defaults, then the values the user
  // saved for that family.
  if (!adapted_any_ || request_.extra.index() != defaults.extra.index()) {
    request_ = defaults;
    request_.cfg = stored_.get_double("generation." + std::string(gen::family_key(generator->info().family)) + ".cfg", defaults.cfg);
    load_family_controls(request_, stored_);
  }
  adapted_any_ = true;
  class_id_ = std::clamp(class_id_, 0, std::max(0, generator->info().num_classes - 1));
}

gen::SamplingRequest GenerationPanel::live_request() const {
  gen::SamplingRequest request = request_;
  int class_id = class_id_;
  if (const gen::ModelInfo* info = session_->info()) class_id = std::clamp(class_id, 0, std::max(0, info->num_classes - 1));
  request.labels = {int64_t(class_id)};
  request.seed = seed_;
  request.attention = attention_override_.empty() ? variant_.spec() : attention_override_;
  return request;
}

void GenerationPanel::update() {
  if (!started_) {
    if (options_.class_id >= 0) class_id_ = options_.class_id;
    if (options_.seed >= 0) seed_ = (unsigned long long)options_.seed;
    attention_override_ = options_.attention;
    precision_ = options_.precision;
    ModelPaths start;
    if (!options_.model_path.empty())
      start = {options_.model_path, options_.vae_path, options_.patch_nums};
    else if (default_model_index(shipped_) >= 0)
      start = shipped_[default_model_index(shipped_)];
    const bool auto_generate = options_.generate || options_.frames == 0;
    if (!start.var_path.empty()) {
      open(start);
      if (auto_generate)
        session_->generate_after_load([this](const gen::Generator&) { return adapt_to(session_->generator()), live_request(); });
    }
    started_ = true;
  }
  session_->update();
  if (std::shared_ptr<const gen::Generator> g = session_->generator()) adapt_to(g);
}

void GenerationPanel::open(const ModelPaths& paths) {
  copy_to(model_path_, sizeof model_path_, paths.var_path);
  copy_to(vae_path_, sizeof vae_path_, paths.vae_path);
  copy_to(scales_, sizeof scales_, paths.patch_nums);
  open_error_.clear();
  std::vector<int> scales;
  try {
    scales = parse_patch_nums(paths.patch_nums);
  } catch (const Error& e) {
    open_error_ = e.what();
    return;
  }
  session_->open(paths.var_path, paths.vae_path, scales, precision_);
  remember_recent(recent_, paths);
}

void GenerationPanel::on_drop(const std::vector<std::string>& paths) {
  bool have_model = false;
  for (const std::string& p : paths) {
    if (looks_like_vae(p)) {
      copy_to(vae_path_, sizeof vae_path_, p);
    } else {
      copy_to(model_path_, sizeof model_path_, p);
      have_model = true;
    }
  }
  if (have_model && paths.size() == 1) vae_path_[0] = '\0';  // the loader tries "<stem>-vae"
  if (have_model || session_->info()) open({model_path_, vae_path_, scales_});
}

std::vector<std::string> GenerationPanel::checkpoint_extensions() { return {".safetensors", ".pth", ".ckpt", ".pt", ".bin"}; }

void GenerationPanel::browse_model() {
  browser_target_ = 0;
  browser_.open("Open model", FileBrowser::Mode::kFile, model_path_, checkpoint_extensions());
}

void GenerationPanel::generate() {
  if (session_->info()) session_->generate(live_request());
}

void GenerationPanel::draw_model() {
  heading("Model");
  if (!shipped_.empty()) {
    // Shipped models and the user's own (varscope-train's folder), in one list that fits any width.
    const std::string user_dir = user_models_directory();
    auto entry = [&](const ModelPaths& m) {
      const bool yours = !user_dir.empty() && m.var_path.rfind(user_dir + "/", 0) == 0;
      std::string name = m.label();
      if (name.size() > 12 && name.compare(name.size() - 12, 12, ".safetensors") == 0) name.resize(name.size() - 12);
      return name + (m.kind == io::ModelKind::kFlowAr ? " · FlowAR" : " · VAR") + (yours ? " · yours" : " · shipped");
    };
    ImGui::SetNextItemWidth(ImGui::CalcItemWidth());
    if (ImGui::BeginCombo("##known_models", "pick one…")) {
      for (const ModelPaths& m : shipped_)
        if (ImGui::Selectable(entry(m).c_str(), m.var_path == model_path_)) open(m);
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Shipped models, and the ones varscope-train wrote to %s",
                        user_dir.empty() ? "(no HOME)" : user_dir.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted("models");
  }
  const float browse_w = ImGui::CalcTextSize("…").x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - browse_w);
  ImGui::InputTextWithHint("##model", "VAR or FlowAR .safetensors / .pth", model_path_, sizeof model_path_);
  ImGui::SameLine();
  if (ImGui::Button("…##model")) browse_model();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("browse for the model checkpoint");
  ImGui::SameLine();
  ImGui::TextUnformatted("model");
  ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - browse_w);
  ImGui::InputTextWithHint("##vae", "empty: <model name>-vae next to it", vae_path_, sizeof vae_path_);
  ImGui::SameLine();
  if (ImGui::Button("…##vae"))
    browser_target_ = 1, browser_.open("Choose the VAE", FileBrowser::Mode::kFile, vae_path_[0] ? vae_path_ : model_path_,
                                       checkpoint_extensions());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("browse for the tokenizer (VAE) checkpoint");
  ImGui::SameLine();
  ImGui::TextUnformatted("VAE");
  std::string chosen;
  if (browser_.draw(&chosen)) {
    if (browser_target_ == 1) {
      copy_to(vae_path_, sizeof vae_path_, chosen);
    } else {
      copy_to(model_path_, sizeof model_path_, chosen);
      vae_path_[0] = '\0';  // the loader tries "<stem>-vae" beside it
      open({model_path_, vae_path_, scales_});
    }
  }
  ImGui::InputTextWithHint("scales", "from the checkpoint, e.g. 1,2,3,4,5,6,8", scales_, sizeof scales_);
  int precision = precision_ == WeightPrecision::kBf16 ? 1 : 0;
  if (ImGui::Combo("weights", &precision, "fp32 (reference)\0bf16 (half the memory)\0")) {
    precision_ = precision == 1 ? WeightPrecision::kBf16 : WeightPrecision::kFp32;
    if (session_->info()) open({model_path_, vae_path_, scales_});  // the open model in the new precision
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("how the transformers' Linear weights are stored: bfloat16 halves their memory, sums stay "
                      "float32 (AMX or AVX512_BF16 where the CPU has them)");
  if (ImGui::Button("Open model…  (Ctrl+O)") && model_path_[0]) open({model_path_, vae_path_, scales_});
  if (!recent_.empty()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##recent", "recent…")) {
      for (const ModelPaths& r : std::vector<ModelPaths>(recent_))
        if (ImGui::Selectable((r.label() + "##" + r.var_path + r.vae_path).c_str())) open(r);
      ImGui::EndCombo();
    }
  }
  if (session_->loading()) {
    ImGui::TextDisabled("loading %s …", session_->model_path().c_str());
  } else if (!open_error_.empty() || !session_->load_error().empty()) {
    shown_error_ = "Cannot open the model: " + (open_error_.empty() ? session_->load_error() : open_error_);
    error_text(shown_error_);
  } else if (const gen::ModelInfo* info = session_->info()) {
    ImGui::TextWrapped("%s · %s · %s weights %.0f MiB", gen::family_name(info->family), info->description.c_str(),
                       precision_name(info->precision), double(info->linear_weight_bytes) / (1 << 20));
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
      "From the command line: varscope --model MODEL --vae VAE [--patch-nums 1,2,3,…].");
}

void GenerationPanel::draw_controls() {
  const gen::ModelInfo& info = *session_->info();
  heading("Sampling");
  const int classes = info.num_classes;
  class_id_ = std::clamp(class_id_, 0, std::max(0, classes - 1));
  if (classes <= 64) {
    if (ImGui::BeginCombo("class", class_label(info, class_id_).c_str())) {
      for (int c = 0; c < classes; ++c)
        if (ImGui::Selectable(class_label(info, c).c_str(), c == class_id_)) class_id_ = c;
      ImGui::EndCombo();
    }
  } else {
    ImGui::InputInt("class", &class_id_);
    class_id_ = std::clamp(class_id_, 0, classes - 1);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", class_label(info, class_id_).c_str());
  }
  ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - ImGui::GetFrameHeight() * 2);
  ImGui::InputScalar("##seed", ImGuiDataType_U64, &seed_);
  ImGui::SameLine();
  if (ImGui::Button("dice")) seed_ = std::random_device{}() % 1000000;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a random seed");
  ImGui::SameLine();
  ImGui::TextUnformatted("seed");
  float cfg = float(request_.cfg);
  if (ImGui::SliderFloat("cfg", &cfg, 0.0f, 10.0f, "%.2f")) request_.cfg = cfg;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("classifier-free guidance at the last scale, ramped from 1 at the first");
  draw_family_controls(request_, info);
  if (variant_.draw("attention")) attention_override_.clear();  // the user's pick replaces --attention
  if (!attention_override_.empty()) ImGui::TextDisabled("attention from --attention: %s", attention_override_.c_str());
  if (ImGui::SmallButton("model defaults")) {
    const gen::SamplingRequest defaults = session_->generator()->default_request();
    request_.cfg = defaults.cfg, request_.extra = defaults.extra;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", ("the model's defaults, the same as varscope-cli's:\n" +
                             gen::describe_request(session_->generator()->default_request())).c_str());

  const bool running = session_->generating();
  if (running) ImGui::BeginDisabled();
  if (ImGui::Button("Generate  (Ctrl+G)")) generate();
  ImGui::SameLine();
  if (ImGui::Button("Step one scale")) session_->generate(live_request(), 1, true);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Samples the next scale only, keeping the finished ones as the prefix; the\n"
                      "result is the same as one Generate of the same class and seed.");
  if (running) ImGui::EndDisabled();
  ImGui::SameLine();
  if (!running) ImGui::BeginDisabled();
  if (ImGui::Button("Cancel")) session_->cancel();
  if (!running) ImGui::EndDisabled();
}

void GenerationPanel::draw_progress() {
  const auto& frames = session_->frames();
  const int total = session_->info()->num_scales();
  const int done = int(frames.size());
  double sum = 0;
  for (const ScaleFrame& f : frames) sum += f.ms;
  char overlay[96];
  std::snprintf(overlay, sizeof overlay, "%d / %d scales · %.0f ms%s", done, total, sum,
                session_->generating() ? " · running" : session_->generation_cancelled() ? " · stopped" : "");
  ImGui::ProgressBar(total ? float(done) / total : 0.0f, {-1, 0}, overlay);
  if (session_->paused_for_timing())
    ImGui::TextDisabled("paused while a runtime sweep times (it needs the cores to itself)");
  const gen::StepEvent step = session_->step_progress();
  if (step.steps > 0) {
    std::snprintf(overlay, sizeof overlay, "scale %d: Euler step %d / %d", step.scale + 1, step.step, step.steps);
    ImGui::ProgressBar(float(step.step) / step.steps, {-1, 0}, overlay);
  }
  if (!session_->generation_error().empty()) {
    shown_error_ = "Generation failed: " + session_->generation_error();
    error_text(shown_error_);
  }
  if (frames.empty()) return;
  if (ImGui::SmallButton("Export timings CSV")) {
    const std::string path = export_path("timings", "csv");
    export_message_ = save_text_file(path, timings_csv(*session_->info(), session_->shown_request(), frames))
                          ? "saved " + path
                          : "cannot write " + path;
  }
  if (!export_message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", export_message_.c_str());
  ImGui::TextDisabled("%s", gen::describe_request(session_->shown_request()).c_str());
  // A variant that reports its choices (poly: degree and rank per call) gets a column.
  const bool reports = std::any_of(frames.begin(), frames.end(), [](const ScaleFrame& f) { return f.variant.calls > 0; });
  if (ImGui::BeginTable("timings", reports ? 4 : 3,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("scale");
    ImGui::TableSetupColumn("side");
    ImGui::TableSetupColumn("ms");
    if (reports) ImGui::TableSetupColumn("attention's choice");
    ImGui::TableHeadersRow();
    for (const ScaleFrame& f : frames) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", f.scale + 1);
      ImGui::TableNextColumn();
      ImGui::Text("%d×%d", f.side, f.side);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", f.ms);
      if (!reports) continue;
      ImGui::TableNextColumn();
      const ScaleFrame::VariantReport& v = f.variant;
      if (v.calls == 0) continue;
      std::string text = v.min_degree == v.max_degree ? "degree " + std::to_string(v.max_degree)
                                                      : "degree " + std::to_string(v.min_degree) + "–" + std::to_string(v.max_degree);
      text += ", rank ≤ " + std::to_string(v.max_rank);
      if (v.failed_rows > 0) text += ", " + std::to_string(v.failed_rows) + " failed rows";
      ImGui::TextColored(v.failed_rows > 0 ? ImVec4(1, 0.45f, 0.4f, 1) : ImGui::GetStyle().Colors[ImGuiCol_Text], "%s", text.c_str());
      if (ImGui::IsItemHovered() && !v.last_summary.empty())
        ImGui::SetTooltip("%d calls at this scale (row 0); the last:\n%s", v.calls, v.last_summary.c_str());
    }
    ImGui::EndTable();
  }
}

void GenerationPanel::draw() {
  shown_error_.clear();
  draw_model();
  if (!session_->info()) {
    if (!session_->loading()) draw_no_model();
    return;
  }
  draw_controls();
  heading("Progress");
  draw_progress();
}

std::string GenerationPanel::report_fields() const {
  const gen::SamplingRequest r = live_request();
  return "\"request\": " + io::json::quote(gen::describe_request(r)) + ", \"class\": " +
         std::to_string(r.labels.front()) + ", \"seed\": " + std::to_string(r.seed) +
         ", \"error\": " + io::json::quote(shown_error_) + ", \"precision\": " +
         io::json::quote(session_->info() ? precision_name(session_->info()->precision) : "");
}

}  // namespace vs::gui
