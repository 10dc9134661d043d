#include <gtest/gtest.h>

#include <cmath>

#include "core/attention/pyramid.h"
#include "core/attention/structure.h"
#include "core/error.h"

namespace vs::attention {
namespace {

TEST(Pyramid, OfficialSchedulesAndTokenCounts) {
  EXPECT_EQ(var_pyramid(16), (std::vector<int>{1, 2, 3, 4, 5, 6, 8, 10, 13, 16}));
  EXPECT_EQ(pyramid_tokens(var_pyramid(16)), 680);
  EXPECT_EQ(pyramid_tokens(var_pyramid(32)), 2240);
  EXPECT_EQ(pyramid_tokens(var_pyramid(64)), 9451);
  // var.md §7: allowed block-causal pairs.
  EXPECT_EQ(pyramid_allowed_pairs(var_pyramid(16)), 286434);
  EXPECT_EQ(pyramid_allowed_pairs(var_pyramid(32)), 3269850);
  EXPECT_EQ(pyramid_allowed_pairs(var_pyramid(64)), 56954392);
}

TEST(Pyramid, GeneratedSchedulesAreRoundedPowersWithoutDuplicates) {
  EXPECT_EQ(var_pyramid(8), (std::vector<int>{1, 2, 3, 4, 5, 6, 8}));
  EXPECT_EQ(var_pyramid(4), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(var_pyramid(1), (std::vector<int>{1}));
  const auto p48 = var_pyramid(48);
  EXPECT_EQ(p48.front(), 1);
  EXPECT_EQ(p48.back(), 48);
  for (size_t i = 1; i < p48.size(); ++i) EXPECT_LT(p48[i - 1], p48[i]);
  EXPECT_THROW(var_pyramid(0), Error);
}

TEST(Pyramid, ParseRejectsGarbage) {
  EXPECT_EQ(parse_pyramid("1,2,3"), (std::vector<int>{1, 2, 3}));
  for (const char* bad : {"", "1,,2", "1,x", "2,1", "1,1", "0,1", "-1", "1.5", "1,2,"})
    EXPECT_THROW(parse_pyramid(bad), Error) << bad;
}

TEST(Structure, VisibleKeysArePrefixes) {
  const Structure block = Structure::block_causal({1, 2, 3});  // 14 tokens: [0], [1,5), [5,14)
  EXPECT_EQ(block.visible_keys(0, 14, 14), 1);
  EXPECT_EQ(block.visible_keys(1, 14, 14), 5);
  EXPECT_EQ(block.visible_keys(4, 14, 14), 5);
  EXPECT_EQ(block.visible_keys(5, 14, 14), 14);
  // KV-cache step: the last scale's 9 queries see all 14 keys.
  EXPECT_EQ(block.visible_keys(0, 9, 14), 14);
  EXPECT_EQ(Structure::causal().visible_keys(3, 10, 10), 4);
  EXPECT_EQ(Structure::causal().visible_keys(0, 2, 10), 9);
  EXPECT_EQ(Structure::plain().visible_keys(0, 3, 10), 10);
}

TEST(Structure, QueryRunsGroupRowsBySharedPrefix) {
  const Structure block = Structure::block_causal({1, 2, 3});
  const auto runs = block.query_runs(14, 14);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[1].row_begin, 1);
  EXPECT_EQ(runs[1].row_end, 5);
  EXPECT_EQ(runs[1].visible_keys, 5);
  const auto cache = block.query_runs(9, 14);
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache[0].visible_keys, 14);
  EXPECT_EQ(Structure::causal().query_runs(5, 5).size(), 5u);
  EXPECT_EQ(Structure::plain().query_runs(5, 7).size(), 1u);
}

TEST(Structure, ValidateNamesTheMismatch) {
  EXPECT_THROW(Structure::block_causal({1, 2}).validate(14, 14), Error);
  EXPECT_THROW(Structure::causal().validate(5, 4), Error);
  EXPECT_NO_THROW(Structure::plain().validate(5, 4));
  try {
    Structure::block_causal({1, 2}).validate(14, 14);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("5 tokens"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vs::attention
