// The run exports for either family: every row carries the run's parameters; a comma in a
// path is quoted; norms rows name module, scale, Euler step, block, kind and head (from 1,
// as on screen) and hold the threshold numbers core computes for ε; the JSON parses with
// the project's reader and has the same rows.
#include <gtest/gtest.h>

#include "app/gui/export/run_export.h"
#include "core/io/json.h"
#include "core/theory/threshold.h"
#include "tests/gui/text_lines.h"

using namespace vs::gui;

namespace {

vs::gen::ModelInfo model_info() {
  vs::gen::ModelInfo info;
  info.family = vs::gen::Family::kFlowAr;
  info.model_path = "/m/a,b.safetensors";
  info.modules = {{vs::observe::Module::kAr, 2, 1, 8, false}, {vs::observe::Module::kFlownet, 2, 1, 16, true}};
  return info;
}

vs::gen::SamplingRequest request() {
  vs::gen::SamplingRequest r;
  r.labels = {3}, r.seed = 42, r.cfg = 2.5, r.attention = "poly:degree=2:basis=chebyshev";
  r.extra = vs::gen::FlowArExtra{7, 0.8};
  return r;
}

std::vector<ScaleFrame> frames() {
  std::vector<ScaleFrame> f(2);
  f[0].scale = 0, f[0].side = 1, f[0].ms = 1.5;
  f[1].scale = 1, f[1].side = 2, f[1].ms = 2.25;
  vs::observe::HeadStats s;
  s.site.module = vs::observe::Module::kFlownet, s.site.kind = vs::observe::AttentionKind::kCross;
  s.site.scale = 1, s.site.euler_step = 2, s.site.block = 1;
  s.head = 0, s.queries = 4, s.keys = 55;
  s.norms.beta = 1.0, s.norms.b_eff = 1.0, s.norms.max_abs_q = 0.5, s.norms.max_abs_k = 0.25;
  f[1].stats.push_back(s);
  return f;
}

}  // namespace

TEST(RunExport, TimingsRowsCarryTheParameters) {
  const auto rows = lines(timings_csv(model_info(), request(), frames()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "scale,side,ms,model,class,seed,cfg,attention,settings");
  EXPECT_EQ(rows[2].rfind("2,2,2.25,\"/m/a,b.safetensors\",3,42,2.5,poly:degree=2:basis=chebyshev,\"cfg 2.5", 0), 0u)
      << rows[2];
  EXPECT_NE(rows[2].find("7 Euler steps"), std::string::npos) << rows[2];
}

TEST(RunExport, NormsRowsHoldTheThresholdNumbers) {
  const auto rows = lines(norms_csv(model_info(), request(), frames(), 1e-3));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rfind("module,scale,euler_step,block,attention,head,queries,tokens,max_abs_q,", 0), 0u) << rows[0];
  const auto report = vs::theory::threshold_report(55, 16, 1.0, 1e-3);  // the flownet's head_dim
  ASSERT_GE(report.chebyshev.degree, 0);
  EXPECT_EQ(rows[1].rfind("flownet,2,3,2,cross,1,4,55,0.5,0.25,1,1,", 0), 0u) << rows[1];
  EXPECT_NE(rows[1].find("," + std::to_string(report.chebyshev.degree) + ","), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find(",\"/m/a,b.safetensors\",3,42,"), std::string::npos) << rows[1];
}

TEST(RunExport, JsonParsesWithTheSameRows) {
  const vs::io::json::Value j = vs::io::json::parse(run_json(model_info(), request(), frames(), 1e-3));
  EXPECT_EQ(j.find("family")->text, "FlowAR");
  EXPECT_EQ(j.find("seed")->text, "42");
  ASSERT_EQ(j.find("scales")->array.size(), 2u);
  const auto& norms = j.find("norms")->array;
  ASSERT_EQ(norms.size(), 1u);
  EXPECT_EQ(norms[0].find("module")->text, "flownet");
  EXPECT_EQ(norms[0].find("euler_step")->text, "3");
  EXPECT_EQ(norms[0].find("attention")->text, "cross");
  EXPECT_EQ(norms[0].find("tokens")->text, "55");
}
