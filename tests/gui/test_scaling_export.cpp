// CSV/JSON export of the runtime-scaling points: parameters (pyramid family, timing
// protocol, GEMM rate) attached, NaN handled, JSON parses with core's strict parser, the
// fits (slopes with intervals, model slopes) from core's scaling_fits.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/export/scaling_export.h"
#include "core/io/json.h"

namespace {

vs::attention::ScalingConfig config() {
  vs::attention::ScalingConfig c;
  c.sides = {8, 16};
  c.head_dim = 8;
  c.bound = 0.5;
  c.timing.samples = 3;
  c.variants = {"exact", "poly:degree=2:basis=chebyshev"};
  return c;
}

vs::attention::ScalingPoint point(const std::string& variant, int side, int64_t tokens, double ms, double error) {
  vs::attention::ScalingPoint p;
  p.variant = variant;
  p.side = side;
  p.tokens = tokens;
  p.timing.min_ms = ms;
  p.timing.median_ms = 1.5 * ms;
  p.timing.spread = 0.5;
  p.timing.repeats = 4;
  p.timing.samples = 3;
  p.timing.threads = 2;
  p.model_flops = 1e6 * ms;  // 1e6 flops per ms: a 1 GFLOP/s machine
  p.model_ms = ms;
  p.rel_error = error;
  return p;
}

std::vector<vs::attention::ScalingPoint> points() {
  return {point("exact", 8, 204, 1.0, NAN), point("poly:degree=2:basis=chebyshev", 8, 204, 0.5, 1e-3),
          point("exact", 16, 680, 16.0, 2e-7), point("poly:degree=2:basis=chebyshev", 16, 680, 2.0, 2e-3)};
}

}  // namespace

TEST(ScalingExport, CsvCarriesParametersFitsHeaderAndRows) {
  const auto p = points();
  const std::string csv = vs::gui::scaling_points_csv(config(), p, vs::attention::fit_scaling(p));
  EXPECT_NE(csv.find("# sides=8,16 pyramid=geometric:scales=10 head_dim=8 heads=1 bound=0.5 seed=1"),
            std::string::npos) << csv;
  EXPECT_NE(csv.find("min of 3 samples"), std::string::npos) << csv;
  EXPECT_NE(csv.find("2 threads, wall clock; gemm_gflops=1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("# slope exact: all sides 4 ± nan (model 4)"), std::string::npos) << csv;
  EXPECT_NE(csv.find("variant,side,tokens,min_ms,median_ms,spread,repeats,samples,threads,model_ms,rel_error\n"),
            std::string::npos);
  EXPECT_NE(csv.find("exact,8,204,1,1.5,0.5,4,3,2,1,nan\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("poly:degree=2:basis=chebyshev,16,680,2,3,0.5,4,3,2,2,0.002\n"), std::string::npos) << csv;
}

TEST(ScalingExport, JsonParsesAndWritesNanAsNull) {
  const auto p = points();
  const std::string text = vs::gui::scaling_points_json(config(), p, vs::attention::fit_scaling(p));
  const vs::io::json::Value doc = vs::io::json::parse(text);
  ASSERT_TRUE(doc.is_object());
  const auto* params = doc.find("parameters");
  ASSERT_NE(params, nullptr);
  EXPECT_EQ(params->find("head_dim")->text, "8");
  EXPECT_EQ(params->find("pyramid")->text, "geometric:scales=10");
  EXPECT_EQ(params->find("threads")->text, "2");
  EXPECT_EQ(params->find("clock")->text, "wall");
  EXPECT_EQ(params->find("gemm_gflops")->text, "1");
  EXPECT_EQ(params->find("variants")->array.size(), 2u);
  const auto* pts = doc.find("points");
  ASSERT_NE(pts, nullptr);
  ASSERT_EQ(pts->array.size(), 4u);
  EXPECT_EQ(pts->array[0].find("rel_error")->kind, vs::io::json::Value::Kind::Null);
  EXPECT_EQ(pts->array[3].find("tokens")->text, "680");
  EXPECT_EQ(pts->array[3].find("min_ms")->text, "2");
  const auto* exact = doc.find("fits")->find("exact");
  ASSERT_NE(exact, nullptr);
  EXPECT_EQ(exact->find("all")->find("slope")->text, "4");
  EXPECT_EQ(exact->find("all")->find("ci95")->kind, vs::io::json::Value::Kind::Null);  // two points
  EXPECT_EQ(exact->find("model_all")->find("slope")->text, "4");
  EXPECT_EQ(exact->find("local_slopes")->array.size(), 1u);
}
