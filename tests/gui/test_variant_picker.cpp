// The variant picker's spec strings (no window): poly defaults to poly:auto (issue 14), and
// every family and mode it can produce is one core's make_variant accepts, also after a
// settings round trip.
#include <gtest/gtest.h>

#include <limits>

#include "app/gui/widgets/variant_picker.h"
#include "core/attention/attention.h"
#include "core/error.h"

namespace vs::gui {
namespace {

TEST(VariantPicker, PolyDefaultsToAutoWithItsTarget) {
  VariantPicker picker;
  picker.family = 1;
  EXPECT_EQ(picker.spec(), "poly:auto:eps=0.01:basis=chebyshev");
  EXPECT_EQ(attention::make_variant(picker.spec())->spec(), "poly:auto:eps=0.01:basis=chebyshev:max_rank=4096");
  picker.poly_auto = false;
  picker.poly_degree = 4;
  EXPECT_EQ(picker.spec(), "poly:degree=4:basis=chebyshev");
}

TEST(VariantPicker, EveryChoiceParses) {
  VariantPicker picker;
  for (int family = 0; family <= 5; ++family)
    for (bool automatic : {true, false})
      for (float eps : {1e-4f, 3e-3f, 0.3f}) {
        picker.family = family;
        picker.poly_auto = automatic;
        picker.poly_eps = eps;
        picker.window_square = automatic;
        picker.window_zero_logits = !automatic;
        EXPECT_NO_THROW(attention::make_variant(picker.spec())) << picker.spec();
      }
}

TEST(VariantPicker, WindowIsLiteVarsBandUnlessAskedOtherwise) {
  VariantPicker picker;
  picker.family = 5;
  EXPECT_EQ(picker.spec(), "window:w=8:w_prev=2");
  picker.window_square = true;
  picker.window_zero_logits = true;
  EXPECT_EQ(picker.spec(), "window:w=8:w_prev=2:shape=square:logits=zero");
  Settings settings;
  picker.save(settings, "compare.variant");
  VariantPicker loaded;
  loaded.load(settings, "compare.variant");
  EXPECT_EQ(loaded.spec(), picker.spec());
}

TEST(VariantPicker, SettingsRoundTripAndBadValuesFallBack) {
  VariantPicker picker;
  picker.family = 1;
  picker.poly_auto = false;
  picker.poly_eps = 1e-3f;
  Settings settings;
  picker.save(settings, "compare.variant");
  VariantPicker loaded;
  loaded.load(settings, "compare.variant");
  EXPECT_EQ(loaded.spec(), picker.spec());
  EXPECT_FLOAT_EQ(loaded.poly_eps, 1e-3f);
  settings.set("compare.variant.poly_eps", "nan");
  VariantPicker fallback;
  fallback.load(settings, "compare.variant");
  EXPECT_FLOAT_EQ(fallback.poly_eps, 1e-2f);
  settings.set_double("compare.variant.poly_eps", 5.0);
  fallback.load(settings, "compare.variant");
  EXPECT_FLOAT_EQ(fallback.poly_eps, 0.3f);
}

// --compare SPEC: the picker shows the spec that runs, in every family, and says when it
// can only hold the nearest choice.
TEST(VariantPicker, ShowsAGivenSpec) {
  struct Case {
    const char* given;
    const char* shown;
    bool exact;
  };
  const Case cases[] = {
      {"exact", "exact", true},
      {"poly:degree=2", "poly:degree=2:basis=taylor", true},
      {"poly:degree=5:basis=chebyshev", "poly:degree=5:basis=chebyshev", true},
      {"poly:auto:eps=0.001", "poly:auto:eps=0.001:basis=chebyshev", true},
      {"performer:features=32", "performer:features=32", true},
      {"nystrom:landmarks=16", "nystrom:landmarks=16", true},
      {"svd:rank=8", "svd:rank=8", true},
      // No widget for the form or a seed, and 1024 features is past the slider.
      {"poly:degree=2:form=squared", "poly:degree=2:basis=taylor", false},
      {"performer:features=16:seed=9", "performer:features=16", false},
      {"performer:features=1024", "performer:features=512", false},
  };
  for (const Case& c : cases) {
    VariantPicker picker;  // starts on exact
    EXPECT_EQ(picker.set_spec(c.given), c.exact) << c.given;
    EXPECT_EQ(picker.spec(), c.shown) << c.given;
  }
}

TEST(VariantPicker, ABadSpecLeavesThePickerAsItWas) {
  VariantPicker picker;
  picker.family = 3;
  EXPECT_THROW(picker.set_spec("poly:degree=banana"), Error);
  EXPECT_THROW(picker.set_spec("lsh:buckets=4"), Error);
  EXPECT_EQ(picker.spec(), "nystrom:landmarks=32");
}

}  // namespace
}  // namespace vs::gui
