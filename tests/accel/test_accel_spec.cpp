// Acceleration specs: one parser, one usage table, one-line errors; a plan resolved per
// model, whose null settings are the exact plan.
#include <gtest/gtest.h>

#include <string>

#include "core/accel/accel_plan.h"
#include "core/accel/accel_spec.h"
#include "core/error.h"
#include "tests/support/error_message.h"

namespace {

using vs::accel::AccelSpec;
using vs::accel::parse_accel;
using vs::accel::plan_accel;
using vs::accel::PlanTarget;
using vs::test::message_of;

const PlanTarget kVar{"fmnist-var", 6, false, 0, 1.0, {1, 2, 3, 4, 5, 6}};
const PlanTarget kFlowAr{"fmnist-flowar", 5, true, 25, 0.9, {1, 2, 4, 8, 16}};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(AccelSpec, NoneAndEmptyMeanNoAcceleration) {
  EXPECT_TRUE(parse_accel("").none());
  EXPECT_TRUE(parse_accel("none").none());
  EXPECT_EQ(parse_accel("").text, "none");
  EXPECT_FALSE(parse_accel("skip").none());
}

TEST(AccelSpec, MethodsReadTheirParametersAndDefaults) {
  EXPECT_EQ(*parse_accel("skip").skip_after, -2);
  EXPECT_EQ(*parse_accel("skip:after=3").skip_after, 3);
  EXPECT_EQ(*parse_accel("cfg-drop").uncond_from, -1);
  const AccelSpec drop = parse_accel("cfg-drop:from=4:guidance=0.5");
  EXPECT_EQ(*drop.uncond_from, 4);
  EXPECT_DOUBLE_EQ(*drop.guidance, 0.5);
  EXPECT_FALSE(parse_accel("cfg-drop").guidance.has_value());
  EXPECT_FALSE(parse_accel("cfg-drop:guidance=0.5").uncond_from.has_value());  // the interval alone
  EXPECT_EQ(parse_accel("steps:n=8").steps, 8);
  EXPECT_EQ(parse_accel("steps:per=25,25,12,8,4").steps_per_scale, (std::vector<int>{25, 25, 12, 8, 4}));
}

TEST(AccelSpec, MethodsCombineWithPlus) {
  const AccelSpec spec = parse_accel("skip:after=3+cfg-drop:from=2+steps:n=6");
  EXPECT_EQ(spec.text, "skip:after=3+cfg-drop:from=2+steps:n=6");
  EXPECT_EQ(*spec.skip_after, 3);
  EXPECT_EQ(*spec.uncond_from, 2);
  EXPECT_EQ(spec.steps, 6);
}

TEST(AccelSpec, BadSpecsAreOneLineErrorsWithTheUsage) {
  for (const std::string bad :
       {"warp", "skip:after=x", "skip:until=3", "skip:after=3+skip:after=2", "skip+", "+skip", "none+skip",
        "cfg-drop:guidance=2", "steps", "steps:n=1", "steps:n=4:per=4,4", "steps:per=4,,4", "steps:per=4,x",
        "steps:per=4,", "skip:after"}) {
    const std::string message = message_of([&] { parse_accel(bad); });
    EXPECT_TRUE(contains(message, "acceleration '" + bad + "'")) << bad << ": " << message;
    EXPECT_TRUE(contains(message, "valid methods: none, skip:after=K")) << bad << ": " << message;
    EXPECT_FALSE(contains(message, "\n")) << message;
  }
  EXPECT_TRUE(contains(message_of([] { parse_accel("warp"); }), "unknown method 'warp'"));
  EXPECT_TRUE(contains(message_of([] { parse_accel("skip+skip"); }), "'skip' is given twice"));
}

TEST(AccelPlan, NoSpecIsTheExactPlan) {
  const auto var = plan_accel(parse_accel("none"), kVar);
  EXPECT_EQ(var.last_scale, 5);
  EXPECT_EQ(var.uncond_from, 6);
  EXPECT_FALSE(var.skips_scales(6));
  EXPECT_TRUE(var.steps_per_scale.empty());
  const auto flow = plan_accel(parse_accel("none"), kFlowAr);
  EXPECT_EQ(flow.steps_per_scale, (std::vector<int>(5, 25)));
  EXPECT_DOUBLE_EQ(flow.guidance, 0.9);
}

TEST(AccelPlan, ScaleIndicesCountFromTheEndWhenNegative) {
  EXPECT_EQ(plan_accel(parse_accel("skip"), kVar).last_scale, 4);
  EXPECT_EQ(plan_accel(parse_accel("skip:after=-6"), kVar).last_scale, 0);
  EXPECT_EQ(plan_accel(parse_accel("skip:after=2"), kVar).last_scale, 2);
  EXPECT_EQ(plan_accel(parse_accel("cfg-drop"), kVar).uncond_from, 5);
  EXPECT_EQ(plan_accel(parse_accel("cfg-drop:from=6"), kVar).uncond_from, 6);  // the null setting
  EXPECT_TRUE(plan_accel(parse_accel("skip:after=4"), kVar).skips_scales(6));
  EXPECT_FALSE(plan_accel(parse_accel("skip:after=5"), kVar).skips_scales(6));
}

TEST(AccelPlan, IndicesOutsideTheModelAreRefused) {
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("skip:after=6"), kVar); }),
                       "skip:after=6 is outside [-6, 5] for its 6 scales"));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("skip:after=-7"), kVar); }), "outside [-6, 5]"));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("cfg-drop:from=7"), kVar); }), "outside [-6, 6]"));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("skip:after=6"), kVar); }), "does not fit fmnist-var"));
}

TEST(AccelPlan, FlowArMethodsAreRefusedOnVar) {
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("steps:n=8"), kVar); }), "VAR has no Euler steps"));
  EXPECT_TRUE(
      contains(message_of([] { plan_accel(parse_accel("cfg-drop:guidance=0.5"), kVar); }), "guidance interval"));
}

TEST(AccelPlan, FlowArStepsOverallOrPerScale) {
  EXPECT_EQ(plan_accel(parse_accel("steps:n=8"), kFlowAr).steps_per_scale, (std::vector<int>(5, 8)));
  EXPECT_EQ(plan_accel(parse_accel("steps:per=25,25,25,12,8"), kFlowAr).steps_per_scale,
            (std::vector<int>{25, 25, 25, 12, 8}));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("steps:per=4,4"), kFlowAr); }),
                       "steps:per lists 2 counts for its 5 scales"));
}

TEST(AccelPlan, GuidanceOnlyNarrowsTheInterval) {
  EXPECT_DOUBLE_EQ(plan_accel(parse_accel("cfg-drop:from=5:guidance=0.5"), kFlowAr).guidance, 0.5);
  EXPECT_DOUBLE_EQ(plan_accel(parse_accel("cfg-drop:from=5:guidance=1"), kFlowAr).guidance, 0.9);
  EXPECT_EQ(plan_accel(parse_accel("cfg-drop:guidance=0.5"), kFlowAr).uncond_from, 5);  // no scale switched off
}

}  // namespace

namespace {

const PlanTarget kVarSides{"fmnist-var", 7, false, 0, 1.0, {1, 2, 3, 4, 5, 6, 8}};

TEST(AccelSpec, FastVarReadsSidesAndShares) {
  const AccelSpec spec = parse_accel("fastvar:cache=10:prune=13@0.4,16@0.5");
  EXPECT_TRUE(spec.fastvar);
  EXPECT_EQ(*spec.fastvar_cache, 10);
  ASSERT_EQ(spec.fastvar_prune.size(), 2u);
  EXPECT_EQ(spec.fastvar_prune[1].first, 16);
  EXPECT_DOUBLE_EQ(spec.fastvar_prune[1].second, 0.5);
  EXPECT_FALSE(parse_accel("fastvar").none());
  for (const std::string bad : {"fastvar:prune=13", "fastvar:prune=13@1", "fastvar:prune=13@x", "fastvar:prune=x@0.4",
                                "fastvar:prune=13@0.4,13@0.5", "fastvar:prune=13@0.4,", "fastvar:cache=0"})
    EXPECT_NE(message_of([&] { parse_accel(bad); }).find("acceleration '" + bad + "'"), std::string::npos) << bad;
}

TEST(AccelPlan, FastVarDefaultIsTheSpecsAnalogue) {
  const auto plan = plan_accel(parse_accel("fastvar"), kVarSides);
  EXPECT_EQ(plan.fastvar_cache_scale, 4);  // side 5
  EXPECT_EQ(plan.prune_ratio, (std::vector<double>{0, 0, 0, 0, 0, 0.4, 0.5}));
  const auto given = plan_accel(parse_accel("fastvar:cache=4:prune=8@0.25"), kVarSides);
  EXPECT_EQ(given.fastvar_cache_scale, 3);
  EXPECT_EQ(given.prune_ratio, (std::vector<double>{0, 0, 0, 0, 0, 0, 0.25}));
  // Share 0 everywhere prunes nothing: the exact plan.
  EXPECT_FALSE(plan_accel(parse_accel("fastvar:prune=6@0,8@0"), kVarSides).prunes());
}

TEST(AccelPlan, FastVarRefusesWhatDoesNotFit) {
  EXPECT_NE(message_of([] { plan_accel(parse_accel("fastvar:prune=7@0.4"), kVarSides); })
                .find("names side 7, not one of its scales (1,2,3,4,5,6,8)"),
            std::string::npos);
  EXPECT_NE(message_of([] { plan_accel(parse_accel("fastvar:cache=6:prune=5@0.4"), kVarSides); })
                .find("does not come after the cache side 6"),
            std::string::npos);
  EXPECT_NE(message_of([] { plan_accel(parse_accel("fastvar"), PlanTarget{"f", 3, true, 6, 0.9, {1, 2, 4}}); })
                .find("FlowAR has no port of it yet"),
            std::string::npos);
}

TEST(AccelSpec, CfgShareDefaultsToEveryScale) {
  const AccelSpec spec = parse_accel("cfg-share");
  EXPECT_FALSE(spec.none());
  EXPECT_EQ(plan_accel(spec, kVar).share_cfg_from, 0);
  EXPECT_EQ(plan_accel(parse_accel("cfg-share:from=-2"), kVar).share_cfg_from, 4);
  // Its null setting: one past the last scale, as with no spec at all.
  EXPECT_EQ(plan_accel(parse_accel("cfg-share:from=6"), kVar).share_cfg_from, 6);
  EXPECT_EQ(plan_accel(parse_accel("none"), kVar).share_cfg_from, 6);
  EXPECT_TRUE(contains(message_of([] { parse_accel("cfg-share:from=x"); }), "from=x is not an integer"));
  EXPECT_TRUE(contains(message_of([] { parse_accel("cfg-share:to=2"); }), "unknown parameter 'to' for cfg-share"));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("cfg-share:from=7"), kVar); }),
                       "cfg-share:from=7 is outside [-6, 6]"));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("cfg-share"), kFlowAr); }), "FlowAR has no port of it"));
  EXPECT_TRUE(contains(message_of([] { plan_accel(parse_accel("cfg-share+fastvar"), kVar); }),
                       "cfg-share cannot join fastvar"));
  // With fastvar pruning nothing (every share 0) there is nothing to refuse.
  EXPECT_EQ(plan_accel(parse_accel("cfg-share+fastvar:prune=6@0"), kVar).share_cfg_from, 0);
}

}  // namespace
