// varscope-cli pareto: acceleration methods and attention variants on one speed × quality
// table (issue 15). Every combination generates the same images (class i mod classes,
// seed + i, batch 1) as the exact run measured first in the same process, and reports
// wall time per image (sampling and decode apart), attention calls and query-key pairs,
// the KV cache's final size, closeness to the exact run (VAR: token agreement per scale;
// FlowAR: relative latent error per scale; both: image PSNR) and, for 32 px Fashion-MNIST
// models, the classifier's class accuracy. With random official-shape weights (--depth D,
// --flowar-size S) it reports speed and closeness only. Methods whose rules
// acceleration.md tags [D] (applied to models nobody reported them on) are measurements
// of a hypothesis, not reproductions; the output says which.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "app/cli/random_model_flags.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/accel/fidelity.h"
#include "core/accel/provenance.h"
#include "core/attention/attention.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/eval/classifier.h"
#include "app/cli/process_memory.h"
#include "core/io/output_file.h"
#include "core/eval/sample_quality.h"
#include "core/eval/fmnist_idx.h"
#include "core/generator/describe.h"
#include "core/generator/generator.h"
#include "core/generator/random_generator.h"
#include "core/io/model_ref.h"
#include "core/nn/denormals.h"

namespace vs::cli {

namespace {

std::vector<std::string> split_list(const std::string& text, const char* flag) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ';'))
    if (!item.empty()) items.push_back(item);
  if (items.empty()) throw Error(std::string("--") + flag + " '" + text + "' lists nothing (separate entries by ';')");
  return items;
}

// Attention calls, the query-key pairs they computed (a variant that skips pairs, such as
// window, says how many in its stats; otherwise every Lq x Lk pair), and the KV cache's
// final size: the cached transformers' (VAR, FlowAR's AR) keys and values per block and
// row are their last call's (cfg-share hands one call both rows' values and caches the
// unconditional row's values only); the flownet attends within a scale and caches nothing.
class WorkMeter : public gen::GenerationObserver {
 public:
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    ++calls;
    const auto computed = result.stats.find("pairs_computed");
    pairs += computed != result.stats.end() ? computed->second
                                            : double(call.q.dim(0)) * double(call.q.dim(1)) * double(call.k.dim(1));
    const observe::Site& site = call.site;
    if (site.module != observe::Module::kFlownet) {
      double& floats = cached_floats[{int(site.module), site.block, site.row}];
      floats = std::max(floats, double(call.k.numel() + (call.v ? call.v->numel() : call.k.numel())));
    }
  }
  double kv_bytes() const {
    double floats = 0;
    for (const auto& [where, count] : cached_floats) floats += count;
    return floats * sizeof(float);
  }
  int64_t calls = 0;
  double pairs = 0;
  std::map<std::tuple<int, int, int64_t>, double> cached_floats;  // keys and values
};

struct Row {
  Row(std::string accel_spec, std::string attention_spec)
      : accel(std::move(accel_spec)), attention(std::move(attention_spec)) {}
  std::string accel, attention;
  double sample_ms = 0, decode_ms = 0, pairs = 0, kv_bytes = 0;  // sums over images
  int64_t calls = 0, correct = 0;
  int images = 0, scales_run = 0;
  std::vector<double> closeness;  // per scale, summed over images (agreement or latent error)
  Tensor stack;                   // every image, (N, 3, H, W)
  double psnr = 0;
  bool accuracy = false;
  double frechet = std::numeric_limits<double>::quiet_NaN();  // to the test split's features; NaN: not measured
  double ms() const { return (sample_ms + decode_ms) / images; }
};

struct Image {
  gen::SampleResult result;
  Tensor image01;
};

void append_image(Tensor& stack, const Tensor& image) {
  if (stack.numel() == 0) {
    stack = image;
    return;
  }
  stack.data.insert(stack.data.end(), image.data.begin(), image.data.end());
  stack.shape[0] += image.dim(0);
}

std::string json_array(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_number(values[i]);
  return out + "]";
}

}  // namespace

int command_pareto(Args& args) {
  std::string spec_flag;
  const std::string random = random_spec(args, spec_flag);
  const io::ModelRef ref = random.empty() ? model_ref_flag(args) : io::ModelRef{};
  const WeightPrecision precision = random.empty() ? ref.precision : precision_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const std::vector<std::string> methods = split_list(args.get("methods", "none"), "methods");
  const std::vector<std::string> attentions = split_list(args.get("attentions", "exact"), "attentions");
  const long images_flag = args.get_int("images", 0, 1, 10000);
  const long per_class = args.get_int("samples-per-class", 0, 1, 1000);
  if (images_flag && per_class) throw Error("give one of --images N and --samples-per-class N");
  const long seed = args.get_int("seed", 0, 0, std::numeric_limits<long>::max());
  const std::string json_path = args.get("json", ""), csv_path = args.get("csv", "");
  const std::string classifier_name = args.get("classifier", "fmnist-classifier");

  nn::flush_denormals_on_all_threads();
  const MachineInfo machine = machine_info();
  if (!random.empty()) check_random_model_memory(random, "pareto " + spec_flag);
  const std::unique_ptr<gen::Generator> generator =
      random.empty() ? gen::open_generator(ref, scales) : gen::open_random_generator(random, scales, precision);
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest base = generator->default_request();
  read_sampling_options(args, info, base);
  args.finish();
  if (base.accel != "none" || base.attention != "exact")
    throw Error("pareto measures against the exact run: list methods in --methods and variants in --attentions, "
                "not --accel or --attention");
  const bool flowar = info.family == gen::Family::kFlowAr;
  // Every spec checked before any timing.
  for (const std::string& m : methods) {
    gen::SamplingRequest check = base;
    check.accel = m;
    gen::accel_plan(info, check);
  }
  const long images = per_class ? per_class * std::max(1, info.num_classes) : images_flag ? images_flag : 8;
  for (const std::string& a : attentions) attention::make_variant(a);
  // The judge of 32 px Fashion-MNIST generators, where it fits.
  std::optional<eval::Classifier> classifier;
  if (random.empty() && info.image_side == 32) {
    const io::ModelRef judge = io::resolve_model(classifier_name);
    if (judge.kind == io::ModelKind::kClassifier) classifier = eval::Classifier::load(judge.model_path);
    if (classifier && classifier->num_classes() != info.num_classes) classifier.reset();
  }
  // The Fréchet distance's reference: the classifier's features of the whole test split
  // (as `eval`), where the dataset is installed.
  std::optional<eval::Gaussian> reference;
  if (classifier) {
    try {
      const eval::FmnistSplit test = eval::load_fmnist(eval::fmnist_directory(), false);
      std::vector<int64_t> all(size_t(test.count));
      for (int64_t i = 0; i < test.count; ++i) all[size_t(i)] = i;
      reference = eval::fit_gaussian(classifier->predict(eval::fmnist_images01(test, all)).features);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pareto: no Fréchet distance (%s)\n", e.what());
    }
  }

  std::printf("%s\n", machine_info_line(machine).c_str());
  std::printf("model: %s (%s); %s\n", info.name.c_str(), info.description.c_str(), gen::describe_request(base).c_str());
  std::printf("%ld images, batch 1, seeds %ld.., classes cycled; quality against the exact run of the same seed\n",
              images, seed);
  if (!random.empty())
    std::printf("random %s weights: speed, and closeness to the exact run of the same weights; no image quality\n",
                random.c_str());

  auto run_one = [&](const std::string& accel_spec, const std::string& attention_spec, long i, Row& row) {
    gen::SamplingRequest request = base;
    request.accel = accel_spec;
    request.attention = attention_spec;
    request.labels = {int64_t(i % info.num_classes)};
    request.seed = uint64_t(seed + i);
    request.decode_final = false;  // the decode is timed on its own
    WorkMeter meter;
    const auto t0 = std::chrono::steady_clock::now();
    Image out{generator->sample(request, &meter), {}};
    row.sample_ms += elapsed_ms_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    out.image01 = generator->decode_scale(out.result.pyramid, int(out.result.pyramid.size()) - 1);
    row.decode_ms += elapsed_ms_since(t1);
    row.calls += meter.calls;
    row.pairs += meter.pairs;
    row.kv_bytes += meter.kv_bytes();
    row.images += 1;
    row.scales_run = out.result.scales_done;
    append_image(row.stack, out.image01);
    if (classifier) {
      row.accuracy = true;
      row.correct += classifier->predict(out.image01).predicted[0] == request.labels[0];
    }
    return out;
  };

  // The exact run first (after one untimed warm-up), kept for every comparison.
  gen::SamplingRequest warm = base;
  warm.labels = {0};
  generator->sample(warm);
  Row exact_row{"none", "exact"};
  std::vector<Image> exact;
  for (long i = 0; i < images; ++i) exact.push_back(run_one("none", "exact", i, exact_row));
  exact_row.closeness.assign(info.num_scales(), flowar ? 0.0 : 1.0);
  exact_row.psnr = std::numeric_limits<double>::infinity();

  std::vector<Row> rows{exact_row};
  for (const std::string& attention_spec : attentions)
    for (const std::string& accel_spec : methods) {
      if (accel_spec == "none" && attention_spec == "exact") continue;  // the baseline row
      Row row{accel_spec, attention_spec};
      row.closeness.assign(info.num_scales(), 0.0);
      for (long i = 0; i < images; ++i) {
        const Image out = run_one(accel_spec, attention_spec, i, row);
        for (int k = 0; k < out.result.scales_done; ++k)
          row.closeness[k] += flowar ? accel::relative_error(out.result.pyramid[k].latent, exact[i].result.pyramid[k].latent)
                                     : accel::token_agreement(out.result.pyramid[k].ids, exact[i].result.pyramid[k].ids);
      }
      for (double& c : row.closeness) c /= double(images);
      row.closeness.resize(row.scales_run);
      row.psnr = accel::psnr01(row.stack, exact_row.stack);
      rows.push_back(std::move(row));
    }
  // Fréchet distance of each row's images (labels i mod classes) to the test split.
  if (reference && images >= 2)
    for (Row& row : rows) {
      std::vector<int64_t> labels;
      for (long i = 0; i < images; ++i) labels.push_back(i % info.num_classes);
      eval::QualityMeter meter(classifier->num_classes(), classifier->feature_dim());
      meter.add(classifier->predict(row.stack), labels);
      row.frechet = meter.finish(*reference).frechet;
    }

  // The table.
  const char* closeness_name = flowar ? "lat err" : "agree %";
  std::printf("\n%-40s %-14s %9s %9s %8s %8s %10s %9s %8s %7s %8s %6s %7s\n", "method", "attention", "ms/image", "sample",
              "decode", "speed-up", "attn calls", "pairs M", "KV MiB", closeness_name, "PSNR dB", "acc", "FD");
  for (const Row& row : rows) {
    double closeness = 0;
    for (double c : row.closeness) closeness += c;
    closeness /= double(std::max<size_t>(1, row.closeness.size()));
    if (!flowar) closeness *= 100;
    char accuracy[16] = "-";
    if (row.accuracy) std::snprintf(accuracy, sizeof accuracy, "%.2f", double(row.correct) / row.images);
    char frechet[16] = "-";
    if (!std::isnan(row.frechet)) std::snprintf(frechet, sizeof frechet, "%.2f", row.frechet);
    std::printf("%-40s %-14s %9.1f %9.1f %8.1f %7.2fx %10.0f %9.3f %8.3f %7.3f %8.2f %6s %7s\n", row.accel.c_str(),
                row.attention.c_str(), row.ms(), row.sample_ms / row.images, row.decode_ms / row.images,
                exact_row.ms() / row.ms(), double(row.calls) / row.images, row.pairs / row.images / 1e6,
                row.kv_bytes / row.images / (1 << 20), closeness, row.psnr, accuracy, frechet);
  }
  if (reference)
    std::printf("FD: Fréchet distance of the %ld images' classifier features to the test split (as eval; noisy "
                "below a few hundred images)\n", images);
  std::printf("peak RSS of the whole run: %.0f MiB\n", peak_rss_mib());
  std::printf("%s: mean over the scales the method ran (scale by scale in the JSON)\n", closeness_name);
  for (const std::string& m : methods)
    for (const std::string& line : accel::extrapolations(accel::parse_accel(m), flowar))
      std::printf("note (%s): %s\n", m.c_str(), line.c_str());

  if (!json_path.empty()) {
    std::string json = "{\"machine\":" + machine_info_json(machine) + ",\"model\":" + json_string(info.name) +
                       ",\"family\":" + json_string(gen::family_name(info.family)) +
                       ",\"random_weights\":" + (random.empty() ? "false" : "true") + ",\"request\":" +
                       request_json(base) + ",\"images\":" + std::to_string(images) + ",\"batch\":1,\"rows\":[";
    for (size_t r = 0; r < rows.size(); ++r) {
      const Row& row = rows[r];
      json += std::string(r ? "," : "") + "{\"accel\":" + json_string(row.accel) + ",\"attention\":" +
              json_string(row.attention) + ",\"ms_per_image\":" + json_number(row.ms()) +
              ",\"sample_ms_per_image\":" + json_number(row.sample_ms / row.images) +
              ",\"decode_ms_per_image\":" + json_number(row.decode_ms / row.images) +
              ",\"speedup\":" + json_number(exact_row.ms() / row.ms()) +
              ",\"attention_calls_per_image\":" + json_number(double(row.calls) / row.images) +
              ",\"attention_pairs_per_image\":" + json_number(row.pairs / row.images) +
              ",\"kv_cache_bytes_per_image\":" + json_number(row.kv_bytes / row.images) +
              ",\"scales_run\":" + std::to_string(row.scales_run) + ",\"" +
              (flowar ? "latent_relative_error_per_scale" : "token_agreement_per_scale") +
              "\":" + json_array(row.closeness) + ",\"psnr_db\":" + json_number(row.psnr) +
              ",\"class_accuracy\":" + (row.accuracy ? json_number(double(row.correct) / row.images) : "null") +
              ",\"frechet_distance\":" + json_number(row.frechet) +
              ",\"extrapolations\":[";
      const std::vector<std::string> notes = accel::extrapolations(accel::parse_accel(row.accel), flowar);
      for (size_t n = 0; n < notes.size(); ++n) json += (n ? "," : "") + json_string(notes[n]);
      json += "]}";
    }
    json += "],\"peak_rss_mib\":" + json_number(peak_rss_mib()) + "}\n";
    io::write_file_atomically(json_path, json);
    std::printf("wrote %s\n", json_path.c_str());
  }
  if (!csv_path.empty()) {
    std::ostringstream out;
    out << "accel,attention,ms_per_image,sample_ms_per_image,decode_ms_per_image,speedup,attention_calls_per_image,"
           "attention_pairs_per_image,kv_cache_bytes_per_image,scales_run,psnr_db,class_accuracy,frechet_distance\n";
    for (const Row& row : rows)
      out << '"' << row.accel << "\",\"" << row.attention << "\"," << json_number(row.ms()) << ','
          << json_number(row.sample_ms / row.images) << ',' << json_number(row.decode_ms / row.images) << ','
          << json_number(exact_row.ms() / row.ms()) << ',' << json_number(double(row.calls) / row.images) << ','
          << json_number(row.pairs / row.images) << ',' << json_number(row.kv_bytes / row.images) << ','
          << row.scales_run << ',' << json_number(row.psnr) << ','
          << (row.accuracy ? json_number(double(row.correct) / row.images) : "") << ','
          << (std::isnan(row.frechet) ? "" : json_number(row.frechet)) << '\n';
    io::write_file_atomically(csv_path, out.str());
    std::printf("wrote %s\n", csv_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
