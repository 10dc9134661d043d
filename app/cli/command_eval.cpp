// varscope-cli eval: how good are a Fashion-MNIST generator's images? Generates
// --samples-per-class images of every class, and reports with the independent classifier
// (tools/train/train_classifier.py) the class accuracy (overall and per class) and the
// Fréchet distance between the generated images' classifier features and the test
// split's. The same numbers for as many real *training* images, class-balanced, are the
// baseline: a Fréchet distance from a finite sample is biased upward, so the real set's
// value is the floor a perfect generator would reach at this sample size.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/error.h"
#include "core/eval/classifier.h"
#include "core/eval/fmnist_idx.h"
#include "core/eval/frechet.h"
#include "core/eval/sample_quality.h"
#include "core/generator/describe.h"
#include "core/generator/generator.h"
#include "core/io/model_ref.h"
#include "core/io/output_file.h"
#include "core/nn/denormals.h"
#include "core/random/rng.h"

namespace vs::cli {

namespace {

constexpr int kImageSide = 32;
constexpr long kMaxPerClass = 5000;  // the training split has 6000 images of each class

// Images of `labels` in [0, 1], checked to be 32 px Fashion-MNIST images.
Tensor generate(const gen::Generator& generator, gen::SamplingRequest request, const std::vector<int64_t>& labels,
                uint64_t seed) {
  request.labels = labels;
  request.seed = seed;
  Tensor image01 = generator.sample(request).image01;
  if (image01.rank() != 4 || image01.dim(1) != 3 || image01.dim(2) != kImageSide || image01.dim(3) != kImageSide)
    throw Error(generator.info().model_path + ": generates images " + image01.shape_str() +
                "; eval measures 32x32 Fashion-MNIST models");
  return image01;
}

// A seed per (class, chunk): the sampler draws image b of a call from Rng(seed, b), so
// each call needs its own seed for the images of a run to be independent.
uint64_t chunk_seed(uint64_t seed, int label, int64_t chunk) {
  uint64_t state = seed * 0x100000001B3ULL + (uint64_t(label) << 32) + uint64_t(chunk);
  return random::splitmix64(state);
}

std::string report_json(const eval::QualityReport& r, const std::vector<std::string>& names) {
  std::string json = "{\"images\":" + std::to_string(r.images) + ",\"accuracy\":" + json_number(r.overall.accuracy()) +
                     ",\"frechet\":" + json_number(r.frechet) + ",\"per_class\":[";
  for (size_t c = 0; c < r.per_class.size(); ++c)
    json += std::string(c ? "," : "") + "{\"class\":" + std::to_string(c) + ",\"name\":" + json_string(names[c]) +
            ",\"images\":" + std::to_string(r.per_class[c].count) +
            ",\"accuracy\":" + json_number(r.per_class[c].accuracy()) + "}";
  return json + "]}";
}

}  // namespace

int command_eval(Args& args) {
  const std::string model_name = args.require("model");
  const std::string vae_override = args.get("vae", "");
  const long per_class = args.get_int("samples-per-class", 100, 2, kMaxPerClass);
  const long seed = args.get_int("seed", 0, 0, std::numeric_limits<long>::max());
  const long batch = args.get_int("batch", 50, 1, 1000);
  const std::string classifier_name = args.get("classifier", "fmnist-classifier");
  const std::string data_dir = args.get("data-dir", eval::fmnist_directory());
  const std::string json_path = args.get("json", "");
  const WeightPrecision precision = precision_flag(args);

  nn::flush_denormals_on_all_threads();
  // Cheap checks first: the classifier and the data set, before any generation.
  const io::ModelRef classifier_ref = io::resolve_model(classifier_name);
  if (classifier_ref.kind != io::ModelKind::kClassifier)
    throw Error("--classifier " + classifier_ref.model_path + " is a " + io::model_kind_name(classifier_ref.kind) +
                ", not a classifier");
  const eval::Classifier classifier = eval::Classifier::load(classifier_ref.model_path);
  const int classes = classifier.num_classes();
  const eval::FmnistSplit test = eval::load_fmnist(data_dir, false);
  const eval::FmnistSplit train = eval::load_fmnist(data_dir, true);

  io::ModelRef ref = io::resolve_model(model_name, vae_override);
  ref.precision = precision;
  const std::unique_ptr<gen::Generator> generator = gen::open_generator(ref);
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest request = generator->default_request();
  read_sampling_options(args, info, request);
  args.finish();
  if (info.num_classes != classes)
    throw Error(info.model_path + " has " + std::to_string(info.num_classes) + " classes; the classifier knows " +
                std::to_string(classes) + " (Fashion-MNIST)");
  const std::vector<std::string>& names = classifier.class_names();

  // Reference: every test image.
  const auto start = std::chrono::steady_clock::now();
  std::vector<int64_t> test_indices(static_cast<size_t>(test.count));
  for (int64_t i = 0; i < test.count; ++i) test_indices[i] = i;
  const eval::ClassifierOutput test_out = classifier.predict(eval::fmnist_images01(test, test_indices));
  int64_t test_correct = 0;
  for (int64_t i = 0; i < test.count; ++i) test_correct += test_out.predicted[i] == test.labels[i];
  const double test_accuracy = double(test_correct) / double(test.count);
  const eval::Gaussian reference = eval::fit_gaussian(test_out.features);
  std::fprintf(stderr, "test split: %lld images, classifier accuracy %.4f (%.1f s)\n", (long long)test.count,
               test_accuracy, elapsed_ms_since(start) / 1000);

  // Baseline: the first per_class training images of every class.
  std::vector<int64_t> real_labels;
  const std::vector<int64_t> real_indices = eval::first_per_class(train, classes, per_class, &real_labels);
  eval::QualityMeter real_meter(classes, classifier.feature_dim());
  real_meter.add(classifier.predict(eval::fmnist_images01(train, real_indices)), real_labels);
  const eval::QualityReport real = real_meter.finish(reference);

  eval::QualityMeter generated_meter(classes, classifier.feature_dim());
  const auto generation_start = std::chrono::steady_clock::now();
  for (int c = 0; c < classes; ++c) {
    const auto class_start = std::chrono::steady_clock::now();
    int64_t correct = 0;
    for (int64_t done = 0, chunk = 0; done < per_class; done += batch, ++chunk) {
      const std::vector<int64_t> labels(static_cast<size_t>(std::min<int64_t>(batch, per_class - done)), c);
      const eval::ClassifierOutput out = classifier.predict(generate(*generator, request, labels, chunk_seed(seed, c, chunk)));
      for (int64_t p : out.predicted) correct += p == c;
      generated_meter.add(out, labels);
    }
    std::fprintf(stderr, "class %d %-12s %ld images in %.1f s, accuracy %.3f\n", c, names[c].c_str(), per_class,
                 elapsed_ms_since(class_start) / 1000, double(correct) / double(per_class));
  }
  const double generation_s = elapsed_ms_since(generation_start) / 1000;
  const eval::QualityReport generated = generated_meter.finish(reference);

  std::printf("model       %s (%s, %s, %s weights)\n", info.name.c_str(), gen::family_name(info.family),
              info.model_path.c_str(), precision_name(info.precision));
  std::printf("sampling    %s, seed %ld, %ld images per class\n", gen::describe_request(request).c_str(), seed, per_class);
  std::printf("classifier  %s: test accuracy %.4f on %lld test images\n\n", classifier.path().c_str(), test_accuracy,
              (long long)test.count);
  std::printf("%-14s %10s %11s\n", "class accuracy", "generated", "real train");
  for (int c = 0; c < classes; ++c)
    std::printf("%-14s %10.3f %11.3f\n", names[c].c_str(), generated.per_class[c].accuracy(),
                real.per_class[c].accuracy());
  std::printf("%-14s %10.3f %11.3f\n\n", "overall", generated.overall.accuracy(), real.overall.accuracy());
  std::printf("Frechet distance of classifier features to the %lld test images:\n", (long long)test.count);
  std::printf("  generated    %6lld images  %9.3f\n", (long long)generated.images, generated.frechet);
  std::printf("  real train   %6lld images  %9.3f   (the floor at this sample size)\n", (long long)real.images,
              real.frechet);
  std::printf("generation %.1f s (%.1f ms per image)\n", generation_s, 1000 * generation_s / generated.images);

  if (!json_path.empty()) {
    std::string json = "{\"command\":\"eval\",\"model\":" + json_string(info.name) +
                       ",\"model_path\":" + json_string(info.model_path) + ",\"vae_path\":" + json_string(info.vae_path) +
                       ",\"family\":" + json_string(gen::family_name(info.family)) +
                       ",\"precision\":" + json_string(precision_name(info.precision)) +
                       ",\"samples_per_class\":" + std::to_string(per_class) + ",\"seed\":" + std::to_string(seed) +
                       ",\"sampling\":" + request_json(request);
    json += ",\"classifier\":{\"path\":" + json_string(classifier.path()) +
            ",\"test_accuracy\":" + json_number(test_accuracy) + ",\"test_images\":" + std::to_string(test.count) +
            "},\"generated\":" + report_json(generated, names) + ",\"real_train\":" + report_json(real, names) +
            ",\"generation_seconds\":" + json_number(generation_s) + "}\n";
    io::write_file_atomically(json_path, json);
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
