#include "app/gui/panels/compare_panel.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "app/gui/export/compare_export.h"
#include "app/gui/widgets/module_title.h"
#include "core/attention/attention.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

// Whether two specs run the same variant (their canonical spellings agree).
bool same_variant(const std::string& a, const std::string& b) {
  try {
    return attention::make_variant(a)->spec() == attention::make_variant(b)->spec();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

ComparePanel::ComparePanel(std::shared_ptr<const GenerationSource> source, std::function<void()> wake,
                           std::string auto_spec, bool maps_first)
    : source_(std::move(source)), auto_spec_(std::move(auto_spec)), job_(wake), maps_first_(maps_first),
      pair_job_(wake) {
  variant_.family = 1;  // poly: the method of the theory panels
}

void ComparePanel::load(const Settings& settings) {
  variant_.load(settings, "compare.variant");
  if (!auto_spec_.empty()) show_in_picker(auto_spec_);
}

void ComparePanel::show_in_picker(const std::string& spec) {
  try {
    picker_matches_ = variant_.set_spec(spec);
  } catch (const std::exception&) {
    picker_matches_ = false;  // the comparison itself reports the bad spec
  }
}

std::string ComparePanel::report_fields() const {
  std::string maps = "null";
  if (has_pair_) {
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, "\"max_abs_difference\": %.9g, \"relative_error\": %.9g",
                  pair_.max_abs_difference, pair_.relative_error);
    maps = "{\"scale\": " + std::to_string(pair_.key.scale + 1) + ", \"block\": " + std::to_string(pair_.key.block + 1) +
           ", \"head\": " + std::to_string(pair_.head + 1) + ", \"queries\": " + std::to_string(pair_.queries) +
           ", \"keys\": " + std::to_string(pair_.keys) + ", \"variant\": " + io::json::quote(pair_.approx_spec) +
           ", " + numbers + ", \"drawn\": " + (pair_drawn_ ? "true" : "false") + "}";
  }
  return "\"picker\": " + io::json::quote(variant_.spec()) + ", \"picker_matches\": " +
         (picker_matches_ ? "true" : "false") + ", \"maps\": " + maps +
         (pair_error_.empty() ? "" : ", \"maps_error\": " + io::json::quote(pair_error_));
}

void ComparePanel::start(const std::string& spec) {
  std::shared_ptr<const gen::Generator> generator = source_->generator();  // kept alive by the job
  if (!generator) return;
  show_in_picker(spec);
  reference_ = source_->shown_request();
  model_path_ = source_->model_path();
  spec_ = spec;
  error_.clear();
  export_message_.clear();
  frames_.clear();
  shown_ = -1;
  has_pair_ = false, pair_error_.clear();
  fold_picker_ = true;
  serial_ = source_->generation_serial();
  was_running_ = true;
  const gen::SamplingRequest reference = reference_;
  job_.start([generator, reference, spec](BackgroundJob<CompareFrame>::Context& context) {
    run_comparison(*generator, reference, spec, context);
  });
}

void ComparePanel::export_errors() {
  export_message_ = export_compare_errors(compare_run(model_path_, reference_, spec_), compare_rows(frames_));
}

std::string ComparePanel::report_field() const {
  return compare_report_field(compare_run(model_path_, reference_, spec_), compare_rows(frames_));
}

void ComparePanel::update() {
  if (serial_ != source_->generation_serial() && (job_.running() || !frames_.empty())) {
    job_.stop();  // a new generation or model: the comparison is stale
    frames_.clear();
    was_running_ = false;
    shown_ = -1;
    has_pair_ = false;
    if (pair_job_.running()) pair_job_.cancel(), pair_cancelled_ = true;
  }
  const bool finished = was_running_ && !job_.running();
  for (CompareFrame& f : job_.take()) frames_.push_back(std::move(f));
  if (finished) was_running_ = false, error_ = job_.error();
  const bool complete = source_->run_complete();
  if (!auto_spec_.empty() && complete && !job_.running()) {
    start(auto_spec_);
    auto_spec_.clear();
  }
  // Nothing to compare with (no model, or a run that ended without a full image): give up
  // the automatic comparison instead of keeping the app busy.
  if (!source_->busy() && !complete) auto_spec_.clear();

  const bool pair_finished = pair_was_running_ && !pair_job_.running();
  for (AttentionPair& pair : pair_job_.take())
    if (pair.generation_serial == source_->generation_serial()) {
      pair_ = std::move(pair), has_pair_ = true;
      pair_view_.set(pair_);
    }
  if (pair_finished) {
    pair_was_running_ = false;
    pair_error_ = pair_cancelled_ ? "" : pair_job_.error();  // a cancel we asked for is no failure
    pair_cancelled_ = false;
  }
  // Replays only for a maps tab on screen (drawn last frame): not at every click in the
  // inspector while nobody looks.
  if (maps_tab_drawn_) request_pair();
  maps_tab_drawn_ = false;
}

void ComparePanel::request_pair() {
  PairRequest want;
  // After the comparison (not beside it: two workers on two cores), for its variant.
  if (spec_.empty() || frames_.empty() || job_.running() || !error_.empty() || !source_->run_complete() ||
      !source_->selected_site(&want.key, &want.head))
    return;
  want.serial = source_->generation_serial(), want.spec = spec_;
  if (want == pair_request_) return;
  if (pair_job_.running()) {
    pair_job_.cancel(), pair_cancelled_ = true;  // the next update starts the new one (no join on the UI thread)
    return;
  }
  pair_request_ = want;
  pair_error_.clear();
  if (has_pair_ && pair_.generation_serial != want.serial) has_pair_ = false;
  pair_was_running_ = true;
  std::shared_ptr<const gen::Generator> generator = source_->generator();
  const gen::SamplingRequest request = source_->shown_request();
  pair_job_.start([generator, request, want](BackgroundJob<AttentionPair>::Context& context) {
    context.progress(0, 1, "replaying up to scale " + std::to_string(want.key.scale + 1));
    AttentionPair pair = capture_attention_pair(*generator, request, want.key, want.head, want.spec, context.cancel_flag());
    pair.generation_serial = want.serial;
    context.publish(std::move(pair));
  });
}

void ComparePanel::draw_pair() {
  pair_drawn_ = false;
  if (!pair_error_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", pair_error_.c_str());
    ImGui::PopTextWrapPos();
  }
  if (!has_pair_) {
    if (pair_error_.empty())
      ImGui::TextDisabled(job_.running() ? "after the comparison: the maps at the inspector's site"
                                         : "replaying the run up to the inspector's site…");
    return;
  }
  const AttentionPair& p = pair_;
  std::string where = std::string(module_title(p.key.module)) + ", scale " + std::to_string(p.key.scale + 1);
  if (p.key.euler_step >= 0) where += ", Euler step " + std::to_string(p.key.euler_step + 1);
  ImGui::PushTextWrapPos(0);
  ImGui::Text("%s, %s block %d, head %d: %lld queries × %lld keys; %s: ‖ΔP‖/‖P‖ = %.3g, max |ΔP| = %.3g%s",
              where.c_str(), observe::attention_kind_name(p.key.kind), p.key.block + 1, p.head + 1,
              (long long)p.queries, (long long)p.keys, p.approx_spec.c_str(), p.relative_error, p.max_abs_difference,
              pair_job_.running() ? " (updating…)" : "");
  ImGui::PopTextWrapPos();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The run replayed to this call (same seed); both variants given its q, k, v.\n"
                      "Choose the site and head in the Attention inspector.");
  pair_view_.draw();
  pair_drawn_ = true;
}

void ComparePanel::draw() {
  const bool complete = source_->run_complete();
  const std::string& ran = spec_.empty() ? auto_spec_ : spec_;
  // The picker folds away once a comparison is on screen (room for it in small windows);
  // its header still names the variant.
  if (fold_picker_) ImGui::SetNextItemOpen(false), fold_picker_ = false;
  const std::string header = "Approximation: " + variant_.spec() + "###picker";
  if (ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen) && variant_.draw("approximation") &&
      !ran.empty())
    picker_matches_ = same_variant(variant_.spec(), ran);
  if (!picker_matches_ && !ran.empty()) ImGui::TextDisabled("on screen: %s", ran.c_str());
  const bool can = source_->generator() && complete && !job_.running();
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button("Regenerate the same seed with it")) start(variant_.spec());
  if (!can) ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Samples the image again with this variant in every transformer of the model\n"
                      "(and once more with the reference's, for its codes and pictures).");
  if (!complete) {
    ImGui::TextWrapped("Generate a full image first (Generation panel); it is the reference (%s).",
                       source_->shown_request().attention.c_str());
    return;
  }
  if (!error_.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", error_.c_str());
    return;
  }
  if (frames_.empty()) {
    ImGui::TextDisabled(job_.running() ? "sampling the reference and %s…" : "press the button to compare", spec_.c_str());
    return;
  }
  if (!ImGui::BeginTabBar("compare views")) return;
  const ImGuiTabItemFlags maps_flags = maps_first_ ? ImGuiTabItemFlags_SetSelected : 0;
  maps_first_ = false;
  if (ImGui::BeginTabItem("Images and errors")) {
    draw_images_and_errors();
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Attention maps at the inspector's site", nullptr, maps_flags)) {
    maps_tab_drawn_ = true;
    draw_pair();
    ImGui::EndTabItem();
  } else {
    pair_drawn_ = false;
  }
  ImGui::EndTabBar();
}

void ComparePanel::draw_images_and_errors() {
  const int scale = int(frames_.size()) - 1;  // the latest scale both runs have
  const CompareFrame& f = frames_[scale];
  if (shown_ != scale) {
    shown_ = scale;
    images_.set(f.reference_rgb, f.approx_rgb, f.image_side);
  }
  images_.draw(reference_.attention.c_str(), spec_.c_str());
  ImGui::BeginDisabled(job_.running());  // export whole runs only
  if (ImGui::SmallButton("Export errors CSV + JSON")) export_errors();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("the table below with the run's parameters, in the working directory");
  if (!export_message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", export_message_.c_str());
  // Token ids (VAR) compare by equality, latent tokens (FlowAR) by relative error.
  const bool ids = !std::isnan(f.same_tokens);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float table_h = std::min(std::max(ImGui::GetContentRegionAvail().y * 0.45f, line * 6), line * float(frames_.size() + 2));
  if (ImGui::BeginTable("errors", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY,
                        {0, table_h})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("scale");
    ImGui::TableSetupColumn("image ‖Δ‖/‖ref‖");
    ImGui::TableSetupColumn(ids ? "same tokens" : "latent tokens ‖Δ‖/‖ref‖");
    ImGui::TableSetupColumn("worst head ‖ΔO‖/‖O‖");
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < frames_.size(); ++i) {
      const CompareFrame& s = frames_[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char label[32];
      std::snprintf(label, sizeof label, "%d (%d×%d)", s.scale + 1, s.side, s.side);
      if (ImGui::Selectable(label, int(i) == head_scale_, ImGuiSelectableFlags_SpanAllColumns)) head_scale_ = int(i);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", s.image_error);
      ImGui::TableNextColumn();
      if (ids) ImGui::Text("%.1f %%", 100.0 * s.same_tokens);
      else ImGui::Text("%.4f", s.token_error);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", s.worst_head_error());
    }
    ImGui::EndTable();
  }
  draw_head_errors();
}

void ComparePanel::draw_head_errors() {
  if (head_scale_ < 0 || head_scale_ >= int(frames_.size())) head_scale_ = int(frames_.size()) - 1;
  const CompareFrame& f = frames_[size_t(head_scale_)];
  ImGui::TextDisabled("Per head at scale %d: ‖O_approx − O_exact‖ / ‖O_exact‖ on the model's own q, k, v "
                      "(worst over Euler steps); click a scale above", head_scale_ + 1);
  std::shared_ptr<const gen::Generator> generator = source_->generator();
  if (!generator) return;
  for (const gen::ModuleInfo& m : generator->info().modules) {
    const std::vector<HeadError> errors = worst_head_errors(f, m.module);
    if (errors.empty()) continue;
    ImGui::Text("%s", module_title(m.module));
    const std::string id = std::string("heads ") + observe::module_name(m.module);
    if (!ImGui::BeginTable(id.c_str(), m.heads + 1, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit)) continue;
    ImGui::TableSetupColumn("block");
    for (int h = 0; h < m.heads; ++h) ImGui::TableSetupColumn(("h" + std::to_string(h + 1)).c_str());
    ImGui::TableHeadersRow();
    int row_block = -1;
    observe::AttentionKind row_kind = observe::AttentionKind::kSelf;
    for (const HeadError& e : errors) {
      if (e.site.block != row_block || e.site.kind != row_kind) {
        row_block = e.site.block, row_kind = e.site.kind;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d%s", e.site.block + 1, e.site.kind == observe::AttentionKind::kCross ? " cross" : "");
      }
      ImGui::TableNextColumn();
      // Green below 1 %, amber below 10 %, red above: how far the approximation is off.
      const ImVec4 colour = e.error < 0.01 ? ImVec4(0.45f, 0.85f, 0.5f, 1) : e.error < 0.1 ? ImVec4(0.95f, 0.75f, 0.3f, 1)
                                                                                        : ImVec4(1, 0.45f, 0.4f, 1);
      ImGui::TextColored(colour, "%.3g", e.error);
    }
    ImGui::EndTable();
  }
}

}  // namespace vs::gui
