// Every method applied beyond what its authors reported is labelled as an extrapolation.
#include <gtest/gtest.h>

#include "core/accel/accel_spec.h"
#include "core/accel/provenance.h"

namespace {

using vs::accel::extrapolations;
using vs::accel::parse_accel;

TEST(Provenance, TheExactRunIsNoExtrapolation) {
  EXPECT_TRUE(extrapolations(parse_accel("none"), false).empty());
  EXPECT_TRUE(extrapolations(parse_accel("none"), true).empty());
}

TEST(Provenance, EachMethodSaysWhatIsExtrapolated) {
  const auto var = extrapolations(parse_accel("skip+cfg-drop+fastvar"), false);
  ASSERT_EQ(var.size(), 3u);
  EXPECT_NE(var[0].find("skip on VAR [D]"), std::string::npos);
  EXPECT_NE(var[1].find("ramps"), std::string::npos);
  EXPECT_NE(var[2].find("fastvar [D]"), std::string::npos);
  const auto flowar = extrapolations(parse_accel("steps:n=8+cfg-drop:from=2"), true);
  ASSERT_EQ(flowar.size(), 2u);
  EXPECT_NE(flowar[0].find("cfg-drop on FlowAR [D]"), std::string::npos);
  EXPECT_NE(flowar[1].find("steps [D]"), std::string::npos);
}

TEST(Provenance, CfgShareIsLiteVarsOnVarUnlessItStartsLater) {
  EXPECT_TRUE(extrapolations(parse_accel("cfg-share"), false).empty());
  const auto later = extrapolations(parse_accel("cfg-share:from=5"), false);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_NE(later[0].find("cfg-share:from [D]"), std::string::npos);
}

}  // namespace
