// The VAR run exports: every row carries the run's parameters; a comma in a path is quoted;
// norms rows hold the threshold numbers core computes for ε.
#include <gtest/gtest.h>

#include <sstream>

#include "app/gui/var/run_export.h"
#include "core/theory/threshold.h"
#include "tests/gui/text_lines.h"

using namespace vs::gui;

namespace {

GenerationParams params() {
  GenerationParams p;
  p.class_id = 3, p.seed = 42, p.cfg = 2.5, p.top_k = 100, p.top_p = 0.9, p.variant = "poly:degree=2:basis=chebyshev";
  return p;
}

}  // namespace

TEST(RunExport, TimingsRowsCarryTheParameters) {
  std::vector<ScaleFrame> frames(2);
  frames[0].scale = 0, frames[0].side = 1, frames[0].ms = 1.5;
  frames[1].scale = 1, frames[1].side = 2, frames[1].ms = 2.25;
  const auto rows = lines(timings_csv("/m/a,b.pth", params(), frames));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "scale,side,ms,model,class,seed,cfg,top_k,top_p,more_smooth,variant");
  EXPECT_EQ(rows[2], "2,2,2.25,\"/m/a,b.pth\",3,42,2.5,100,0.9,0,poly:degree=2:basis=chebyshev");
}

TEST(RunExport, NormsRowsHoldTheThresholdNumbers) {
  InspectResult r;
  r.step = 4, r.layer = 1, r.heads = 1, r.head_dim = 8, r.queries = 25, r.keys = 55;
  vs::observe::HeadStats s;
  s.site.block = 1, s.head = 0, s.queries = 25, s.keys = 55;
  s.norms.beta = 1.0, s.norms.b_eff = 1.0, s.norms.max_abs_q = 0.5, s.norms.max_abs_k = 0.25;
  r.stats.push_back(s);
  const auto rows = lines(norms_csv("m.safetensors", params(), r, 1e-3));
  ASSERT_EQ(rows.size(), 2u);
  const auto report = vs::theory::threshold_report(55, 8, 1.0, 1e-3);
  ASSERT_GE(report.chebyshev.degree, 0);
  EXPECT_EQ(rows[1].rfind("5,2,1,25,55,0.5,0.25,1,1,", 0), 0u) << rows[1];
  EXPECT_NE(rows[1].find("," + std::to_string(report.chebyshev.degree) + ","), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find(",m.safetensors,3,42,"), std::string::npos) << rows[1];
}
