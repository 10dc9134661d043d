// "Exact vs approximate": regenerates the run on screen (same class, seed and sampling)
// with another attention variant — in every transformer the model has — and shows both
// images, their difference map and, per scale, how far the decoded images and the scale's
// code (token ids or latent tokens) drift apart. Same seed, so any difference is the
// approximation's. A second tab shows, at the inspector's site and head, the exact and
// approximate attention maps on the run's own q, k, v and their signed difference. One panel for both families: it reads the generation through
// GenerationSource and runs the comparison on the Generator.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/session/attention_pair.h"
#include "app/gui/widgets/attention_pair_view.h"
#include "app/gui/widgets/image_diff_view.h"
#include "app/gui/panels/panel.h"
#include "app/gui/widgets/variant_picker.h"
#include "app/gui/session/comparison.h"
#include "app/gui/session/generation_source.h"

namespace vs::gui {

class ComparePanel : public Panel {
 public:
  // auto_spec: non-empty → compare with this variant as soon as a generation finishes
  // (--compare, for headless runs); maps_first: open on the attention maps' tab.
  ComparePanel(std::shared_ptr<const GenerationSource> source, std::function<void()> wake, std::string auto_spec,
               bool maps_first = false);
  const char* title() const override { return "Exact vs approximate"; }
  const char* key() const override { return "compare"; }
  void draw() override;
  void update() override;
  bool busy() const override {
    return job_.running() || was_running_ || !auto_spec_.empty() || pair_job_.running() || pair_was_running_;
  }
  // --compare SPEC wins over the saved choice, so the picker shows what runs.
  void load(const Settings& settings) override;
  void save(Settings& settings) const override { variant_.save(settings, "compare.variant"); }
  // The picker's spec and whether it is the one on screen.
  std::string report_fields() const override;

  // The --report-json member describing the comparison on screen ("compare": null when none).
  std::string report_field() const;

 private:
  void draw_images_and_errors();
  void draw_head_errors();  // the selected scale's per-head attention error, per module
  // The maps at the inspector's site: asked for once the comparison has finished and its
  // tab is on screen, again whenever the site, head, variant or run changes.
  void request_pair();
  void draw_pair();
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
  bool fold_picker_ = false;    // fold the picker's header on the next frame
  bool picker_matches_ = true;  // the picker's spec runs the variant of spec_ (or of --compare)
  std::string export_message_;  // the last export's result
  std::vector<CompareFrame> frames_;
  int head_scale_ = -1;  // the scale whose per-head errors are shown (-1: the latest)
  int shown_ = -1;  // scale whose textures are built
  ImageDiffView images_;

  struct PairRequest {
    CaptureKey key;
    int head = -1, serial = -1;
    std::string spec;
    bool operator==(const PairRequest& o) const {
      return key == o.key && head == o.head && serial == o.serial && spec == o.spec;
    }
  };
  bool maps_first_;
  PairRequest pair_request_;  // the last one started (shown, running or failed)
  BackgroundJob<AttentionPair> pair_job_;
  bool pair_was_running_ = false, pair_cancelled_ = false, has_pair_ = false, pair_drawn_ = false;
  bool maps_tab_drawn_ = false;  // by the last draw()
  AttentionPair pair_;
  std::string pair_error_;
  AttentionPairView pair_view_;
};

}  // namespace vs::gui
