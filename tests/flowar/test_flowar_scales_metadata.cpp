// Issue 12: a FlowAR checkpoint's "scales" metadata was checked only by its token count,
// so a permutation ("2,1,4") or trailing text ("1,2,4x") passed. The whole list is checked.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/flowar/flowar_config.h"
#include "core/io/checkpoint.h"

namespace vs::flowar {
namespace {

std::string message_with_scales(io::Checkpoint ckpt, const std::string& scales) {
  ckpt.metadata["scales"] = scales;
  try {
    infer_flowar_config(ckpt);
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(FlowArScalesMetadata, OnlyIncreasingPlainIntegersPass) {
  const io::Checkpoint ckpt = io::load_checkpoint(std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar.safetensors");
  EXPECT_EQ(message_with_scales(ckpt, "1,2,4"), "(accepted)");
  const std::string path = ckpt.path + ": scales metadata ";
  EXPECT_EQ(message_with_scales(ckpt, "2,1,4"), path + "'2,1,4' is not strictly increasing");
  EXPECT_EQ(message_with_scales(ckpt, "1,2,4x"), path + "'1,2,4x' is not a comma-separated list of positive integers");
  EXPECT_EQ(message_with_scales(ckpt, "1,,2"), path + "'1,,2' is not a comma-separated list of positive integers");
  EXPECT_EQ(message_with_scales(ckpt, "-1,2"), path + "'-1,2' is not a comma-separated list of positive integers");
  EXPECT_EQ(message_with_scales(ckpt, "0,1,2"), path + "'0,1,2' has a side outside [1, 4096]");
  EXPECT_EQ(message_with_scales(ckpt, "1,2\x1b[2J"),
            path + "'1,2\\x1b[2J' is not a comma-separated list of positive integers");
}

}  // namespace
}  // namespace vs::flowar
