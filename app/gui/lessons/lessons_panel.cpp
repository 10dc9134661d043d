#include "app/gui/lessons/lessons_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/gui/lessons/lesson_markdown.h"
#include "app/gui/lessons/lesson_markdown_view.h"
#include "app/gui/panels/generation_panel.h"
#include "app/gui/session/model_discovery.h"
#include "core/attention/pyramid.h"
#include "core/attention/slope_fit.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

// Chapter 2's timing: pyramids up to a side whose exact pass stays well under a second.
const std::vector<int> kBenchSides{8, 12, 16, 24, 32};
// Chapter 4's two entry bounds of the polynomial-vs-exact measurement.
constexpr double kBoundSmall = 0.25, kBoundLarge = 2.0;
constexpr int kPolySide = 16, kPolyDegree = 2;
// Chapter 3's calculator inputs (the Threshold & theory panel beside it has sliders).
constexpr double kLessonBeta = 1.0, kLessonEpsilon = 1e-3;

int euler_steps_of(const gen::Generator& g) {
  const gen::SamplingRequest r = g.default_request();
  if (const auto* flow = std::get_if<gen::FlowArExtra>(&r.extra)) return flow->steps;
  return 0;
}

int head_dim_of(const gen::ModelInfo& info) {
  for (const gen::ModuleInfo& m : info.modules)
    if (m.module != observe::Module::kFlownet) return m.head_dim;
  return info.modules.empty() ? 0 : info.modules.front().head_dim;
}

}  // namespace

LessonsPanel::LessonsPanel(std::shared_ptr<Session> session, GenerationPanel* generation, std::function<void()> wake,
                           int chapter, bool run_at_start, bool presenter)
    : session_(std::move(session)),
      generation_(generation),
      run_at_start_(run_at_start),
      presenter_given_(presenter),
      presenter_(presenter),
      bench_job_(std::move(wake)) {
  searched_ = lessons::lesson_directories();
  chapters_ = lessons::load_chapters(searched_);
  chapter_given_ = chapter > 0;
  if (chapter > 0) select(chapter - 1);
}

int LessonsPanel::chapter_number() const { return chapters_.empty() ? 0 : chapters_[index_].number; }

bool LessonsPanel::busy() const {
  return bench_job_.running() || state_ == RunState::kWaitingForModel || state_ == RunState::kRunning;
}

void LessonsPanel::load(const Settings& settings) {
  if (!presenter_given_) presenter_ = settings.get_bool("lessons.presenter", presenter_);
  if (!chapter_given_) select(settings.get_int("lessons.chapter", 1) - 1);
}

void LessonsPanel::save(Settings& settings) const {
  settings.set_bool("lessons.presenter", presenter_);
  settings.set_int("lessons.chapter", index_ + 1);
}

void LessonsPanel::select(int index) {
  if (chapters_.empty()) return;
  index = std::clamp(index, 0, int(chapters_.size()) - 1);
  if (index == index_ && state_ != RunState::kIdle) return;
  if (state_ == RunState::kDone || state_ == RunState::kFailed)
    kept_[index_] = {state_, run_error_, session_->model_path(), bench_};
  // Leaving chapter 6: the model the reader had open comes back.
  if (chapter_number() == 6 && index != index_ && !model_before_.empty() && session_->model_path() == flowar_path_)
    session_->open(model_before_, vae_before_);
  if (index != index_) model_before_.clear();
  index_ = index;
  bench_job_.stop();
  bench_.clear();
  bench_pending_ = false;
  state_ = RunState::kIdle;
  run_error_.clear();
  wants_generation_ = wants_flowar_ = false;
  pairs_rows_.clear();
  depth_ = {};
  values_.clear();
  values_key_.clear();
  // The chapter's last run, if it ran on the model open now.
  const auto kept = kept_.find(index_);
  if (kept != kept_.end() && kept->second.model_path == session_->model_path()) {
    state_ = kept->second.state;
    run_error_ = kept->second.run_error;
    bench_ = kept->second.bench;
  }
}

void LessonsPanel::step_chapter(int delta) { select(index_ + delta); }

std::string LessonsPanel::companion() const {
  switch (chapter_number()) {
    case 1: case 6: return "strip";
    case 3: return "theory";
    case 4: return "phase";
    case 5: return "gauges";
    case 8: return "accelerate";
    default: return "";
  }
}

void LessonsPanel::run() {
  if (chapters_.empty() || state_ == RunState::kRunning || state_ == RunState::kWaitingForModel) return;
  run_error_.clear();
  bench_.clear();
  state_ = RunState::kWaitingForModel;
  if (chapter_number() == 6) {
    // The shipped FlowAR, whatever is open now.
    flowar_path_.clear();
    for (const ModelPaths& p : find_shipped_models(default_model_directories()))
      if (p.kind == io::ModelKind::kFlowAr) {
        flowar_path_ = p.var_path;
        break;
      }
    if (flowar_path_.empty()) {
      state_ = RunState::kFailed;
      run_error_ = "no shipped FlowAR model (assets/models/fmnist-flowar.safetensors) found";
      return;
    }
    if (session_->model_path() != flowar_path_) {
      if (model_before_.empty()) model_before_ = session_->model_path(), vae_before_ = session_->vae_path();
      session_->open(flowar_path_);
    }
    wants_flowar_ = true;
  }
}

void LessonsPanel::request_generation(bool only_if_missing) {
  wants_generation_ = true;
  if (only_if_missing && session_->run_complete()) {
    run_serial_ = session_->generation_serial() - 1;  // the finished run counts
    return;
  }
  std::shared_ptr<const gen::Generator> g = session_->generator();
  gen::SamplingRequest request = g->default_request();
  if (generation_) {
    const gen::SamplingRequest live = generation_->live_request();
    request.labels = live.labels;
    request.seed = live.seed;
  }
  if (!request.labels.empty() && g->info().num_classes > 0)
    request.labels[0] = std::clamp<int64_t>(request.labels[0], 0, g->info().num_classes - 1);
  run_serial_ = session_->generation_serial();
  session_->generate(request);
}

void LessonsPanel::start_experiment() {
  state_ = RunState::kRunning;
  const gen::ModelInfo& info = *session_->info();
  switch (chapter_number()) {
    case 1:
    case 6:
      request_generation(false);
      break;
    case 5:
      request_generation(true);
      break;
    case 2:
    case 4: {
      vs::attention::ScalingConfig config;
      config.timing.samples = 3;  // one timing protocol (core/timing_protocol): a lesson needs no more
      std::vector<vs::attention::ScalingConfig> configs;
      if (chapter_number() == 2) {
        config.sides = kBenchSides;
        config.head_dim = std::clamp(head_dim_of(info), 1, 64);
        config.variants = {"exact"};
        configs.push_back(config);
      } else {
        config.sides = {kPolySide};
        config.head_dim = 8;
        config.variants = {"exact", "poly:degree=" + std::to_string(kPolyDegree) + ":basis=chebyshev"};
        for (double bound : {kBoundSmall, kBoundLarge}) config.bound = bound, configs.push_back(config);
      }
      bench_pending_ = true;
      bench_job_.start([configs](BackgroundJob<vs::attention::ScalingPoint>::Context& context) {
        for (const vs::attention::ScalingConfig& c : configs) {
          const double bound = c.bound;
          vs::attention::run_scaling_benchmark(
              c, [&](int done, int total, const std::string& what) { context.progress(done, total, what); },
              [&](const vs::attention::ScalingPoint& p) {
                vs::attention::ScalingPoint tagged = p;
                tagged.variant += "@" + lessons::format_fixed(bound, 2);
                context.publish(tagged);
              },
              context.cancel_flag());
          if (context.cancelled()) return;
        }
      });
      break;
    }
    case 3: {
      // The calculator beside the text shows the same L, d, β and ε as the text.
      companion_setup_ = Settings();
      companion_setup_.set_double("theory.beta", kLessonBeta);
      companion_setup_.set_double("theory.epsilon", kLessonEpsilon);
      companion_setup_.set_int("theory.head_dim", std::max(1, head_dim_of(info)));
      companion_setup_.set_int("theory.tokens", int(std::max<int64_t>(2, attention::pyramid_tokens(info.scales))));
      ++companion_serial_;
      break;
    }
    case 8:
      // A generation, then the Accelerate panel beside runs FastVAR pruning with the last
      // scale skipped (VAR) or a shorter Euler schedule (FlowAR) against the exact run.
      companion_setup_ = Settings();
      companion_setup_.set("accelerate.spec", info.family == gen::Family::kFlowAr ? "steps:n=6" : "fastvar+skip:after=-2");
      companion_setup_.set_bool("accelerate.run", true);
      ++companion_serial_;
      request_generation(true);
      break;
    default:
      break;  // 7: computed from the model's shape and core/theory at once
  }
  finish_if_ready();
}

void LessonsPanel::finish_if_ready() {
  if (state_ != RunState::kRunning) return;
  if (wants_generation_) {
    if (!session_->generation_error().empty()) {
      state_ = RunState::kFailed, run_error_ = session_->generation_error();
      return;
    }
    if (session_->generating() || session_->generation_serial() <= run_serial_ || !session_->run_complete()) return;
  }
  if (bench_pending_) {
    if (bench_job_.running()) return;
    bench_pending_ = false;
    if (!bench_job_.error().empty()) {
      state_ = RunState::kFailed, run_error_ = bench_job_.error();
      return;
    }
  }
  state_ = RunState::kDone;
}

void LessonsPanel::refresh_values() {
  const std::string key = std::to_string(index_) + "|" + std::to_string(int(state_)) + "|" + session_->model_path() +
                          "|" + (session_->loading() ? "l" : "") + std::to_string(session_->generation_serial()) + "|" +
                          std::to_string(session_->frames().size()) + "|" + std::to_string(bench_.size());
  if (key == values_key_) return;
  values_key_ = key;
  values_.clear();
  const gen::ModelInfo* info = session_->info();
  if (info && !session_->loading()) {
    const int number = chapter_number();
    values_ = lessons::pyramid_values(info->scales);
    pairs_rows_ = lessons::scale_pairs(info->scales);
    values_["model_name"] = info->name;
    values_["family"] = gen::family_name(info->family);
    values_["head_dim"] = std::to_string(head_dim_of(*info));
    const int frames = int(session_->frames().size());
    if (state_ != RunState::kIdle || frames > 0) values_["frames_done"] = std::to_string(frames);
    const int64_t tokens = attention::pyramid_tokens(info->scales);
    const int steps = euler_steps_of(*session_->generator());
    if (number == 3 && tokens >= 2) {
      for (auto& [k, v] : lessons::polynomial_values(tokens, std::max(1, head_dim_of(*info)), kLessonBeta, kLessonEpsilon))
        values_[k] = v;
    }
    if (number == 4 && tokens >= 2)
      for (auto& [k, v] : lessons::zone_values(tokens)) values_[k] = v;
    if (number == 5) {
      // The VAR-256 comparison always; the heads only once this chapter's run is done.
      const bool done = state_ == RunState::kDone && !session_->frames().empty();
      for (auto& [k, v] : lessons::head_zone_values(done ? session_->frames().back().stats : std::vector<observe::HeadStats>{}))
        values_[k] = v;
    }
    if (number == 6 && info->family == gen::Family::kFlowAr)
      for (auto& [k, v] : lessons::flowar_values(info->scales, steps)) values_[k] = v;
    if (number == 7) {
      depth_ = lessons::depth_budget(*info, steps);
      for (auto& [k, v] : lessons::depth_values(*info, steps)) values_[k] = v;
    }
  }
  if (chapter_number() == 8)
    values_["methods_status"] =
        info && info->family == gen::Family::kFlowAr
            ? "On FlowAR, Run it times a shorter Euler schedule (steps:n=6) against the exact run."
            : "On VAR, Run it times FastVAR's token pruning with the last scale skipped (fastvar+skip:after=-2) "
              "against the exact run.";
  // Measured values: only from this chapter's run.
  if (chapter_number() == 2 && !bench_.empty()) {
    std::vector<double> sides, ms;
    for (const auto& p : bench_) sides.push_back(p.side), ms.push_back(p.timing.min_ms);
    values_["bench_sides"] = attention::pyramid_to_string(std::vector<int>(kBenchSides.begin(), kBenchSides.end()));
    values_["bench_head_dim"] = std::to_string(std::clamp(info ? head_dim_of(*info) : 8, 1, 64));
    values_["exact_ms_first"] = lessons::format_fixed(ms.front(), 3);
    if (state_ == RunState::kDone && bench_.size() >= 2) {
      values_["exact_ms_last"] = lessons::format_fixed(ms.back(), 2);
      const double slope = vs::attention::fit_loglog(sides, ms).slope;
      values_["exact_slope"] = lessons::format_fixed(slope, 2);
      values_["exact_doubling"] = lessons::format_fixed(std::pow(2.0, slope), 1);
    }
  }
  if (chapter_number() == 4) {
    values_["poly_side"] = std::to_string(kPolySide);
    values_["poly_degree"] = std::to_string(kPolyDegree);
    values_["bound_small"] = lessons::format_fixed(kBoundSmall, 2);
    values_["bound_large"] = lessons::format_fixed(kBoundLarge, 2);
    for (const auto& p : bench_) {
      if (p.variant.rfind("poly", 0) != 0) continue;
      const bool small = p.variant.find("@" + lessons::format_fixed(kBoundSmall, 2)) != std::string::npos;
      values_[small ? "poly_err_small" : "poly_err_large"] = lessons::format_small(p.rel_error);
    }
  }
  missing_.clear();
  if (!chapters_.empty()) lessons::fill_placeholders(chapters_[index_].source, values_, &missing_);
}

void LessonsPanel::update() {
  if (run_at_start_ && !chapters_.empty()) {
    run_at_start_ = false;
    run();
  }
  for (auto& p : bench_job_.take()) bench_.push_back(std::move(p));
  if (state_ == RunState::kWaitingForModel) {
    const bool ready = session_->generator() && !session_->loading() &&
                       (!wants_flowar_ || session_->model_path() == flowar_path_);
    if (!session_->load_error().empty() && !session_->loading()) {
      state_ = RunState::kFailed, run_error_ = session_->load_error();
    } else if (ready) {
      start_experiment();
    }
  }
  finish_if_ready();
  refresh_values();
}

std::string LessonsPanel::short_title(int i) const {
  // "7. Shallow circuits: VAR and …" → "7. Shallow circuits"
  const std::string& t = chapters_[i].title;
  const size_t colon = t.find(':');
  return colon == std::string::npos ? t : t.substr(0, colon);
}

float LessonsPanel::chapter_list_width() const {
  float w = 0;
  for (int i = 0; i < int(chapters_.size()); ++i) w = std::max(w, ImGui::CalcTextSize(short_title(i).c_str()).x);
  return w + ImGui::GetStyle().WindowPadding.x * 2 + ImGui::GetStyle().ScrollbarSize;
}

void LessonsPanel::draw_chapter_list(float width) {
  // Children inherit the window's font scale (setting it again would square it).
  ImGui::BeginChild("##chapters", {width, 0}, true);
  for (int i = 0; i < int(chapters_.size()); ++i) {
    ImGui::PushID(i);
    if (ImGui::Selectable(short_title(i).c_str(), i == index_)) select(i);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", chapters_[i].title.c_str());
    ImGui::PopID();
  }
  ImGui::EndChild();
}

void LessonsPanel::draw_toolbar() {
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step_chapter(-1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous chapter (PageUp or ←)");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step_chapter(1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("next chapter (PageDown or →)");
  ImGui::SameLine();
  const bool running = state_ == RunState::kRunning || state_ == RunState::kWaitingForModel;
  if (running) ImGui::BeginDisabled();
  if (ImGui::Button("Run it")) run();
  if (running) ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::Checkbox("Presenter", &presenter_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("larger text; PageUp/PageDown or ←/→ step chapters");
  std::string status;
  ImVec4 color = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  switch (state_) {
    case RunState::kIdle: status = "not run yet"; break;
    case RunState::kWaitingForModel: status = "opening the model…"; break;
    case RunState::kRunning: {
      const JobProgress p = bench_job_.progress();
      if (bench_job_.running() && p.total > 0) status = "measuring " + std::to_string(p.done) + "/" + std::to_string(p.total) + "…";
      else if (session_->generating())
        status = "generating scale " + std::to_string(session_->frames().size() + 1) + "/" +
                 std::to_string(session_->info() ? session_->info()->num_scales() : 0) + "…";
      else status = "running…";
      break;
    }
    case RunState::kDone: status = "done: answers revealed", color = {0.6f, 0.95f, 0.6f, 1}; break;
    case RunState::kFailed: status = "failed", color = {1, 0.45f, 0.4f, 1}; break;
  }
  // Beside the buttons when it fits, else on its own line.
  const float room = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x - ImGui::GetItemRectMax().x;
  if (ImGui::CalcTextSize(status.c_str()).x + ImGui::GetStyle().ItemSpacing.x < room) ImGui::SameLine();
  ImGui::TextColored(color, "%s", status.c_str());
  if (state_ == RunState::kFailed) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", run_error_.c_str());
    ImGui::PopTextWrapPos();
  }
}

void LessonsPanel::draw_result() {
  const int number = chapter_number();
  using Rows = std::vector<std::vector<std::string>>;
  if ((number == 1 || number == 2) && !pairs_rows_.empty()) {
    Rows rows;
    for (const auto& r : pairs_rows_)
      rows.push_back({std::to_string(r.side), lessons::format_count(double(r.tokens)), lessons::format_count(double(r.keys)),
                      lessons::format_count(double(r.cached_pairs))});
    draw_table("##pairs", "Pairs per scale (open model, per head and layer)",
               {"scale side", "tokens n_k²", "keys L_k", "pairs n_k²·L_k"}, rows);
  }
  if ((number == 2 || number == 4) && !bench_.empty()) {
    Rows rows;
    for (const auto& p : bench_)
      rows.push_back({p.variant, std::to_string(p.side), lessons::format_count(double(p.tokens)),
                      lessons::format_fixed(p.timing.min_ms, 3), lessons::format_small(p.rel_error)});
    draw_table("##bench", "Measured on this machine (random inputs, median of 3)",
               {"variant @ entry bound", "side n", "tokens L", "ms", "rel. error"}, rows);
  }
  if (number == 7 && !depth_.rows.empty()) {
    Rows rows;
    for (const auto& r : depth_.rows)
      rows.push_back({r.component, r.formula, std::to_string(r.levels), r.per_block > 0 ? std::to_string(r.per_block) : "per scale"});
    draw_table("##depth", "Depth budget (each TC⁰ primitive counted as one level)",
               {"component", "depth", "levels", "× per block"}, rows);
    ImGui::TextWrapped("per block %d · blocks per scale %d · outside the blocks %d per scale · %d scales → %s levels",
                       depth_.per_block, depth_.blocks, depth_.per_scale, depth_.scales,
                       lessons::format_count(double(depth_.total)).c_str());
  }
}

void LessonsPanel::draw_table(const char* id, const char* caption, const std::vector<std::string>& headers,
                              const std::vector<std::vector<std::string>>& rows) {
  ImGui::Spacing();
  ImGui::TextDisabled("%s", caption);
  // Columns as wide as their widest cell, so a later, longer number is never clipped.
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + 4;
  std::vector<float> widths;
  for (const std::string& h : headers) widths.push_back(ImGui::CalcTextSize(h.c_str()).x + pad);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], ImGui::CalcTextSize(row[c].c_str()).x + pad);
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_NoHostExtendX;
  if (!ImGui::BeginTable(id, int(headers.size()), flags)) return;
  for (size_t c = 0; c < headers.size(); ++c)
    ImGui::TableSetupColumn(headers[c].c_str(), ImGuiTableColumnFlags_WidthFixed, widths[c]);
  ImGui::TableHeadersRow();
  for (const auto& row : rows) {
    ImGui::TableNextRow();
    for (const std::string& cell : row) ImGui::TableNextColumn(), ImGui::TextUnformatted(cell.c_str());
  }
  ImGui::EndTable();
}

void LessonsPanel::draw() {
  if (presenter_) ImGui::SetWindowFontScale(presenter_scale_);
  if (chapters_.empty()) {
    ImGui::TextWrapped("No lesson texts found. Looked for NN-name.md in:");
    for (const std::string& d : searched_) ImGui::BulletText("%s", d.c_str());
    return;
  }
  const float width = ImGui::GetContentRegionAvail().x;
  // The list when it leaves the text at least 45 em; else a combo above the text.
  const float list_w = chapter_list_width();
  const bool list = width - list_w > 45 * ImGui::GetFontSize();
  if (list) {
    draw_chapter_list(list_w);
    ImGui::SameLine();
  }
  ImGui::BeginGroup();
  if (!list) {
    ImGui::SetNextItemWidth(std::min(width, 260.0f * ImGui::GetFontSize() / 13.0f));
    if (ImGui::BeginCombo("##chapter", chapters_[index_].title.c_str())) {
      for (int i = 0; i < int(chapters_.size()); ++i)
        if (ImGui::Selectable(chapters_[i].title.c_str(), i == index_)) select(i);
      ImGui::EndCombo();
    }
  }
  draw_toolbar();
  ImGui::BeginChild("##text", {0, 0}, false);
  const std::string text = lessons::fill_placeholders(chapters_[index_].source, values_);
  lessons::draw_blocks(lessons::parse_markdown(text), state_ == RunState::kDone);
  draw_result();
  ImGui::EndChild();
  ImGui::EndGroup();
}

std::string LessonsPanel::report_fields() const {
  const char* state = state_ == RunState::kIdle              ? "idle"
                      : state_ == RunState::kWaitingForModel ? "waiting"
                      : state_ == RunState::kRunning         ? "running"
                      : state_ == RunState::kDone            ? "done"
                                                             : "failed";
  std::string j = "\"chapter\": " + std::to_string(chapter_number()) + ", \"chapters\": " +
                  std::to_string(chapters_.size()) + ", \"title\": " +
                  io::json::quote(chapters_.empty() ? "" : chapters_[index_].title) + ", \"run\": \"" + state +
                  "\", \"run_error\": " + io::json::quote(run_error_) + ", \"presenter\": " +
                  (presenter_ ? "true" : "false") + ", \"companion\": " + io::json::quote(companion()) +
                  ", \"values\": {";
  bool first = true;
  for (const auto& [k, v] : values_) {
    j += std::string(first ? "" : ", ") + io::json::quote(k) + ": " + io::json::quote(v);
    first = false;
  }
  j += "}, \"missing\": [";
  for (size_t i = 0; i < missing_.size(); ++i) j += (i ? ", " : "") + io::json::quote(missing_[i]);
  return j + "]";
}

}  // namespace vs::gui
