// VARScope's Fashion-MNIST classifier (tools/train/classifier_model.py): the independent
// judge of generated images — class probabilities for class accuracy, and its penultimate
// features for the Fréchet distance between generated and real images.
//
// Network (weights named as the PyTorch state dict):
//   input (B, 3, 32, 32) in [0, 1] -> 2x − 1, channel mean, crop 2 px -> (B, 1, 28, 28)
//   conv1 3x3 pad 1 -> ReLU -> max-pool 2   (B, 32, 14, 14)
//   conv2 3x3 pad 1 -> ReLU -> max-pool 2   (B, 64, 7, 7)
//   conv3 3x3 pad 1 -> ReLU                 (B, 128, 7, 7)
//   fc1 -> ReLU = features                  (B, F)
//   fc2 = logits                            (B, classes)
#pragma once
#include <string>
#include <vector>

#include "core/nn/conv2d.h"
#include "core/tensor.h"

namespace vs::eval {

struct ClassifierOutput {
  Tensor logits;    // (B, classes)
  Tensor probs;     // (B, classes), softmax of logits
  Tensor features;  // (B, F), relu(fc1)
  std::vector<int64_t> predicted;  // (B) argmax
};

class Classifier {
 public:
  // Strict: exactly the expected tensors with their shapes, and metadata kind =
  // "classifier"; errors name the file and the tensor.
  static Classifier load(const std::string& path);

  // images01 (B, 3, 32, 32) in [0, 1]; runs in chunks so memory stays small for any B.
  ClassifierOutput predict(const Tensor& images01) const;

  int num_classes() const { return static_cast<int>(fc2_weight_.dim(0)); }
  int feature_dim() const { return static_cast<int>(fc1_weight_.dim(0)); }
  const std::vector<std::string>& class_names() const { return class_names_; }
  // The accuracy on the test split recorded at export (metadata), or −1 when absent.
  double recorded_test_accuracy() const { return recorded_test_accuracy_; }
  const std::string& path() const { return path_; }

 private:
  ClassifierOutput predict_chunk(const Tensor& images01) const;

  std::string path_;
  nn::Conv2d conv1_, conv2_, conv3_;  // (32,1,3,3) (64,32,3,3) (128,64,3,3), biases
  Tensor fc1_weight_, fc1_bias_;      // (F, 128·7·7), (F)
  Tensor fc2_weight_, fc2_bias_;      // (classes, F), (classes)
  std::vector<std::string> class_names_;
  double recorded_test_accuracy_ = -1;
};

}  // namespace vs::eval
