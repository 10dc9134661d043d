// Issue 12: finite q and k whose logits overflow float32 made exact attention return NaN
// (every logit −inf, softmax 0/0) with exit 0. Such inputs are refused by every variant.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/attention/attention.h"
#include "core/error.h"

namespace vs::attention {
namespace {

TEST(OverflowingLogits, AreRefusedByEveryVariant) {
  const Tensor q({1, 4, 8}, 1e30f), k({1, 4, 8}, -1e30f), v({1, 4, 8}, 1.0f);
  for (const char* spec : {"exact", "poly:degree=2", "performer:features=16", "nystrom:landmarks=2", "svd:rank=2"}) {
    try {
      const Result r = make_variant(spec)->run(q, k, v, Structure::plain(), {});
      ADD_FAILURE() << spec << " accepted logits of 1e60, out[0] = " << r.out.data[0];
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("give logits up to 2.83e+60, beyond float32's range"), std::string::npos)
          << spec << ": " << e.what();
    }
  }
}

TEST(OverflowingLogits, LargeButRepresentableLogitsStillRun) {
  const Tensor q({1, 4, 8}, 1e10f), k({1, 4, 8}, 1e10f), v({1, 4, 8}, 1.0f);
  const Result r = make_variant("exact")->run(q, k, v, Structure::plain(), {});
  for (float x : r.out.data) EXPECT_TRUE(std::isfinite(x));
}

TEST(OverflowingLogits, NonFiniteInputsNameTheirTensor) {
  Tensor q({1, 2, 4}, 0.1f), k({1, 2, 4}, 0.1f), v({1, 2, 4}, 1.0f);
  v.data[3] = std::nanf("");
  try {
    make_variant("exact")->run(q, k, v, Structure::plain(), {});
    ADD_FAILURE() << "NaN in v accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "exact attention: v contains NaN or infinity");
  }
}

}  // namespace
}  // namespace vs::attention
