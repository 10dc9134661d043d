// The C++ classifier reproduces the PyTorch module (tools/train/classifier_model.py) on
// the shipped weights: logits, probabilities and features of the fixture's images
// (tests/data/fmnist_classifier_parity, written by train_classifier.py --export).
// It also refuses files that are not exactly a classifier.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/eval/classifier.h"
#include "core/io/safetensors.h"

namespace {

const std::string kAsset = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-classifier.safetensors";
const std::string kFixture =
    std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/fmnist_classifier_parity/expected.safetensors";

double max_abs_diff(const vs::Tensor& a, const vs::Tensor& b) {
  EXPECT_EQ(a.shape, b.shape) << a.shape_str() << " vs " << b.shape_str();
  double m = 0;
  for (int64_t i = 0; i < std::min(a.numel(), b.numel()); ++i)
    m = std::max(m, double(std::fabs(a.data[i] - b.data[i])));
  return m;
}

TEST(ClassifierParity, MatchesPyTorchOnShippedWeights) {
  const vs::eval::Classifier classifier = vs::eval::Classifier::load(kAsset);
  EXPECT_EQ(classifier.num_classes(), 10);
  EXPECT_EQ(classifier.feature_dim(), 128);
  EXPECT_EQ(classifier.class_names().back(), "Ankle boot");
  EXPECT_GT(classifier.recorded_test_accuracy(), 0.85);
  const auto expected = vs::io::SafetensorsFile::open(kFixture);
  const vs::eval::ClassifierOutput out = classifier.predict(expected.read_float("images01"));
  EXPECT_LT(max_abs_diff(out.logits, expected.read_float("logits")), 1e-4);
  EXPECT_LT(max_abs_diff(out.probs, expected.read_float("probs")), 1e-5);
  EXPECT_LT(max_abs_diff(out.features, expected.read_float("features")), 1e-4);
  const vs::Tensor logits = expected.read_float("logits");
  for (int64_t b = 0; b < logits.dim(0); ++b)
    EXPECT_EQ(out.predicted[b], std::max_element(logits.ptr() + b * 10, logits.ptr() + (b + 1) * 10) -
                                    (logits.ptr() + b * 10));
}

TEST(ClassifierParity, BatchSizeDoesNotChangeResults) {
  // More images than one internal chunk: the fixture's images repeated.
  const vs::eval::Classifier classifier = vs::eval::Classifier::load(kAsset);
  const vs::Tensor images = vs::io::SafetensorsFile::open(kFixture).read_float("images01");
  const int64_t n = images.dim(0), reps = 30, per = images.numel() / n;
  vs::Tensor many({n * reps, 3, 32, 32});
  for (int64_t r = 0; r < reps; ++r) std::copy(images.data.begin(), images.data.end(), many.ptr() + r * n * per);
  const vs::eval::ClassifierOutput one = classifier.predict(images), all = classifier.predict(many);
  for (int64_t r = 0; r < reps; ++r)
    for (int64_t i = 0; i < n * 128; ++i)  // GEMM blocking may differ with the batch: rounding only
      ASSERT_NEAR(all.features.data[r * n * 128 + i], one.features.data[i], 1e-5);
}

TEST(ClassifierParity, RefusesWrongInputsAndFiles) {
  const vs::eval::Classifier classifier = vs::eval::Classifier::load(kAsset);
  EXPECT_THROW(classifier.predict(vs::Tensor({2, 1, 32, 32})), vs::Error);
  EXPECT_THROW(classifier.predict(vs::Tensor({2, 3, 28, 28})), vs::Error);
  vs::Tensor nan({1, 3, 32, 32});
  nan.data[100] = std::nanf("");
  EXPECT_THROW(classifier.predict(nan), vs::Error);
  // The VAR transformer is not a classifier.
  EXPECT_THROW(vs::eval::Classifier::load(std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors"),
               vs::Error);
  // A classifier file with a tensor of the wrong shape names it.
  vs::io::SafetensorsWriter writer;
  writer.set_metadata("kind", "classifier");
  writer.add("fc1.weight", vs::Tensor({128, 6272}));
  writer.add("fc2.weight", vs::Tensor({10, 128}));
  writer.add("conv1.weight", vs::Tensor({32, 3, 3, 3}));
  const std::string path = std::string(VARSCOPE_BINARY_DIR) + "/tests/bad_classifier.safetensors";
  writer.write(path);
  try {
    vs::eval::Classifier::load(path);
    FAIL() << "no error";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv1.weight"), std::string::npos) << e.what();
  }
}

}  // namespace
