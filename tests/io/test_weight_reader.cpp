// The one strict weight reader (io/weight_reader.h): takes by key and shape, moves or
// copies, and names every missing, mis-shaped and unexpected tensor in one error.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/io/weight_reader.h"

namespace vs::io {
namespace {

Checkpoint small_checkpoint() {
  Checkpoint ckpt;
  ckpt.path = "model.safetensors";
  ckpt.tensors["a.weight"] = Tensor({2, 3}, 1.0f);
  ckpt.tensors["a.bias"] = Tensor({2}, 2.0f);
  ckpt.tensors["buffer"] = Tensor({4});
  return ckpt;
}

std::string finish_error(const WeightReader& reader) {
  try {
    reader.finish("a test model", "is this the right file?");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WeightReader, TakesEverythingAndFinishesQuietly) {
  Checkpoint ckpt = small_checkpoint();
  WeightReader reader(ckpt);
  EXPECT_TRUE(reader.has("a.weight"));
  const Tensor w = reader.take("a.weight", {2, 3});
  EXPECT_EQ(w.data, std::vector<float>(6, 1.0f));
  EXPECT_FALSE(reader.has("a.weight"));
  EXPECT_TRUE(ckpt.tensors.at("a.weight").data.empty());  // moved, not copied
  EXPECT_EQ(reader.take("a.bias", {2}).data, std::vector<float>(2, 2.0f));
  reader.drop("buffer");
  reader.drop("absent");  // optional keys may be missing
  EXPECT_NO_THROW(reader.finish("a test model"));
}

TEST(WeightReader, CopiesFromAConstCheckpoint) {
  const Checkpoint ckpt = small_checkpoint();
  WeightReader reader(ckpt);
  EXPECT_EQ(reader.take("a.weight", {2, 3}).data, std::vector<float>(6, 1.0f));
  EXPECT_EQ(ckpt.tensors.at("a.weight").data, std::vector<float>(6, 1.0f));
}

TEST(WeightReader, NamesEveryProblemInOneError) {
  Checkpoint ckpt = small_checkpoint();
  WeightReader reader(ckpt);
  const Tensor missing = reader.take("b.weight", {5});
  EXPECT_EQ(missing.shape, (Shape{5}));  // zeros of the expected shape, so loading goes on
  const Tensor misshaped = reader.take("a.weight", {3, 2});
  EXPECT_EQ(misshaped.shape, (Shape{3, 2}));
  reader.add_problem("'buffer' is not all zeros");
  const std::string message = finish_error(reader);
  EXPECT_EQ(message.rfind("model.safetensors: 5 tensor problem(s) loading a test model:", 0), 0u) << message;
  EXPECT_NE(message.find("missing 'b.weight' (expected [5])"), std::string::npos) << message;
  EXPECT_NE(message.find("'a.weight' has shape [2, 3], expected [3, 2]"), std::string::npos) << message;
  EXPECT_NE(message.find("'buffer' is not all zeros"), std::string::npos) << message;
  EXPECT_NE(message.find("unexpected 'a.bias' [2]"), std::string::npos) << message;
  EXPECT_NE(message.find("unexpected 'buffer' [4]"), std::string::npos) << message;
  EXPECT_NE(message.find(" — is this the right file?"), std::string::npos) << message;
}

TEST(WeightReader, CountsWhatItDoesNotName) {
  Checkpoint ckpt;
  ckpt.path = "big.pth";
  for (int i = 0; i < 20; ++i) ckpt.tensors["t" + std::to_string(100 + i)] = Tensor({1});
  const WeightReader reader(ckpt);
  const std::string message = finish_error(reader);
  EXPECT_NE(message.find("20 tensor problem(s)"), std::string::npos) << message;
  EXPECT_NE(message.find("unexpected 't107' [1]"), std::string::npos) << message;
  EXPECT_EQ(message.find("'t108'"), std::string::npos) << message;
  EXPECT_NE(message.find("(+12 more)"), std::string::npos) << message;
}

TEST(WeightReader, RefusesToReadAKeyTwice) {
  Checkpoint ckpt = small_checkpoint();
  WeightReader reader(ckpt);
  reader.take("a.bias", {2});
  reader.take("a.bias", {2});
  reader.take("a.weight", {2, 3});
  reader.drop("buffer");
  EXPECT_NE(finish_error(reader).find("'a.bias' is read twice"), std::string::npos);
}

}  // namespace
}  // namespace vs::io
