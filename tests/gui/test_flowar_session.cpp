// FlowArSession without a window, on the shipped fmnist-flowar (32×32 images: seconds; the
// v1_tiny fixture's 256×256 decodes take minutes on a loaded machine) — load,
// a full generation publishing every scale once, in order, with its decoded image, token
// magnitudes, every AR layer's attention and the AR and flownet head norms of the conditional row; the same seed
// again reproduces the images; the flownet summary per Euler step — and, on the v1_tiny
// fixture, bad paths and a wrong VAE as errors.
#include <gtest/gtest.h>

#include "core/io/class_names.h"

#include <chrono>
#include <thread>

#include "app/gui/flowar/flowar_norms.h"
#include "app/gui/flowar/flowar_session.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/flowar/v1_tiny";
const std::string kShipped = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar";

}  // namespace

TEST(FlowArSession, GeneratesEveryScaleWithImagesAndNorms) {
  FlowArSession session;
  session.open(kShipped + ".safetensors", kShipped + "-vae.safetensors");
  FlowArParams params;
  params.class_id = 3, params.seed = 11, params.steps = 6, params.cfg = 3.0;
  session.generate_after_load(params);
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.model(), nullptr) << session.load_error();
  EXPECT_EQ(session.class_label(3), "3 · Dress");  // the names from the metadata
  const auto& config = session.model()->config;
  ASSERT_EQ(session.frames().size(), config.scales.size()) << session.generation_error();
  EXPECT_FALSE(session.generation_cancelled());
  const int ar_layers = config.encoder_depth + config.decoder_depth;
  for (size_t k = 0; k < config.scales.size(); ++k) {
    const FlowArFrame& f = session.frames()[k];
    EXPECT_EQ(f.scale, int(k));
    EXPECT_EQ(f.side, config.scales[k]);
    EXPECT_EQ(f.token_norms.size(), size_t(f.side) * f.side);
    ASSERT_GT(f.image_side, 0);
    EXPECT_EQ(f.rgb.size(), size_t(f.image_side) * f.image_side * 3);
    // Every AR layer × head once (the conditional row of the CFG pair).
    EXPECT_EQ(f.ar_stats.size(), size_t(ar_layers * config.ar_heads));
    for (const auto& s : f.ar_stats) EXPECT_EQ(s.queries, int64_t(f.side) * f.side);
    // Every AR layer's attention kept: (heads, side², keys so far), rows summing to 1.
    ASSERT_EQ(f.ar_probs.size(), size_t(ar_layers));
    EXPECT_EQ(f.ar_heads, config.ar_heads);
    EXPECT_EQ(f.ar_keys, config.scale_begin(int(k)) + int64_t(f.side) * f.side);
    for (const auto& probs : f.ar_probs) {
      ASSERT_EQ(probs.size(), size_t(f.ar_heads * f.side * f.side * f.ar_keys));
      double sum = 0;
      for (int64_t j = 0; j < f.ar_keys; ++j) sum += probs[j];
      EXPECT_NEAR(sum, 1.0, 1e-4);
    }
    // The flownet: every block × head at every Euler step.
    const int steps = euler_steps_recorded(f);
    EXPECT_GE(steps, 2);
    EXPECT_EQ(f.flow_stats.size(), size_t(steps * config.flow_depth * config.flow_heads));
    const auto worst = flownet_norms(f, 0);
    ASSERT_EQ(worst.size(), size_t(config.flow_depth * config.flow_heads));
    const auto first = flownet_norms(f, 1);
    ASSERT_EQ(first.size(), worst.size());
    for (size_t i = 0; i < worst.size(); ++i) EXPECT_GE(worst[i].norms.beta, first[i].norms.beta);
  }
  const std::vector<uint8_t> final_rgb = session.frames().back().rgb;
  session.generate(params);
  ASSERT_TRUE(settle(session));
  ASSERT_EQ(session.frames().size(), config.scales.size());
  EXPECT_EQ(session.frames().back().rgb, final_rgb) << "same seed, different image";
  params.seed = 12;
  session.generate(params);
  ASSERT_TRUE(settle(session));
  ASSERT_EQ(session.frames().size(), config.scales.size());
  EXPECT_NE(session.frames().back().rgb, final_rgb) << "another seed, same image";
}

TEST(FlowArSession, MissingAndWrongFilesAreErrors) {
  FlowArSession session;
  session.open("/nonexistent/flowar.safetensors", "");
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.model(), nullptr);
  EXPECT_NE(session.load_error().find("/nonexistent/flowar.safetensors"), std::string::npos) << session.load_error();
  // A VAR checkpoint given as FlowAR, and a FlowAR with a VAR VAE: the loaders' errors.
  const std::string var = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2/var.pth";
  session.open(var, kFixture + "/vae.ckpt");
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.model(), nullptr);
  EXPECT_FALSE(session.load_error().empty());
  session.open(kFixture + "/flowar.pth", std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2/vae.pth");
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.model(), nullptr);
  EXPECT_FALSE(session.load_error().empty());
}

TEST(FlowArSession, ClassNamesFromMetadataText) {
  EXPECT_EQ(vs::io::parse_class_names("T-shirt/top,Trouser, Bag"), (std::vector<std::string>{"T-shirt/top", "Trouser", "Bag"}));
  EXPECT_EQ(vs::io::parse_class_names("[\"a\", \"b\"]"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(vs::io::parse_class_names("").empty());
}
