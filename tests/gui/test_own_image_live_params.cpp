// "Your image" regenerates with the Generation panel's widgets as they are now, not with
// its last run: the panel (built without a window) is given values through load(), as a
// user moving its widgets would, and live_request() reads them — for a VAR model (top-k,
// top-p, more smooth) and, after a FlowAR model opens, that family's saved values (Euler
// steps, guidance), each family's cfg kept apart.
#include <gtest/gtest.h>

#include "app/gui/panels/generation_panel.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

// The panel drives the session; settle on it through the panel's update().
struct PanelDriver {
  GenerationPanel& panel;
  void update() { panel.update(); }
  bool busy() const { return panel.busy(); }
};

}  // namespace

TEST(OwnImageLiveParams, ReadTheGenerationPanelsWidgetsPerFamily) {
  auto session = std::make_shared<Session>();
  AppOptions options;
  options.frames = 1;  // headless: no generation at start
  const std::string models = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
  options.model_path = models + "fmnist-var.safetensors";
  GenerationPanel panel(session, options);
  Settings s;
  s.set_int("generation.class", 4);
  s.set_int("generation.seed", 77);
  s.set_double("generation.var.cfg", 2.75);
  s.set_int("generation.var.top_k", 17);
  s.set_double("generation.var.top_p", 0.5);
  s.set_bool("generation.var.more_smooth", true);
  s.set_int("generation.variant.family", 1);
  s.set_bool("generation.variant.poly_auto", false);  // poly:auto is the picker's default
  s.set_int("generation.variant.poly_degree", 3);
  s.set_double("generation.flowar.cfg", 2.25);
  s.set_int("generation.flowar.steps", 7);
  s.set_double("generation.flowar.guidance", 0.7);
  panel.load(s);
  PanelDriver driver{panel};
  ASSERT_TRUE(settle(driver));
  ASSERT_NE(session->info(), nullptr) << session->load_error();

  vs::gen::SamplingRequest r = panel.live_request();
  EXPECT_EQ(r.labels, std::vector<int64_t>{4});
  EXPECT_EQ(r.seed, 77u);
  EXPECT_NEAR(r.cfg, 2.75, 1e-6);
  const auto* var = std::get_if<vs::gen::VarExtra>(&r.extra);
  ASSERT_NE(var, nullptr);
  EXPECT_EQ(var->top_k, 17);
  EXPECT_NEAR(var->top_p, 0.5, 1e-6);
  EXPECT_TRUE(var->more_smooth);
  EXPECT_EQ(r.attention.rfind("poly:degree=3", 0), 0u) << r.attention;
  EXPECT_NE(session->shown_request().cfg, r.cfg);  // nothing ran: the live widgets are what is used

  // A FlowAR model opens: its own saved values, the common ones kept.
  panel.on_drop({models + "fmnist-flowar.safetensors"});
  ASSERT_TRUE(settle(driver));
  ASSERT_NE(session->info(), nullptr) << session->load_error();
  r = panel.live_request();
  const auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra);
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->steps, 7);
  EXPECT_NEAR(flow->guidance, 0.7, 1e-6);
  EXPECT_NEAR(r.cfg, 2.25, 1e-6);
  EXPECT_EQ(r.seed, 77u);
}
