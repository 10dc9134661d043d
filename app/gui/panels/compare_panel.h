// "Exact vs approximate": regenerates the run on screen (same class, seed and sampling)
// with another attention variant — in every transformer the model has — and shows both
// images, their difference map and, per scale, how far the decoded images and the scale's
// code (token ids or latent tokens) drift apart. Same seed, so any difference is the
// approximation's. One panel for both families: it reads the generation through
// GenerationSource and runs the comparison on the Generator.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/widgets/image_diff_view.h"
#include "app/gui/panels/panel.h"
#include "app/gui/widgets/variant_picker.h"
#include "app/gui/session/comparison.h"
#include "app/gui/session/generation_source.h"

namespace vs::gui {

class ComparePanel : public Panel {
 public:
  // auto_spec: non-empty → compare with this variant as soon as a generation finishes
  // (--compare, for headless runs).
  ComparePanel(std::shared_ptr<const GenerationSource> source, std::function<void()> wake, std::string auto_spec);
  const char* title() const override { return "Exact vs approximate"; }
  const char* key() const override { return "compare"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running() || was_running_ || !auto_spec_.empty(); }
  // --compare SPEC wins over the saved choice, so the picker shows what runs.
  void load(const Settings& settings) override;
  void save(Settings& settings) const override { variant_.save(settings, "compare.variant"); }
  // The picker's spec and whether it is the one on screen.
  std::string report_fields() const override;

  // The --report-json member describing the comparison on screen ("compare": null when none).
  std::string report_field() const;

 private:
  void draw_head_errors();  // the selected scale's per-head attention error, per module
  void start(const std::string& spec);
  void show_in_picker(const std::string& spec);
  void export_errors();

  std::shared_ptr<const GenerationSource> source_;
  std::string auto_spec_;
  VariantPicker variant_;
  BackgroundJob<CompareFrame> job_;
  bool was_running_ = false;
  int serial_ = -1;  // the generation the comparison belongs to
  gen::SamplingRequest reference_;  // of the comparison
  std::string model_path_;
  std::string spec_, error_;
  bool picker_matches_ = true;  // the picker's spec runs the variant of spec_ (or of --compare)
  std::string export_message_;  // the last export's result
  std::vector<CompareFrame> frames_;
  int head_scale_ = -1;  // the scale whose per-head errors are shown (-1: the latest)
  int shown_ = -1;  // scale whose textures are built
  ImageDiffView images_;
};

}  // namespace vs::gui
