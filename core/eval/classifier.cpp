#include "core/eval/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>

#include "core/error.h"
#include "core/parallel.h"
#include "core/io/checkpoint.h"
#include "core/io/json.h"
#include "core/io/weight_reader.h"
#include "core/nn/linear.h"

namespace vs::eval {

namespace {

constexpr int kInputSide = 32, kCrop = 2, kSide = 28;
constexpr int64_t kChunk = 16;  // images per forward pass and per thread: ~2.5 MB of activations

void relu_inplace(Tensor& t) {
  for (float& x : t.data) x = std::max(x, 0.0f);
}

// nn.MaxPool2d(2): (B, C, H, W) -> (B, C, H/2, W/2), odd edges dropped like PyTorch.
Tensor max_pool2(const Tensor& x) {
  const int64_t planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3), oh = h / 2, ow = w / 2;
  Tensor y({x.dim(0), x.dim(1), oh, ow});
  for (int64_t p = 0; p < planes; ++p) {
    const float* src = x.ptr() + p * h * w;
    float* dst = y.ptr() + p * oh * ow;
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        const float* s = src + 2 * i * w + 2 * j;
        dst[i * ow + j] = std::max(std::max(s[0], s[1]), std::max(s[w], s[w + 1]));
      }
  }
  return y;
}

std::vector<std::string> parse_class_names(const io::Checkpoint& ckpt) {
  const auto it = ckpt.metadata.find("class_names");
  if (it == ckpt.metadata.end()) return {};
  const io::json::Value v = io::json::parse(it->second);
  std::vector<std::string> names;
  if (!v.is_array()) throw Error(ckpt.path + ": metadata class_names is not a JSON array");
  for (const io::json::Value& item : v.array) {
    if (!item.is_string()) throw Error(ckpt.path + ": metadata class_names holds a non-string");
    names.push_back(item.text);
  }
  return names;
}

}  // namespace

Classifier Classifier::load(const std::string& path) {
  io::Checkpoint ckpt = io::load_checkpoint(path);
  const auto kind = ckpt.metadata.find("kind");
  if (kind == ckpt.metadata.end() || kind->second != "classifier")
    throw Error(path + ": not a VARScope classifier (safetensors metadata kind != \"classifier\")");
  if (!ckpt.has("fc1.weight") || !ckpt.has("fc2.weight") || ckpt.get("fc1.weight").rank() != 2 ||
      ckpt.get("fc2.weight").rank() != 2)
    throw Error(path + ": tensors 'fc1.weight' and 'fc2.weight' must be present and 2-D");
  const int64_t features = ckpt.get("fc1.weight").dim(0);
  const int64_t classes = ckpt.get("fc2.weight").dim(0);
  if (features < 1 || classes < 2) throw Error(path + ": classifier with " + std::to_string(classes) + " classes");
  Classifier c;
  c.path_ = path;
  io::WeightReader reader(ckpt);
  auto conv = [&](nn::Conv2d& m, const std::string& name, int64_t in, int64_t out) {
    m.weight = reader.take(name + ".weight", {out, in, 3, 3});
    m.bias = reader.take(name + ".bias", {out});
    m.padding = nn::Conv2dPadding::same(1);
    m.name = path + ": " + name;
  };
  conv(c.conv1_, "conv1", 1, 32);
  conv(c.conv2_, "conv2", 32, 64);
  conv(c.conv3_, "conv3", 64, 128);
  c.fc1_weight_ = reader.take("fc1.weight", {features, 128 * 7 * 7});
  c.fc1_bias_ = reader.take("fc1.bias", {features});
  c.fc2_weight_ = reader.take("fc2.weight", {classes, features});
  c.fc2_bias_ = reader.take("fc2.bias", {classes});
  reader.finish("a classifier");
  c.class_names_ = parse_class_names(ckpt);
  if (!c.class_names_.empty() && static_cast<int64_t>(c.class_names_.size()) != classes)
    throw Error(path + ": metadata names " + std::to_string(c.class_names_.size()) + " classes, fc2 has " +
                std::to_string(classes));
  if (c.class_names_.empty())
    for (int64_t i = 0; i < classes; ++i) c.class_names_.push_back("class " + std::to_string(i));
  const auto acc = ckpt.metadata.find("test_accuracy");
  if (acc != ckpt.metadata.end()) c.recorded_test_accuracy_ = std::strtod(acc->second.c_str(), nullptr);
  return c;
}

ClassifierOutput Classifier::predict_chunk(const Tensor& images01) const {
  const int64_t batch = images01.dim(0);
  const int64_t plane = int64_t(kInputSide) * kInputSide;
  // The training input was x ∈ [−1, 1] averaged over channels: mean(2u − 1) = 2·mean(u) − 1.
  Tensor grey({batch, 1, kSide, kSide});
  for (int64_t b = 0; b < batch; ++b)
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x) {
        const float* p = images01.ptr() + b * 3 * plane + (y + kCrop) * kInputSide + x + kCrop;
        grey.data[(b * kSide + y) * kSide + x] = 2.0f * ((p[0] + p[plane] + p[2 * plane]) / 3.0f) - 1.0f;
      }
  Tensor h = conv1_.forward(grey);
  relu_inplace(h);
  h = max_pool2(h);
  h = conv2_.forward(h);
  relu_inplace(h);
  h = max_pool2(h);
  h = conv3_.forward(h);
  relu_inplace(h);
  h.shape = {batch, h.numel() / batch};  // flatten (C, H, W) in PyTorch's order
  ClassifierOutput out;
  out.features = nn::linear(h, fc1_weight_, &fc1_bias_, "classifier fc1");
  relu_inplace(out.features);
  out.logits = nn::linear(out.features, fc2_weight_, &fc2_bias_, "classifier fc2");
  const int64_t classes = out.logits.dim(1);
  out.probs = Tensor(out.logits.shape);
  for (int64_t b = 0; b < batch; ++b) {
    const float* l = out.logits.ptr() + b * classes;
    float* p = out.probs.ptr() + b * classes;
    const int64_t best = std::max_element(l, l + classes) - l;
    double sum = 0;
    for (int64_t k = 0; k < classes; ++k) sum += p[k] = std::exp(l[k] - l[best]);
    for (int64_t k = 0; k < classes; ++k) p[k] = static_cast<float>(p[k] / sum);
    out.predicted.push_back(best);
  }
  return out;
}

ClassifierOutput Classifier::predict(const Tensor& images01) const {
  if (images01.rank() != 4 || images01.dim(1) != 3 || images01.dim(2) != kInputSide || images01.dim(3) != kInputSide)
    throw Error(path_ + ": the classifier takes images [B, 3, 32, 32] in [0, 1], got " + images01.shape_str());
  for (float v : images01.data)
    if (!std::isfinite(v)) throw Error(path_ + ": the images to classify hold a non-finite value");
  const int64_t batch = images01.dim(0), per_image = 3 * int64_t(kInputSide) * kInputSide;
  const int64_t classes = num_classes(), features = feature_dim();
  ClassifierOutput out;
  out.logits = Tensor({batch, classes});
  out.probs = Tensor({batch, classes});
  out.features = Tensor({batch, features});
  out.predicted.assign(static_cast<size_t>(batch), 0);
  // Threads take whole chunks: the layers' own parallel loops are too small per image to
  // pay for their barriers (8x slower on 2 busy cores); nested regions then run serially.
  const int64_t chunks = (batch + kChunk - 1) / kChunk;
  parallel_for("classifier", chunks, true, 1, [&](int64_t k) {
    const int64_t begin = k * kChunk, n = std::min(kChunk, batch - begin);
    Tensor chunk({n, 3, kInputSide, kInputSide});
    std::copy(images01.ptr() + begin * per_image, images01.ptr() + (begin + n) * per_image, chunk.ptr());
    const ClassifierOutput part = predict_chunk(chunk);
    std::copy(part.logits.data.begin(), part.logits.data.end(), out.logits.ptr() + begin * classes);
    std::copy(part.probs.data.begin(), part.probs.data.end(), out.probs.ptr() + begin * classes);
    std::copy(part.features.data.begin(), part.features.data.end(), out.features.ptr() + begin * features);
    std::copy(part.predicted.begin(), part.predicted.end(), out.predicted.begin() + begin);
  });
  return out;
}

}  // namespace vs::eval
