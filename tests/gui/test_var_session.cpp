// VarSession without a window, on the d2_l2 reference fixture: load, full generation
// (every scale published once, in order), stepping one scale at a time from the prefix,
// attention capture of a chosen step (rows of probabilities sum to 1, shapes of the
// scale), and a bad path ending as an error.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "app/gui/var/var_session.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";
const std::vector<int> kPatchNums = {1, 2, 3, 4, 5, 6, 8};

// Runs the UI thread's part until the session is idle (or 60 s pass).
}  // namespace

TEST(VarSession, GeneratesStepsAndCaptures) {
  VarSession session;
  session.open(kFixture + "/var.pth", kFixture + "/vae.pth", kPatchNums);
  GenerationParams params;
  params.class_id = 1, params.seed = 5;
  session.generate_after_load(params);
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.model(), nullptr) << session.load_error();
  ASSERT_EQ(session.frames().size(), kPatchNums.size()) << session.generation_error();
  for (size_t s = 0; s < kPatchNums.size(); ++s) {
    const ScaleFrame& f = session.frames()[s];
    EXPECT_EQ(f.scale, int(s));
    EXPECT_EQ(f.side, kPatchNums[s]);
    EXPECT_EQ(f.ids.size(), size_t(f.side * f.side));
    ASSERT_GT(f.image_side, 0);
    EXPECT_EQ(f.rgb.size(), size_t(f.image_side) * f.image_side * 3);
  }
  const std::vector<int64_t> final_ids = session.frames().back().ids;

  // Capture step 2 (3×3 queries over 1 + 4 + 9 keys), layer 1.
  session.inspect(2, 1);
  ASSERT_TRUE(settle(session));
  const InspectResult* r = session.inspection();
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->error.empty()) << r->error;
  EXPECT_EQ(r->step, 2);
  EXPECT_EQ(r->layer, 1);
  EXPECT_EQ(r->heads, session.model()->config().heads);
  EXPECT_EQ(r->queries, 9);
  EXPECT_EQ(r->keys, 14);
  ASSERT_EQ(r->probs.size(), size_t(r->heads * 9 * 14));
  for (int row = 0; row < r->heads * 9; ++row) {
    double sum = 0;
    for (int k = 0; k < 14; ++k) sum += r->probs[row * 14 + k];
    EXPECT_NEAR(sum, 1.0, 1e-4) << "row " << row;
  }
  // Every layer × head of the step has its norms.
  EXPECT_EQ(r->stats.size(), size_t(session.model()->config().depth * session.model()->config().heads));

  // The same run again reproduces the ids (seeded draws).
  session.generate(params);
  ASSERT_TRUE(settle(session));
  ASSERT_EQ(session.frames().size(), kPatchNums.size());
  EXPECT_EQ(session.frames().back().ids, final_ids);

  // Stepping: a finished run restarts from scale 1, then grows one scale per call.
  session.generate(params, 1, true);
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.frames().size(), 1u);
  session.generate(params, 1, true);
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.frames().size(), 2u);
  EXPECT_EQ(session.frames()[1].scale, 1);
}

TEST(VarSession, MissingFileIsAnError) {
  VarSession session;
  session.open("/nonexistent/var.pth", "", {});
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.model(), nullptr);
  EXPECT_NE(session.load_error().find("/nonexistent/var.pth"), std::string::npos) << session.load_error();
}
