// Issue 12's silent wrong output: NaN and infinite weights are refused at load naming the
// tensor (only mask buffers may hold −inf), and an image holding NaN is never written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/finite_values.h"
#include "core/io/checkpoint.h"
#include "core/io/image_io.h"
#include "core/io/safetensors.h"
#include "tests/support/error_message.h"

namespace vs::io {
namespace {

using vs::test::message_of;

std::string temp_dir() {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/non_finite";
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(NonFinite, NanWeightsAreRefusedAtLoadNamingTheTensor) {
  const std::string path = temp_dir() + "/nan_weights.safetensors";
  SafetensorsWriter writer;
  writer.add("decoder.mask", Tensor({2}, -std::numeric_limits<float>::infinity()));  // masks hold −inf
  Tensor broken({4}, 1.0f);
  broken.data[2] = std::nanf("");
  writer.add("decoder.\x1b[31mweight", broken);
  writer.write(path);
  EXPECT_EQ(message_of([&] { load_checkpoint(path); }),
            path + ": tensor 'decoder.\\x1b[31mweight': 1 of 4 values are NaN or infinite (the first at index 2)");
}

// +inf planted in VAR's head_nm.ada_lin weight gave a plausible image and exit 0.
TEST(NonFinite, PlusInfinityWeightsAreRefusedMinusInfinityMasksPass) {
  const std::string path = temp_dir() + "/inf_weights.safetensors";
  SafetensorsWriter writer;
  writer.add("attn_bias_for_masking", Tensor({3}, -std::numeric_limits<float>::infinity()));
  Tensor broken({4}, 1.0f);
  broken.data[1] = std::numeric_limits<float>::infinity();
  writer.add("head.weight", broken);
  writer.write(path);
  EXPECT_EQ(message_of([&] { load_checkpoint(path); }),
            path + ": tensor 'head.weight': 1 of 4 values are NaN or infinite (the first at index 1)");
  SafetensorsWriter masks_only;
  masks_only.add("attn_bias_for_masking", Tensor({3}, -std::numeric_limits<float>::infinity()));
  masks_only.write(path);
  EXPECT_EQ(load_checkpoint(path).tensors.size(), 1u);
}

// −inf in an ordinary weight used to pass (only +inf was refused): it is no weight's value.
TEST(NonFinite, MinusInfinityOutsideMasksIsRefused) {
  const std::string path = temp_dir() + "/minus_inf_weight.safetensors";
  SafetensorsWriter writer;
  Tensor broken({4}, 1.0f);
  broken.data[3] = -std::numeric_limits<float>::infinity();
  writer.add("blocks.0.attn.proj.weight", broken);
  writer.write(path);
  EXPECT_EQ(message_of([&] { load_checkpoint(path); }),
            path + ": tensor 'blocks.0.attn.proj.weight': 1 of 4 values are NaN or infinite (the first at index 3)");
  SafetensorsWriter mask;
  mask.add("blocks.0.attn.mask", Tensor({2}, -std::numeric_limits<float>::infinity()));
  mask.write(path);
  EXPECT_EQ(load_checkpoint(path).tensors.size(), 1u);
  Tensor plus({2}, std::numeric_limits<float>::infinity());  // +inf: not even in a mask
  SafetensorsWriter bad_mask;
  bad_mask.add("attn_bias_for_masking", plus);
  bad_mask.write(path);
  EXPECT_NE(message_of([&] { load_checkpoint(path); }).find("NaN or +inf"), std::string::npos);
}

TEST(NonFinite, AnImageWithNanIsNeverWritten) {
  const std::string path = temp_dir() + "/nan.png";
  std::filesystem::remove(path);
  Tensor image({1, 3, 2, 2}, 0.5f);
  image.data[5] = std::nanf("");
  EXPECT_EQ(message_of([&] { write_png(path, image); }),
            path + ": the image holds 1 NaN or infinite values of 12; not written (non-finite weights or an overflow upstream)");
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(count_nan(image.ptr(), image.numel()), 1);
}

TEST(NonFinite, CountsSeeNanAndInfinity) {
  const float x[5] = {1.0f, std::nanf(""), std::numeric_limits<float>::infinity(), -0.0f, -std::nanf("")};
  EXPECT_EQ(count_nan(x, 5), 2);
  EXPECT_EQ(count_non_finite(x, 5), 3);
}

}  // namespace
}  // namespace vs::io
