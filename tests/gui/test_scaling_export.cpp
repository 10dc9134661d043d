// CSV/JSON export of the runtime-scaling points: parameters attached, NaN handled, JSON
// parses with core's strict parser, slopes from core's least squares.
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
  c.repeats = 3;
  c.variants = {"exact", "poly:degree=2:basis=chebyshev"};
  return c;
}

std::vector<vs::attention::ScalingPoint> points() {
  std::vector<vs::attention::ScalingPoint> p(4);
  p[0] = {"exact", 8, 204, 1.0, NAN, {}};
  p[1] = {"poly:degree=2:basis=chebyshev", 8, 204, 0.5, 1e-3, {}};
  p[2] = {"exact", 16, 680, 16.0, 2e-7, {}};
  p[3] = {"poly:degree=2:basis=chebyshev", 16, 680, 2.0, 2e-3, {}};
  return p;
}

}  // namespace

TEST(ScalingExport, SlopesAreLeastSquaresPerVariant) {
  const auto slopes = vs::gui::scaling_slopes(points());
  EXPECT_NEAR(slopes.at("exact"), 4.0, 1e-12);  // 1 → 16 ms while n doubles
  EXPECT_NEAR(slopes.at("poly:degree=2:basis=chebyshev"), 2.0, 1e-12);
}

TEST(ScalingExport, CsvCarriesParametersHeaderAndRows) {
  const auto p = points();
  const std::string csv = vs::gui::scaling_points_csv(config(), p, vs::gui::scaling_slopes(p));
  EXPECT_NE(csv.find("# sides=8,16 head_dim=8 heads=1 bound=0.5 repeats=3 seed=1"), std::string::npos) << csv;
  EXPECT_NE(csv.find("# slope exact = 4"), std::string::npos) << csv;
  EXPECT_NE(csv.find("variant,side,tokens,median_ms,rel_error\n"), std::string::npos);
  EXPECT_NE(csv.find("exact,8,204,1,nan\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("poly:degree=2:basis=chebyshev,16,680,2,0.002\n"), std::string::npos) << csv;
}

TEST(ScalingExport, JsonParsesAndWritesNanAsNull) {
  const auto p = points();
  const std::string text = vs::gui::scaling_points_json(config(), p, vs::gui::scaling_slopes(p));
  const vs::io::json::Value doc = vs::io::json::parse(text);
  ASSERT_TRUE(doc.is_object());
  const auto* params = doc.find("parameters");
  ASSERT_NE(params, nullptr);
  ASSERT_NE(params->find("head_dim"), nullptr);
  EXPECT_EQ(params->find("head_dim")->text, "8");
  EXPECT_EQ(params->find("variants")->array.size(), 2u);
  const auto* pts = doc.find("points");
  ASSERT_NE(pts, nullptr);
  ASSERT_EQ(pts->array.size(), 4u);
  EXPECT_EQ(pts->array[0].find("rel_error")->kind, vs::io::json::Value::Kind::Null);
  EXPECT_EQ(pts->array[3].find("tokens")->text, "680");
  EXPECT_EQ(doc.find("slopes")->find("exact")->text, "4");
}
