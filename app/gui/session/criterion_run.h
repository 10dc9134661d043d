// The bounded-entry criterion over the open model, off the UI thread (the explorer's view
// of `varscope-cli criterion`): N generations with the Generation panel's settings, a
// CriterionObserver on every attention call, then per (module, kind, scale, block, head)
// the measured maxima, B_eff/√(ln L), the zone and the degree for ε, the heads per zone
// per scale and the verdict line. The same request as the CLI's, so the numbers agree.
#pragma once
#include <string>
#include <variant>
#include <vector>

#include "app/gui/workers/background_job.h"
#include "core/generator/generator.h"
#include "core/observe/criterion.h"

namespace vs::gui {

struct CriterionResult {
  std::vector<observe::HeadCriterion> rows;
  std::vector<observe::ZoneCounts> histogram;
  std::string verdict;
  long samples = 0;
  double eps = 0;
  gen::SamplingRequest request;  // what was sampled (labels, seed, cfg, attention)
};

// Samples `samples` images (cli::criterion_request over `settings`) and publishes one
// CriterionResult; progress per scale (and Euler step), cancellable between them.
void run_criterion(const gen::Generator& generator, const gen::SamplingRequest& settings, long samples, double eps,
                   BackgroundJob<CriterionResult>::Context& context);

}  // namespace vs::gui
