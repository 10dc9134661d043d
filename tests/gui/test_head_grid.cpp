// The layer × head thumbnail grid: mean-pooling of attention matrices (shape, preserved
// attention mass, small matrices kept as they are), the atlas normalisation, and the
// session capturing every block × head of one site on the d2_l2 fixture — once per site,
// reused when only the block changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "app/gui/session/head_grid.h"
#include "app/gui/session/session.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";

// Uniform rows with extra weight on one key column, each row summing to 1.
std::vector<float> rows_with_peak(int64_t queries, int64_t keys, int64_t peak) {
  std::vector<float> p(size_t(queries * keys), 0.5f / float(keys - 1));
  for (int64_t q = 0; q < queries; ++q) p[size_t(q * keys + peak)] = 0.5f;
  return p;
}

}  // namespace

TEST(HeadGrid, SmallMatricesAreKept) {
  const std::vector<float> p = {0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f};
  const AttentionThumbnail t = downsample_attention(p.data(), 2, 3, 24);
  EXPECT_EQ(t.rows, 2);
  EXPECT_EQ(t.cols, 3);
  EXPECT_EQ(t.values, p);
}

TEST(HeadGrid, MeanPoolingKeepsEachRowsMass) {
  const int64_t queries = 100, keys = 301;
  const std::vector<float> p = rows_with_peak(queries, keys, 7);
  const AttentionThumbnail t = downsample_attention(p.data(), queries, keys, 24);
  ASSERT_EQ(t.rows, 24);
  ASSERT_EQ(t.cols, 24);
  ASSERT_EQ(t.values.size(), size_t(24 * 24));
  // Keys per column bin, as the pooling assigns them.
  std::vector<int> per_col(24, 0);
  for (int64_t k = 0; k < keys; ++k) ++per_col[size_t(k * 24 / keys)];
  for (int r = 0; r < 24; ++r) {
    double mass = 0;
    for (int c = 0; c < 24; ++c) mass += double(t.values[size_t(r) * 24 + c]) * per_col[c];
    EXPECT_NEAR(mass, 1.0, 1e-5) << "thumbnail row " << r;
  }
  // The peak's bin (key 7 is in column 0) stands out in every row.
  for (int r = 0; r < 24; ++r)
    EXPECT_GT(t.values[size_t(r) * 24], 5 * t.values[size_t(r) * 24 + 5]) << "row " << r;
}

TEST(HeadGrid, EmptyInputGivesAnEmptyThumbnail) {
  const AttentionThumbnail t = downsample_attention(nullptr, 0, 10, 24);
  EXPECT_EQ(t.rows, 0);
  EXPECT_TRUE(t.values.empty());
}

TEST(HeadGrid, AtlasNormalisesEachThumbnailOrEachLayer) {
  HeadGrid grid;
  grid.step = 0, grid.layers = 2, grid.heads = 2, grid.queries = 2, grid.keys = 2;
  // layer 0: head 0 strong, head 1 weak; layer 1: a zero head and a uniform head.
  grid.thumbnails = {{2, 2, {0.8f, 0.2f, 0.4f, 0.6f}},
                     {2, 2, {0.1f, 0.05f, 0.0f, 0.1f}},
                     {2, 2, {0, 0, 0, 0}},
                     {2, 2, {0.5f, 0.5f, 0.5f, 0.5f}}};
  ASSERT_TRUE(grid.complete());
  const GridAtlas per_head = grid_atlas(grid, false, false);
  ASSERT_EQ(per_head.rows, 4);
  ASSERT_EQ(per_head.cols, 4);
  EXPECT_EQ(per_head.cell_rows, 2);
  auto at = [](const GridAtlas& a, int r, int c) { return a.values[size_t(r) * a.cols + c]; };
  EXPECT_FLOAT_EQ(at(per_head, 0, 0), 1.0f);   // layer 0 head 0's max
  EXPECT_FLOAT_EQ(at(per_head, 0, 1), 0.25f);
  EXPECT_FLOAT_EQ(at(per_head, 0, 2), 1.0f);   // layer 0 head 1's max, normalised alone
  EXPECT_FLOAT_EQ(at(per_head, 1, 2), 0.0f);
  EXPECT_FLOAT_EQ(at(per_head, 2, 0), 0.0f);   // the zero head stays 0, no NaN
  EXPECT_FLOAT_EQ(at(per_head, 3, 3), 1.0f);
  const GridAtlas per_layer = grid_atlas(grid, false, true);
  EXPECT_FLOAT_EQ(at(per_layer, 0, 0), 1.0f);
  EXPECT_FLOAT_EQ(at(per_layer, 0, 2), 0.125f);  // weak head against its layer's max 0.8
  const GridAtlas log = grid_atlas(grid, true, false);
  for (float v : log.values) EXPECT_TRUE(v >= 0.0f && v <= 1.0f) << v;
  EXPECT_FLOAT_EQ(at(log, 0, 0), 1.0f);
  EXPECT_FLOAT_EQ(at(log, 0, 1), 0.0f);  // the head's smallest value
  // An incomplete grid (a layer never captured) is no atlas.
  grid.thumbnails[3] = {};
  EXPECT_FALSE(grid.complete());
  EXPECT_TRUE(grid_atlas(grid, false, false).values.empty());
}

TEST(HeadGrid, SessionCapturesEveryBlockAndHeadOncePerSite) {
  Session session;
  session.open(kFixture + "/var.pth", kFixture + "/vae.pth", {1, 2, 3, 4, 5, 6, 8});
  session.generate_after_load([](const vs::gen::Generator& g) {
    vs::gen::SamplingRequest r = g.default_request();
    r.labels = {2}, r.seed = 11;
    return r;
  });
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.info(), nullptr) << session.load_error();
  const vs::gen::ModuleInfo& module = session.info()->modules.front();

  CaptureKey key;
  key.module = module.module, key.scale = 5, key.block = 0;  // 6×6 queries over 1+4+9+16+25+36 = 91 keys
  session.request_capture(key);
  ASSERT_TRUE(settle(session));
  const AttentionMap* m = session.attention_map();
  ASSERT_NE(m, nullptr) << session.capture_error();
  ASSERT_NE(m->grid, nullptr);
  const std::shared_ptr<const HeadGrid> grid = m->grid;
  ASSERT_TRUE(grid->complete());
  EXPECT_EQ(grid->step, 5);
  EXPECT_EQ(grid->layers, module.blocks);
  EXPECT_EQ(grid->heads, module.heads);
  EXPECT_EQ(grid->queries, 36);
  EXPECT_EQ(grid->keys, 91);
  EXPECT_EQ(grid->at(0, 0).rows, 24);
  EXPECT_EQ(grid->at(0, 0).cols, 24);
  // The inspected block's thumbnails are exactly its full matrices, pooled.
  for (int h = 0; h < module.heads; ++h) {
    const AttentionThumbnail expected =
        downsample_attention(m->probs.data() + size_t(h) * m->queries * m->keys, m->queries, m->keys);
    EXPECT_EQ(grid->at(0, h).values, expected.values) << "head " << h;
  }

  // Another block of the same site: the grid is reused, not captured again.
  key.block = module.blocks - 1;
  session.request_capture(key);
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.attention_map(), nullptr) << session.capture_error();
  EXPECT_EQ(session.attention_map()->key.block, module.blocks - 1);
  EXPECT_EQ(session.attention_map()->grid, grid);

  // Another scale: a new grid of that scale.
  key.scale = 1, key.block = 0;
  session.request_capture(key);
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.attention_map()->grid, nullptr);
  EXPECT_EQ(session.attention_map()->grid->step, 1);
  EXPECT_EQ(session.attention_map()->grid->queries, 4);
  EXPECT_EQ(session.attention_map()->grid->at(0, 0).cols, 5);  // 1 + 4 keys: kept whole
}
