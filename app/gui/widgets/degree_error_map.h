// "Error map": the relative error of the degree-g polynomial on exp over [−β, β] for a grid
// of β (log axis) × g, from core/theory's exp_relative_error, shown through the colormap
// shader (log scale) with the ε contour — the least degree for each β, i.e. Table A of
// theory §2.8 as a picture — and the current head marked. Computed on a worker.
#pragma once
#include <functional>
#include <vector>

#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/workers/background_job.h"
#include "core/theory/exp_polynomial.h"

namespace vs::gui {

class DegreeErrorMap {
 public:
  explicit DegreeErrorMap(std::function<void()> wake) : job_(std::move(wake)) {}
  // Drains the worker; starts it when the basis changed. UI thread, every frame.
  void update();
  void draw(double beta, double epsilon, int chebyshev_degree);
  bool busy() const { return job_.running(); }

  struct Row {
    int degree;
    std::vector<float> errors;  // one per β column
  };

 private:
  void start();

  vs::theory::ExpBasis basis_ = vs::theory::ExpBasis::kChebyshev;
  bool stale_ = true, uploaded_ = false;
  std::vector<float> grid_;  // (kDegrees, kColumns), row 0 = highest degree (drawn on top)
  int rows_done_ = 0;
  Colormap colormap_ = Colormap::kViridis;
  ColormapImage image_, colorbar_;
  BackgroundJob<Row> job_;
};

}  // namespace vs::gui
