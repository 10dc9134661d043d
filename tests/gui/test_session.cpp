// The explorer's one Session over both families, without a window: on the VAR d2_l2
// reference fixture and the shipped fmnist-flowar — load; a generation publishing every
// scale once, in order, with its code, token view, picture and the head norms of every
// module (row 0); the same seed reproduces the picture and another does not; stepping one
// scale at a time from the prefix ends on the same picture as one Generate; bad
// paths and a wrong VAE as errors naming the file.
#include <gtest/gtest.h>

#include <set>

#include "app/gui/session/scale_stats.h"
#include "app/gui/session/session.h"
#include "core/io/image_io.h"
#include "tests/gui/settle.h"

using namespace vs::gui;
using vs::observe::Module;

namespace {

struct ModelCase {
  const char* name;
  std::string model, vae;
  std::vector<int> scales;
};

ModelCase model_case(const std::string& name) {
  if (name == "var") {
    const std::string dir = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";
    return {"var", dir + "/var.pth", dir + "/vae.pth", {1, 2, 3, 4, 5, 6, 8}};
  }
  const std::string dir = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
  return {"flowar", dir + "fmnist-flowar.safetensors", dir + "fmnist-flowar-vae.safetensors", {}};
}

// The model's defaults with a class and seed; FlowAR with few Euler steps (seconds).
vs::gen::SamplingRequest request_for(const vs::gen::Generator& g, int label, uint64_t seed) {
  vs::gen::SamplingRequest r = g.default_request();
  r.labels = {label}, r.seed = seed;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 6;
  return r;
}

class SessionTest : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(SessionTest, GeneratesEveryScaleWithPictureCodeAndNorms) {
  const ModelCase c = model_case(GetParam());
  Session session;
  session.open(c.model, c.vae, c.scales);
  session.generate_after_load([](const vs::gen::Generator& g) { return request_for(g, 1, 5); });
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.info(), nullptr) << session.load_error();
  const vs::gen::ModelInfo& info = *session.info();
  ASSERT_EQ(session.frames().size(), info.scales.size()) << session.generation_error();
  EXPECT_FALSE(session.generation_cancelled());
  EXPECT_TRUE(session.run_complete());
  EXPECT_GT(session.last_generation_ms(), 0.0);  // Generate → final image, for the run report
  for (size_t k = 0; k < info.scales.size(); ++k) {
    const ScaleFrame& f = session.frames()[k];
    EXPECT_EQ(f.scale, int(k));
    EXPECT_EQ(f.side, info.scales[k]);
    EXPECT_EQ(f.token_view.size(), size_t(f.side) * f.side);
    EXPECT_EQ(f.code.ids.size() + size_t(f.code.latent.numel() > 0 ? f.code.latent.dim(1) : 0), size_t(f.side) * f.side);
    // Previews at the scale's own side (cheap), the last scale at the full image side.
    EXPECT_EQ(f.image_side, info.image_side * f.side / info.scales.back()) << "scale " << k;
    EXPECT_EQ(f.rgb.size(), size_t(f.image_side) * f.image_side * 3);
    // Every module's every block × head of row 0, at this scale.
    std::set<Module> seen;
    for (const auto& s : f.stats) {
      EXPECT_EQ(s.site.row, 0);
      EXPECT_EQ(s.site.scale, int(k));
      seen.insert(s.site.module);
    }
    for (const vs::gen::ModuleInfo& m : info.modules) {
      EXPECT_TRUE(seen.count(m.module)) << vs::observe::module_name(m.module) << " at scale " << k;
      const int steps = euler_steps(f, m.module);
      const auto worst = module_stats(f, m.module, -1);
      EXPECT_EQ(worst.size(), size_t(m.blocks * m.heads * (m.cross ? 2 : 1)));
      if (steps > 0) {  // the worst call over the steps bounds any one step's
        const auto first = module_stats(f, m.module, 0);
        ASSERT_EQ(first.size(), worst.size());
        for (size_t i = 0; i < worst.size(); ++i) EXPECT_GE(worst[i].norms.beta, first[i].norms.beta);
      }
    }
  }
  const std::vector<uint8_t> final_rgb = session.frames().back().rgb;
  // The last scale's picture is the image a plain sample of the same request decodes.
  const vs::gen::SampleResult plain = session.generator()->sample(request_for(*session.generator(), 1, 5));
  EXPECT_EQ(final_rgb, vs::io::image01_to_rgb8(plain.image01, 0));

  // The same request again: the same picture; another seed: another.
  session.generate(request_for(*session.generator(), 1, 5));
  ASSERT_TRUE(settle(session));
  ASSERT_EQ(session.frames().size(), info.scales.size());
  EXPECT_EQ(session.frames().back().rgb, final_rgb) << "same seed, different image";
  session.generate(request_for(*session.generator(), 1, 6));
  ASSERT_TRUE(settle(session));
  ASSERT_EQ(session.frames().size(), info.scales.size());
  EXPECT_NE(session.frames().back().rgb, final_rgb) << "another seed, same image";

  // Stepping: a finished run restarts from scale 1, then grows one scale per call, and the
  // prefix replays its random draws, so the last step ends on one Generate's picture.
  const vs::gen::SamplingRequest r = request_for(*session.generator(), 1, 5);
  session.generate(r, 1, true);
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.frames().size(), 1u);
  for (size_t k = 1; k < info.scales.size(); ++k) {
    session.generate(r, 1, true);
    ASSERT_TRUE(settle(session));
    ASSERT_EQ(session.frames().size(), k + 1) << session.generation_error();
    EXPECT_EQ(session.frames()[k].scale, int(k));
  }
  EXPECT_EQ(session.frames().back().rgb, final_rgb) << "stepping ends on another picture";
  EXPECT_FALSE(session.generation_cancelled());
}

INSTANTIATE_TEST_SUITE_P(BothFamilies, SessionTest, ::testing::Values("var", "flowar"),
                         [](const auto& info) { return info.param == "var" ? "Var" : "FlowAr"; });

TEST(Session, MissingAndWrongFilesAreErrors) {
  Session session;
  session.open("/nonexistent/model.safetensors", "");
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.info(), nullptr);
  EXPECT_NE(session.load_error().find("/nonexistent/model.safetensors"), std::string::npos) << session.load_error();
  // A FlowAR transformer with a VAR VAE: the loader's error.
  const ModelCase flowar = model_case("flowar"), var = model_case("var");
  session.open(flowar.model, var.vae);
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.info(), nullptr);
  EXPECT_FALSE(session.load_error().empty());
  // A VAE file given as the model: says what it is.
  session.open(flowar.vae, flowar.vae);
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.info(), nullptr);
  EXPECT_NE(session.load_error().find("fmnist-flowar-vae.safetensors"), std::string::npos) << session.load_error();
}

// A bare model name opens like the CLI's --model NAME; an unknown one lists the known names.
TEST(Session, ModelsOpenByName) {
  Session session;
  session.open("fmnist-flowar", "");
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.info(), nullptr) << session.load_error();
  EXPECT_EQ(session.info()->family, vs::gen::Family::kFlowAr);
  EXPECT_NE(session.model_path().find("fmnist-flowar.safetensors"), std::string::npos);
  EXPECT_NE(session.vae_path().find("fmnist-flowar-vae.safetensors"), std::string::npos);
  session.open("no-such-model", "");
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.info(), nullptr);
  EXPECT_NE(session.load_error().find("fmnist-var"), std::string::npos) << session.load_error();
}

// "random:SPEC" opens the official shapes with random weights (no file); a bad spec is an error.
TEST(Session, RandomWeightModels) {
  Session session;
  session.open("random:var-d2", "");
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.info(), nullptr) << session.load_error();
  EXPECT_EQ(session.info()->family, vs::gen::Family::kVar);
  EXPECT_EQ(session.info()->num_scales(), 10);  // the official 256 px schedule
  EXPECT_TRUE(session.vae_path().empty());
  EXPECT_LT(session.last_generation_ms(), 0);  // nothing generated yet
  session.open("random:var-d99", "");
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.info(), nullptr);
  EXPECT_NE(session.load_error().find("var-d99"), std::string::npos) << session.load_error();
}
