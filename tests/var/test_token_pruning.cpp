// FastVAR's pieces: the pivotal-token choice, the row gather and area resampling of tokens.
#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "core/nn/resample.h"
#include "core/var/token_pruning.h"

namespace {

using vs::Tensor;

TEST(TokenPruning, KeepsTheTokensFarthestFromTheMeanInPositionOrder) {
  // Five tokens of 2 channels; the mean is (1, 0); tokens 4 and 1 are the farthest.
  const std::vector<float> x = {1, 0, 5, 0, 1, 0.5f, 1, -0.5f, -3, 0};
  EXPECT_EQ(vs::var::pivotal_tokens(x.data(), 5, 2, 0.6), (std::vector<int64_t>{1, 4}));  // 5 − ⌊3⌋ = 2 kept
  EXPECT_EQ(vs::var::pivotal_tokens(x.data(), 5, 2, 0.0), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(vs::var::pivotal_tokens(x.data(), 5, 2, 0.99).size(), 1u);  // never none
}

TEST(TokenPruning, GatherPicksEachRowsTokens) {
  Tensor x({2, 3, 1});
  x.data = {0, 1, 2, 10, 11, 12};
  const Tensor out = vs::var::gather_tokens(x, {{0, 2}, {1, 2}});
  EXPECT_EQ(out.shape, (vs::Shape{2, 2, 1}));
  EXPECT_EQ(out.data, (std::vector<float>{0, 2, 11, 12}));
  EXPECT_THROW(vs::var::gather_tokens(x, {{0, 2}, {1}}), vs::Error);
  EXPECT_THROW(vs::var::gather_tokens(x, {{0, 3}, {1, 2}}), vs::Error);
}

TEST(TokenPruning, AreaResamplingOfTokensIsTheMapsArea) {
  Tensor tokens({1, 4, 2});  // a 2x2 grid, 2 channels
  tokens.data = {1, 10, 2, 20, 3, 30, 4, 40};
  const Tensor up = vs::var::area_tokens(tokens, 3);
  ASSERT_EQ(up.shape, (vs::Shape{1, 9, 2}));
  Tensor maps({1, 2, 2, 2});
  maps.data = {1, 2, 3, 4, 10, 20, 30, 40};
  const Tensor expected = vs::nn::interpolate_area(maps, 3, 3);
  for (int t = 0; t < 9; ++t)
    for (int c = 0; c < 2; ++c) EXPECT_FLOAT_EQ(up.data[t * 2 + c], expected.data[c * 9 + t]) << t << "," << c;
  EXPECT_FLOAT_EQ(up.data[4 * 2], 2.5f);  // the centre averages all four
}

TEST(TokenPruning, StateRecordsKeptSharesAndRestoresTheCache) {
  vs::var::FastVarState state(1, {1, 2, 4}, 1, {0, 0, 0.5});
  EXPECT_TRUE(state.is_cache_scale(1));
  EXPECT_DOUBLE_EQ(state.ratio(2), 0.5);
  EXPECT_DOUBLE_EQ(state.ratio(-1), 0.0);
  Tensor branch({2, 4, 1}, 3.0f);
  state.store(0, 1, branch);
  const Tensor restored = state.restored(0, 1, 1, 4);
  EXPECT_EQ(restored.shape, (vs::Shape{1, 16, 1}));
  for (float v : restored.data) EXPECT_FLOAT_EQ(v, 3.0f);
  EXPECT_THROW(state.restored(0, 0, 1, 4), vs::Error);  // nothing cached for the attention
  state.record(2, 4, {0, 1});
  state.record(2, 4, {1, 3});
  EXPECT_EQ(state.kept_share(2), (std::vector<float>{0.5f, 1.0f, 0.0f, 0.5f}));
  EXPECT_TRUE(state.kept_share(0).empty());
  EXPECT_THROW(vs::var::FastVarState(1, {1, 2, 4}, 2, {0, 0.5, 0}), vs::Error);  // pruned before the cache
}

}  // namespace
