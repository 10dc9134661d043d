// The numbers the lessons quote, against theory.md's worked values and each other.
#include <gtest/gtest.h>

#include "app/gui/lessons/lesson_numbers.h"
#include "app/gui/shell/app_options.h"

using namespace vs::gui::lessons;

TEST(LessonNumbers, Var256PyramidMatchesTheSpecCounts) {
  // theory §1.2: real VAR-256, Σ n_k²L_k = 286,434, Σ L_k² = 743,654, L² = 462,400.
  const Values v = pyramid_values({1, 2, 3, 4, 5, 6, 8, 10, 13, 16});
  EXPECT_EQ(v.at("tokens_total"), "680");
  EXPECT_EQ(v.at("pairs_kv"), "286,434");
  EXPECT_EQ(v.at("pairs_recompute"), "743,654");
  EXPECT_EQ(v.at("pairs_full"), "462,400");
  EXPECT_EQ(v.at("ratio_L_n2"), "2.66");
  EXPECT_EQ(v.at("tokens_last"), "256");
  const std::vector<ScalePairs> rows = scale_pairs({1, 2, 3});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].keys, 14);
  EXPECT_EQ(rows[2].cached_pairs, 9 * 14);
}

TEST(LessonNumbers, PolynomialCalculatorFollowsTheTables) {
  // §2.8 at n = 4096, β = 1 (B = 1), ε = 1e-3, d = 8: Chebyshev degree 5, r = 1,287.
  const Values v = polynomial_values(4096, 8, 1.0, 1e-3);
  EXPECT_EQ(v.at("cheb_degree"), "5");
  EXPECT_EQ(v.at("taylor_degree"), "6");
  EXPECT_EQ(v.at("cheb_rank"), "1,287");
  EXPECT_EQ(v.at("threshold"), "2.88");
  // d = 64 at 680 tokens: r far above L, no speed-up.
  const Values big = polynomial_values(680, 64, 1.0, 1e-3);
  EXPECT_NE(big.at("speedup_verdict").find("no"), std::string::npos);
  EXPECT_GT(std::stod(big.at("exponent_at_L")), 2.0);
}

TEST(LessonNumbers, ZonesAlongTheRatio) {
  const Values v = zone_values(4096);
  EXPECT_EQ(v.at("ratio_b9"), "1.04");  // §2.8's B = 3 row
  EXPECT_NE(v.at("zone_b9").find("III"), std::string::npos);
  EXPECT_NE(v.at("zone_b025").find("I"), std::string::npos);
  EXPECT_EQ(v.at("zone_b025").find("II"), std::string::npos);
}

TEST(LessonNumbers, HeadZonesCountEveryMeasuredHead) {
  std::vector<vs::observe::HeadStats> stats(4);
  stats[0].norms.zone = vs::theory::Zone::kProvablyFast, stats[0].norms.beta = 0.1, stats[0].keys = 14;
  stats[1].norms.zone = vs::theory::Zone::kSethHard, stats[1].norms.beta = 9, stats[1].norms.ratio = 1.5;
  stats[2].norms.zone = vs::theory::Zone::kSethHard, stats[2].norms.beta = 4;
  stats[3].norms.zone = vs::theory::Zone::kUndefined;  // one key: not counted
  const Values v = head_zone_values(stats);
  EXPECT_EQ(v.at("heads_total"), "3");
  EXPECT_EQ(v.at("heads_zone1"), "1");
  EXPECT_EQ(v.at("heads_zone3"), "2");
  EXPECT_EQ(v.at("beta_max"), "9.00");
  EXPECT_NE(v.at("majority_zone").find("III"), std::string::npos);
  EXPECT_EQ(head_zone_values({}).count("heads_zone1"), 0u);
  EXPECT_EQ(v.at("var256_tokens"), "680");  // theory §1.2
  EXPECT_EQ(v.at("var256_ln_L"), "6.5");
}

TEST(LessonNumbers, FlowArPairsRepeatAtEveryEulerStep) {
  const Values v = flowar_values({1, 2, 4}, 10);
  EXPECT_EQ(v.at("flowar_pairs_step"), "273");  // 1 + 16 + 256
  EXPECT_EQ(v.at("flowar_pairs_all"), "2,730");
  EXPECT_EQ(v.at("flowar_pairs_ar"), std::to_string(1 * 1 + 4 * 5 + 16 * 21));
}

TEST(LessonNumbers, DepthGrowsWithLayersNotWithTheSide) {
  vs::gen::ModelInfo info;
  info.scales = {1, 2, 3, 4};
  info.modules = {{vs::observe::Module::kVar, 4, 4, 16, false}};
  const DepthBudget b = depth_budget(info, 0);
  EXPECT_GT(b.per_block, 0);
  EXPECT_EQ(b.total, 4 * (4 * int64_t(b.per_block) + b.per_scale));
  const Values v = depth_values(info, 0);
  EXPECT_EQ(v.at("depth_double_side"), v.at("depth_total"));
  EXPECT_NE(v.at("depth_double_layers"), v.at("depth_total"));
  // FlowAR: the flow head's blocks count once per Euler step.
  vs::gen::ModelInfo flow = info;
  flow.family = vs::gen::Family::kFlowAr;
  flow.modules.push_back({vs::observe::Module::kFlownet, 2, 2, 16, true});
  EXPECT_GT(depth_budget(flow, 20).total, depth_budget(flow, 10).total);
}

TEST(LessonNumbers, Formatting) {
  EXPECT_EQ(format_count(286434), "286,434");
  EXPECT_EQ(format_count(12), "12");
  EXPECT_EQ(format_fixed(std::nan(""), 2), "…");
  EXPECT_EQ(format_small(3.14e-4), "3.1e-04");
}

TEST(LessonOptions, LessonFlagsOpenTheWorkspaceAndCheckTheirValues) {
  const char* ok[] = {"varscope", "--lesson", "3", "--run-lesson"};
  const vs::gui::AppOptions o = vs::gui::parse_app_options(4, ok);
  EXPECT_EQ(o.lesson, 3);
  EXPECT_TRUE(o.run_lesson);
  EXPECT_EQ(o.workspace, "lessons");
  const char* zero[] = {"varscope", "--lesson", "0"};
  EXPECT_THROW(vs::gui::parse_app_options(3, zero), std::exception);
  const char* alone[] = {"varscope", "--run-lesson"};
  EXPECT_THROW(vs::gui::parse_app_options(2, alone), std::exception);
  EXPECT_EQ(vs::gui::canonical_panel_name("Lessons"), "lessons");
}
