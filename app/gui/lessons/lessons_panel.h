// "Lessons": the guided course of issue 17. A chapter list, one chapter's text
// (assets/lessons, rendered by lesson_markdown_view) with its numbers filled live, a
// "Run it" button that runs the chapter's experiment on the open model (a generation, an
// attention timing, the degree/rank calculator, a model's depth budget…), its result
// tables, check questions whose answers appear once the run is done, and the panel the
// shell shows beside the lesson (companion()). Presenter mode: larger text; the shell
// steps chapters with PageUp/PageDown or ←/→ while the Lessons workspace is on screen.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/lessons/lesson_library.h"
#include "app/gui/lessons/lesson_numbers.h"
#include "app/gui/panels/panel.h"
#include "app/gui/session/session.h"
#include "app/gui/workers/background_job.h"
#include "core/attention/scaling_benchmark.h"

namespace vs::gui {

class GenerationPanel;

class LessonsPanel : public Panel {
 public:
  // chapter: 1-based chapter to open on (0: the saved one); run_at_start: press its
  // "Run it" once (headless); presenter: start in presenter mode.
  LessonsPanel(std::shared_ptr<Session> session, GenerationPanel* generation, std::function<void()> wake,
               int chapter = 1, bool run_at_start = false, bool presenter = false);
  const char* title() const override { return "Lessons"; }
  const char* key() const override { return "lessons"; }
  void draw() override;
  void update() override;
  bool busy() const override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

  void step_chapter(int delta);
  void run();  // the current chapter's experiment
  // The key of the panel shown beside the lesson ("strip", "theory", "phase", "gauges"),
  // empty for none.
  std::string companion() const;
  bool presenter() const { return presenter_; }
  // Inputs for the companion panel, through its Panel::load (e.g. chapter 3 sets the
  // calculator to the open model's L and d); the shell applies them when the serial moves.
  int companion_setup_serial() const { return companion_serial_; }
  const Settings& companion_setup() const { return companion_setup_; }

 private:
  enum class RunState { kIdle, kWaitingForModel, kRunning, kDone, kFailed };
  void select(int index);
  void start_experiment();  // once the model is open
  void finish_if_ready();
  void refresh_values();    // the numbers that need no run (model shape, theory)
  void request_generation(bool only_if_missing);
  void draw_chapter_list(float width);
  void draw_toolbar();
  void draw_result();
  void draw_table(const char* id, const char* caption, const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows);
  std::string short_title(int index) const;
  float chapter_list_width() const;
  int chapter_number() const;

  std::shared_ptr<Session> session_;
  GenerationPanel* generation_;
  std::vector<lessons::Chapter> chapters_;
  std::vector<std::string> searched_;
  int index_ = 0;
  bool run_at_start_ = false;
  bool chapter_given_ = false;  // --lesson N: the saved chapter does not override it
  bool presenter_given_ = false;  // --presenter: the saved mode does not override it
  bool presenter_ = false;
  float presenter_scale_ = 1.5f;

  RunState state_ = RunState::kIdle;
  std::string run_error_;
  int run_serial_ = -1;             // the session's generation serial when we asked for one
  bool wants_generation_ = false;   // the experiment waits for a finished generation
  bool wants_flowar_ = false;       // chapter 6 opened the shipped FlowAR
  std::string flowar_path_;
  // The model open before chapter 6 switched to FlowAR: opened again when the reader leaves it.
  std::string model_before_, vae_before_;
  // A finished chapter's run, kept while the reader visits other chapters (for the model it ran on).
  struct KeptRun {
    RunState state = RunState::kIdle;
    std::string run_error, model_path;
    std::vector<vs::attention::ScalingPoint> bench;
  };
  std::map<int, KeptRun> kept_;
  lessons::Values values_;
  Settings companion_setup_;
  int companion_serial_ = 0;
  std::string values_key_;  // what values_ was computed from (recomputed only when it changes)
  std::vector<std::string> missing_;  // placeholders of the chapter left without a value
  std::vector<lessons::ScalePairs> pairs_rows_;
  lessons::DepthBudget depth_;
  std::vector<vs::attention::ScalingPoint> bench_;
  BackgroundJob<vs::attention::ScalingPoint> bench_job_;
  bool bench_pending_ = false;
};

}  // namespace vs::gui
