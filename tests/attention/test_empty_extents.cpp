// Issue 12's hangs: q, k, v of shape [2^40, 0, 8] hold no elements, yet exact and
// Performer attention looped over their 2^40 heads. Every variant refuses them up front.
#include <gtest/gtest.h>

#include <string>

#include "core/attention/attention.h"
#include "core/error.h"

namespace vs::attention {
namespace {

TEST(EmptyExtents, EveryVariantRefusesZeroElementInputsWithHugeDims) {
  const int64_t huge = int64_t(1) << 40;
  const Tensor q({huge, 0, 8}), k({huge, 0, 8}), v({huge, 0, 8});
  for (const char* spec : {"exact", "poly:degree=2", "performer:features=16", "nystrom:landmarks=4", "svd:rank=2"}) {
    try {
      make_variant(spec)->run(q, k, v, Structure::plain(), {});
      ADD_FAILURE() << spec << " accepted [2^40, 0, 8]";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("q: shape [1099511627776, 0, 8] is out of bounds"), std::string::npos)
          << spec << ": " << e.what();
    }
  }
}

TEST(EmptyExtents, ZeroQueriesStillRunWithinBounds) {
  const Tensor q({2, 0, 8}), k({2, 5, 8}, 0.1f), v({2, 5, 4}, 1.0f);
  const Result r = make_variant("exact")->run(q, k, v, Structure::plain(), {});
  EXPECT_EQ(r.out.shape, (Shape{2, 0, 4}));
}

}  // namespace
}  // namespace vs::attention
