// Command-line options of the explorer. The headless flags (--frames, --screenshot) make
// the real UI testable under Xvfb: render N frames, write the framebuffer, exit.
#pragma once
#include <string>
#include <vector>

#include "core/weight_precision.h"

namespace vs::gui {

// --keys: a key of the scale strip's shortcuts pressed at one frame (headless tests).
struct KeyPress {
  enum class Key { kSpace, kLeft, kRight };
  int frame = 1;  // 1-based, counted from the first idle frame after --frames
  Key key = Key::kSpace;
};

struct AppOptions {
  int frames = 0;               // > 0: render this many frames, then exit (0: interactive)
  std::string screenshot_path;  // write a PNG of the window after the last frame
  std::string panel;            // show only this panel, full window ("theory", "scaling", "phase")
  int width = 1600, height = 1000;
  float ui_scale = 0;           // > 0: widgets and fonts at this scale instead of the monitor's content scale
  double wait_workers_s = 0;    // headless: after the frames, keep rendering until the
                                // workers finish (at most this long), so plots are full
  bool help = false;
  // VAR model to open at start (else the first shipped pair in assets/models, if any).
  std::string model_path, vae_path, patch_nums;
  WeightPrecision precision = WeightPrecision::kFp32;  // --precision: the model's Linear weights
  bool generate = false;        // headless: generate once the model is open (interactive: always)
  int class_id = -1, seed = -1; // -1: from the settings
  std::string workspace = "var";  // which panels show: "var" (generation), "theory" or "lessons"
  int select_step = -1, select_layer = 0, select_head = 0, select_query = -1;  // --select, 0-based here
  std::string compare_spec;     // compare the generation with this attention variant (headless)
  std::string compare_view = "images";  // the compare panel's first tab: "images" or "maps"
  std::string attention;        // the generation's attention variant spec; empty: the picker's
  std::string accel_spec;       // run the Accelerate panel with this spec once generated (headless)
  int criterion_samples = 0;    // > 0: run the Criterion panel over this many images once the model is open
  std::string grid;             // "CLASSES/SEEDS": generate a class × seed grid once the model is open
  std::string browse;           // open the file browser at start: "model", "image", "export"
  std::string config_dir;       // settings folder instead of ~/.config/varscope (read in headless runs too)
  std::string report_json;      // write the run's state (model, error, scales) here at exit
  std::string image_path;       // "Your image": encode this PNG/JPEG once the model is open
  std::string fit;              // "crop" / "pad": how a picture that is not square is fitted (empty: the saved choice)
  int keep_scales = -1;         // then regenerate keeping its first k token maps (-1: don't)
  // ...or edit it (zero-shot, "Your image" ▸ Edit): the box y0,x0,y1,x1 in fractions, or a
  // painted mask PNG (white = generate), the task, the class of a class edit, the results.
  std::vector<double> edit_box;
  std::string edit_mask;
  bool outpaint = false;
  int edit_class = -1;  // ≥ 0: a class edit toward this class
  int edit_count = 1;
  bool edits() const { return !edit_box.empty() || !edit_mask.empty(); }
  std::vector<KeyPress> keys;   // headless: keys to press, in frame order
  // Lessons: open the Lessons workspace on this chapter (1-based; 0: not asked), and
  // press its "Run it" once (headless tests of every chapter's experiment).
  int lesson = 0;
  bool run_lesson = false;
  bool presenter = false;  // Lessons: presenter mode (larger text) from the start

};

// Throws vs::Error with a one-line message on unknown flags or bad values.
AppOptions parse_app_options(int argc, const char* const* argv);
std::string app_usage();
// Canonical panel key for a user-given name ("Runtime scaling", "scaling" -> "scaling");
// empty when the name matches no panel.
std::string canonical_panel_name(const std::string& name);

}  // namespace vs::gui
