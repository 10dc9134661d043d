// "Your image" regenerates with the Generation panel's widgets as they are now, not with
// its last run: the panel (built without a window) is given new values through load(),
// as a user moving its sliders would, and params() / flowar_params() read them while the
// session still holds the last run's.
#include <gtest/gtest.h>

#include "app/gui/panels/generation_panel.h"

using namespace vs::gui;

TEST(OwnImageLiveParams, ReadTheGenerationPanelsWidgetsNotItsLastRun) {
  auto var = std::make_shared<VarSession>();
  auto flowar = std::make_shared<FlowArSession>();
  GenerationPanel panel(var, flowar, AppOptions{});
  Settings s;
  s.set_double("generation.cfg", 2.75);
  s.set_int("generation.top_k", 17);
  s.set_double("generation.top_p", 0.5);
  s.set_bool("generation.more_smooth", true);
  s.set_int("generation.variant.family", 1);
  s.set_bool("generation.variant.poly_auto", false);  // poly:auto is the picker's default
  s.set_int("generation.variant.poly_degree", 3);
  s.set_int("flowar.steps", 7);
  s.set_double("flowar.cfg", 2.25);
  s.set_double("flowar.guidance", 0.7);
  s.set_int("flowar.variant.family", 3);
  s.set_int("flowar.variant.nystrom_landmarks", 12);
  panel.load(s);

  const GenerationParams p = panel.params();
  EXPECT_NEAR(p.cfg, 2.75, 1e-6);
  EXPECT_EQ(p.top_k, 17);
  EXPECT_NEAR(p.top_p, 0.5, 1e-6);
  EXPECT_TRUE(p.more_smooth);
  EXPECT_EQ(p.variant.rfind("poly:degree=3", 0), 0u) << p.variant;
  EXPECT_NE(var->requested_params().cfg, p.cfg);  // the last run's value is not what is used

  const FlowArParams f = panel.flowar_params();
  EXPECT_EQ(f.steps, 7);
  EXPECT_NEAR(f.cfg, 2.25, 1e-6);
  EXPECT_NEAR(f.guidance, 0.7, 1e-6);  // a float widget
  EXPECT_EQ(f.variant, "nystrom:landmarks=12");
}
