// make_variant: the spec strings of the issue parse to the right variant, and every bad
// string is refused with a message that lists the valid specs.
#include <gtest/gtest.h>

#include "core/attention/attention.h"
#include "core/error.h"

namespace vs::attention {
namespace {

TEST(VariantRegistry, ParsesExactAndSvd) {
  EXPECT_EQ(make_variant("exact")->spec(), "exact");
  EXPECT_EQ(make_variant("svd:rank=32")->spec(), "svd:rank=32");
  EXPECT_EQ(make_variant("svd:rank=1")->spec(), "svd:rank=1");
}

TEST(VariantRegistry, ValidSpecsNameEveryVariant) {
  const std::string valid = valid_variant_specs();
  for (const char* name : {"exact", "poly:degree", "poly:auto", "performer", "nystrom", "svd"})
    EXPECT_NE(valid.find(name), std::string::npos) << name;
}

TEST(VariantRegistry, BadSpecsThrowListingValidOnes) {
  const char* bad[] = {"",
                       "softmax",
                       "Exact",
                       "exact:rank=3",
                       ":rank=3",
                       "svd:rank",
                       "svd:=3",
                       "svd:rank=3:rank=3",
                       "svd:rank=",
                       "svd:rank=0",
                       "svd:rank=1e3",
                       "svd:depth=3",
                       "svd:rank=99999999999"};
  for (const char* spec : bad) {
    try {
      make_variant(spec);
      ADD_FAILURE() << "'" << spec << "' was accepted";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(valid_variant_specs()), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    }
  }
}

}  // namespace
}  // namespace vs::attention
