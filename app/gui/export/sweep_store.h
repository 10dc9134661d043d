// The theory workspace's last sweep results, kept across restarts (issue 14, item 6): a
// sweep of minutes is shown again at the next start without running again; Run sweep
// measures anew. One JSON file per sweep under the settings folder ("<dir>/scaling.json",
// "<dir>/phase.json"), holding everything the panels plot (the run's parameters, every
// point, whether it ran to the end and when it was measured). No ImGui: unit-tested.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/attention/scaling_benchmark.h"

namespace vs::gui {

struct StoredScalingSweep {
  vs::attention::ScalingConfig config;
  std::vector<vs::attention::ScalingPoint> points;
  bool complete = false;     // false: cancelled or failed part-way (the points so far)
  std::string measured_at;   // local time, "YYYY-mm-dd HH:MM"
};

// One point of the phase-transition sweep (panels/phase_transition_panel.h plots them).
struct PhasePoint {
  double bound;           // entries of Q, K, V uniform in [−bound, bound]
  double beta;            // largest |logit| of the inputs (softmax scale 1/√d), measured
  double ratio;           // √β / √(ln L)
  double measured_error;  // ‖O_poly − O_exact‖_F / ‖O_exact‖_F
  double exp_error;       // relative sup error of the polynomial on exp over [−β, β]
};

struct StoredPhaseSweep {
  std::string run_label;  // what the sweep ran ("poly:degree=2:basis=chebyshev, n = 16 (L = …), d = 8")
  int64_t tokens = 0;
  std::vector<PhasePoint> points;
  bool complete = false;
  std::string measured_at;
};

std::string scaling_sweep_json(const StoredScalingSweep& sweep);
std::string phase_sweep_json(const StoredPhaseSweep& sweep);
// The inverses; throw vs::Error naming what is missing or malformed.
StoredScalingSweep parse_scaling_sweep(const std::string& text);
StoredPhaseSweep parse_phase_sweep(const std::string& text);

// Writes the file (creating the folder); returns "" or the one-line reason it could not.
std::string store_sweep(const std::string& path, const std::string& json);
// Reads and parses a stored sweep; false (and *error empty) when there is none, false with
// *error set when the file is there but unreadable or malformed.
bool load_scaling_sweep(const std::string& path, StoredScalingSweep* sweep, std::string* error);
bool load_phase_sweep(const std::string& path, StoredPhaseSweep* sweep, std::string* error);

// "YYYY-mm-dd HH:MM", local time now.
std::string sweep_timestamp();

}  // namespace vs::gui
