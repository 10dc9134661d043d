// One pyramid family per sweep: parsing, the geometric rule, the official schedules (and
// their refusal elsewhere), and var_pyramid still giving models their own schedules.
#include "core/attention/pyramid_family.h"

#include <gtest/gtest.h>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "tests/support/error_message.h"

namespace vs::attention {
namespace {

TEST(PyramidFamily, ParsesTheFamiliesAndSpellsThemBack) {
  EXPECT_EQ(parse_pyramid_family("official").kind, PyramidFamily::Kind::kOfficial);
  const PyramidFamily geometric = parse_pyramid_family("geometric");
  EXPECT_EQ(geometric.kind, PyramidFamily::Kind::kGeometric);
  EXPECT_EQ(geometric.scales, 10);
  EXPECT_EQ(parse_pyramid_family("geometric:scales=14").scales, 14);
  EXPECT_EQ(pyramid_family_spec(parse_pyramid_family("geometric:scales=14")), "geometric:scales=14");
  EXPECT_EQ(pyramid_family_spec(parse_pyramid_family("official")), "official");
  EXPECT_NE(describe_pyramid_family(geometric).find("10 scales"), std::string::npos);
}

TEST(PyramidFamily, RefusesUnknownFamiliesNamingTheValidOnes) {
  for (const char* bad : {"", "hand", "geometric:scales=1", "geometric:scales=x", "official:scales=3",
                          "geometric:sides=4"}) {
    const std::string message = test::message_of([&] { parse_pyramid_family(bad); });
    EXPECT_NE(message.find("valid: official, geometric"), std::string::npos) << bad << ": " << message;
  }
}

TEST(PyramidFamily, GeometricRuleAtEverySide) {
  EXPECT_EQ(geometric_pyramid(64, 10), (std::vector<int>{1, 2, 3, 4, 6, 10, 16, 25, 40, 64}));
  EXPECT_EQ(geometric_pyramid(16, 10), (std::vector<int>{1, 2, 3, 5, 6, 9, 12, 16}));  // not the official one
  EXPECT_EQ(geometric_pyramid(4, 10), (std::vector<int>{1, 2, 3, 4}));  // repeats removed
  EXPECT_EQ(geometric_pyramid(9, 3), (std::vector<int>{1, 3, 9}));
  EXPECT_THROW(geometric_pyramid(0, 10), Error);
  EXPECT_THROW(geometric_pyramid(8, 1), Error);
}

TEST(PyramidFamily, OfficialSchedulesExistOnlyWhereVarDefinesThem) {
  EXPECT_EQ(official_pyramid(64).size(), 14u);
  EXPECT_EQ(official_pyramid(32), (std::vector<int>{1, 2, 3, 4, 6, 9, 13, 18, 24, 32}));
  const std::string message = test::message_of([] { official_pyramid(48); });
  EXPECT_NE(message.find("n = 48"), std::string::npos) << message;
  EXPECT_NE(message.find("16, 32 and 64"), std::string::npos) << message;
}

TEST(PyramidFamily, OneFamilyForEverySideOfASweep) {
  const PyramidFamily geometric = parse_pyramid_family("geometric");
  const PyramidFamily official = parse_pyramid_family("official");
  // At n = 64 the two families differ: a sweep must not switch between them.
  EXPECT_EQ(family_pyramid(geometric, 64).size(), 10u);
  EXPECT_EQ(family_pyramid(official, 64).size(), 14u);
  EXPECT_EQ(family_pyramid(geometric, 48), geometric_pyramid(48, 10));
  EXPECT_THROW(family_pyramid(official, 48), Error);
  // Models keep their own schedules.
  EXPECT_EQ(var_pyramid(64), official_pyramid(64));
  EXPECT_EQ(var_pyramid(48), geometric_pyramid(48, 10));
}

}  // namespace
}  // namespace vs::attention
