// "Class × seed grid": up to 4 classes × 4 seeds the user types, generated on a worker
// with the Generation panel's settings as they are now (cfg, attention, the family's
// extras), shown as they finish with progress and Cancel, and exported as one PNG into
// the export folder. A tab beside the scale strip; opened from View (or by --grid).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/panels/panel.h"
#include "app/gui/session/class_seed_grid.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/widgets/gl/rgb_texture.h"

namespace vs::gui {

class GenerationPanel;

class ClassSeedGridPanel : public Panel {
 public:
  // auto_grid: "CLASSES/SEEDS" (--grid 0,1,2/1,2): generate it once the model is open.
  ClassSeedGridPanel(std::shared_ptr<const GenerationSource> source, const GenerationPanel* generation,
                     std::function<void()> wake, const std::string& auto_grid);
  const char* title() const override { return "Class × seed grid"; }
  const char* key() const override { return "grid"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running() || was_running_ || auto_start_; }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

 private:
  void start();
  void draw_cells();

  std::shared_ptr<const GenerationSource> source_;
  const GenerationPanel* generation_;
  std::string classes_text_ = "0,1,2,3", seeds_text_ = "0,1,2,3";
  bool auto_start_ = false;
  GridSpec spec_;  // of the grid on screen
  int serial_ = -1;  // the model it was generated with (a new model makes it stale)
  std::string model_path_;
  std::vector<GridCell> cells_;
  std::vector<std::unique_ptr<RgbTexture>> textures_;  // one per cell, in cells_' order
  std::string message_;
  bool message_is_error_ = false, cancelled_ = false, was_running_ = false;
  BackgroundJob<GridCell> job_;
};

}  // namespace vs::gui
