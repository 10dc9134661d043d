// The variant picker's spec strings (no window): poly defaults to poly:auto (issue 14), and
// every family and mode it can produce is one core's make_variant accepts, also after a
// settings round trip.
#include <gtest/gtest.h>

#include <limits>

#include "app/gui/widgets/variant_picker.h"
#include "core/attention/attention.h"

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

}  // namespace
}  // namespace vs::gui
