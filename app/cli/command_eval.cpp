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
#include <optional>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/eval/classifier.h"
#include "core/eval/fmnist_idx.h"
#include "core/eval/frechet.h"
#include "core/eval/sample_quality.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/io/model_ref.h"
#include "core/io/output_file.h"
#include "core/var/denormals.h"
#include "core/var/rng.h"
#include "core/var/sampler.h"
#include "core/var/var_model.h"

namespace vs::cli {

namespace {

constexpr int kImageSide = 32;
constexpr long kMaxPerClass = 5000;  // the training split has 6000 images of each class

// One generator behind one call: VAR or FlowAR, class-conditional images in [0, 1].
struct Generator {
  io::ModelRef ref;
  std::optional<var::VarModel> var_model;
  std::optional<flowar::FlowArModel> flowar_model;
  std::optional<flowar::KlVae> kl_vae;
  var::SamplingOptions var_options;
  flowar::FlowArSamplingOptions flowar_options;

  int num_classes() const {
    return var_model ? var_model->config().num_classes : flowar_model->config.num_classes;
  }
  double cfg() const { return var_model ? var_options.cfg : flowar_options.cfg; }

  Tensor generate(const std::vector<int64_t>& labels, uint64_t seed) {
    Tensor image01;
    if (var_model) {
      var_options.seed = seed;
      image01 = var::autoregressive_infer_cfg(var_model->transformer, var_model->vae, labels, var_options).image01;
    } else {
      flowar_options.seed = seed;
      image01 = flowar::images_to_unit_range(
          flowar::sample_flowar(*flowar_model, labels, flowar_options, {}, &*kl_vae).image);
    }
    if (image01.rank() != 4 || image01.dim(1) != 3 || image01.dim(2) != kImageSide || image01.dim(3) != kImageSide)
      throw Error(ref.model_path + ": generates images " + image01.shape_str() +
                  "; eval measures 32x32 Fashion-MNIST models");
    return image01;
  }
};

Generator open_generator(const std::string& name, const std::string& vae_override) {
  Generator g;
  g.ref = io::resolve_model(name, vae_override);
  if (g.ref.kind != io::ModelKind::kVarTransformer && g.ref.kind != io::ModelKind::kFlowAr)
    throw Error(g.ref.model_path + " is a " + io::model_kind_name(g.ref.kind) +
                "; eval needs a VAR or FlowAR generator");
  if (g.ref.vae_path.empty())
    throw Error(g.ref.model_path + ": no tokenizer found beside it (" + g.ref.name +
                "-vae.safetensors); give --vae");
  if (g.ref.kind == io::ModelKind::kVarTransformer) {
    g.var_model = var::VarModel::load(g.ref.model_path, g.ref.vae_path);
  } else {
    g.flowar_model = flowar::FlowArModel::load(g.ref.model_path);
    g.kl_vae = flowar::KlVae::load(g.ref.vae_path);
  }
  return g;
}

// A seed per (class, chunk): the sampler draws image b of a call from Rng(seed, b), so
// each call needs its own seed for the images of a run to be independent.
uint64_t chunk_seed(uint64_t seed, int label, int64_t chunk) {
  uint64_t state = seed * 0x100000001B3ULL + (uint64_t(label) << 32) + uint64_t(chunk);
  return var::splitmix64(state);
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
  const bool cfg_given = args.has("cfg");
  const double cfg = args.get_double("cfg", 4.0, 0.0, 1e4);
  const long seed = args.get_int("seed", 0, 0, std::numeric_limits<long>::max());
  const long batch = args.get_int("batch", 50, 1, 1000);
  const bool steps_given = args.has("steps");
  const long flow_steps = args.get_int("steps", 25, 2, 10000);
  const std::string classifier_name = args.get("classifier", "fmnist-classifier");
  const std::string data_dir = args.get("data-dir", eval::fmnist_directory());
  const std::string json_path = args.get("json", "");
  args.finish();

  var::flush_denormals_on_all_threads();
  // Cheap checks first: the classifier and the data set, before any generation.
  const io::ModelRef classifier_ref = io::resolve_model(classifier_name);
  if (classifier_ref.kind != io::ModelKind::kClassifier)
    throw Error("--classifier " + classifier_ref.model_path + " is a " + io::model_kind_name(classifier_ref.kind) +
                ", not a classifier");
  const eval::Classifier classifier = eval::Classifier::load(classifier_ref.model_path);
  const int classes = classifier.num_classes();
  const eval::FmnistSplit test = eval::load_fmnist(data_dir, false);
  const eval::FmnistSplit train = eval::load_fmnist(data_dir, true);

  Generator generator = open_generator(model_name, vae_override);
  if (generator.num_classes() != classes)
    throw Error(generator.ref.model_path + " has " + std::to_string(generator.num_classes()) +
                " classes; the classifier knows " + std::to_string(classes) + " (Fashion-MNIST)");
  if (generator.var_model) {
    if (cfg_given) generator.var_options.cfg = cfg;
    else generator.var_options.cfg = 4.0;  // generate's default
    generator.var_options.top_k = 900;
    generator.var_options.top_p = 0.95;
    if (steps_given) throw Error("--steps is the FlowAR flow-matching step count; " + model_name + " is a VAR");
  } else {
    if (cfg_given) generator.flowar_options.cfg = cfg;
    generator.flowar_options.num_steps = static_cast<int>(flow_steps);
  }
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
      const eval::ClassifierOutput out = classifier.predict(generator.generate(labels, chunk_seed(seed, c, chunk)));
      for (int64_t p : out.predicted) correct += p == c;
      generated_meter.add(out, labels);
    }
    std::fprintf(stderr, "class %d %-12s %ld images in %.1f s, accuracy %.3f\n", c, names[c].c_str(), per_class,
                 elapsed_ms_since(class_start) / 1000, double(correct) / double(per_class));
  }
  const double generation_s = elapsed_ms_since(generation_start) / 1000;
  const eval::QualityReport generated = generated_meter.finish(reference);

  const bool is_var = generator.var_model.has_value();
  std::printf("model       %s (%s, %s)\n", generator.ref.name.c_str(), io::model_kind_name(generator.ref.kind),
              generator.ref.model_path.c_str());
  if (is_var)
    std::printf("sampling    cfg %g, top-k %d, top-p %g, seed %ld, %ld images per class\n", generator.cfg(),
                generator.var_options.top_k, generator.var_options.top_p, seed, per_class);
  else
    std::printf("sampling    cfg %g, guidance %g, %d Euler steps, seed %ld, %ld images per class\n", generator.cfg(),
                generator.flowar_options.guidance, generator.flowar_options.num_steps, seed, per_class);
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
    std::string json = "{\"command\":\"eval\",\"model\":" + json_string(generator.ref.name) +
                       ",\"model_path\":" + json_string(generator.ref.model_path) +
                       ",\"vae_path\":" + json_string(generator.ref.vae_path) +
                       ",\"kind\":" + json_string(io::model_kind_name(generator.ref.kind)) +
                       ",\"samples_per_class\":" + std::to_string(per_class) + ",\"seed\":" + std::to_string(seed) +
                       ",\"cfg\":" + json_number(generator.cfg());
    if (is_var)
      json += ",\"top_k\":" + std::to_string(generator.var_options.top_k) +
              ",\"top_p\":" + json_number(generator.var_options.top_p);
    else
      json += ",\"steps\":" + std::to_string(generator.flowar_options.num_steps) +
              ",\"guidance\":" + json_number(generator.flowar_options.guidance);
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
