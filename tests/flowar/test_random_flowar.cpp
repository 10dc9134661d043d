// Random-weight FlowAR models (bench generate): the official configs count the parameters
// flowar.md §8.1 lists, and a random checkpoint holds exactly the keys the strict loader
// takes (for both flownet block kinds), so the benchmark times what a real file loads.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/random_flowar.h"

namespace vs::flowar {
namespace {

TEST(RandomFlowAr, OfficialConfigsCountTheSpecsParameters) {
  EXPECT_EQ(flowar_parameter_count(official_flowar_config("S")), 171718072);
  EXPECT_EQ(flowar_parameter_count(official_flowar_config("l")), 586862912);
  EXPECT_EQ(flowar_parameter_count(official_flowar_config("H")), 1913316880);
  EXPECT_THROW(official_flowar_config("B"), Error);  // not released (§8.1)
}

// A small config in each block kind: the random checkpoint loads strictly (no missing,
// mis-shaped or unexpected key) and samples finite tokens, the same on every build.
TEST(RandomFlowAr, RandomCheckpointLoadsStrictlyAndSamples) {
  for (FlownetBlock block : {FlownetBlock::kV1, FlownetBlock::kV2}) {
    FlowArConfig c = official_flowar_config("S");
    c.encoder_depth = c.decoder_depth = 1;
    c.ar_width = 128, c.ar_heads = 2, c.ar_mlp_hidden = 96;
    c.flow_depth = 1, c.flow_width = 64, c.flow_heads = 1, c.flow_mlp_hidden = 80;
    c.flow_block = block;
    c.num_classes = 10;
    const FlowArModel model = FlowArModel::from_checkpoint(random_flowar_checkpoint(c, 7));
    EXPECT_EQ(model.config.flow_block, block);
    EXPECT_EQ(model.config.ar_heads, 2);
    EXPECT_EQ(model.config.scales, c.scales);
    FlowArSamplingOptions options;
    options.num_steps = 2;
    const FlowArSampleResult a = sample_flowar(model, {3}, options);
    const FlowArSampleResult b =
        sample_flowar(FlowArModel::from_checkpoint(random_flowar_checkpoint(c, 7)), {3}, options);
    ASSERT_EQ(a.scales_done, 5);
    for (float v : a.latent.data) ASSERT_TRUE(std::isfinite(v));
    EXPECT_EQ(a.latent.data, b.latent.data);
  }
}

}  // namespace
}  // namespace vs::flowar
