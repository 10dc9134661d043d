// `window` (LiteVAR's MDWA, acceleration.md §4): its geometry (ranges and distances agree),
// its two logit modes against a dense double reference with the same mask, the exact run
// when the window covers everything, the pairs it skips, the widths file and its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/pyramid.h"
#include "core/attention/random_inputs.h"
#include "core/attention/spec_params.h"
#include "core/attention/window_geometry.h"
#include "core/attention/window_widths.h"
#include "core/error.h"
#include "tests/support/error_message.h"
#include "tests/support/test_folder.h"

namespace vs::attention {
namespace {

using test::message_of;

const std::vector<int> kPyramid{1, 2, 3, 4, 5, 6, 8};  // L = 155, 7 scales

struct Inputs {
  Tensor q, k, v;
};

Inputs random_inputs(int64_t heads, int64_t lq, int64_t lk, int64_t d, uint64_t seed, double bound = 1.5) {
  std::mt19937_64 rng(seed);
  return {uniform_tensor({heads, lq, d}, bound, rng), uniform_tensor({heads, lk, d}, bound, rng),
          uniform_tensor({heads, lk, d}, 1.0, rng)};
}

// Which keys a query row may use under `spec`'s rule, from the geometry alone: a window of
// w around the row in each block, by window_distance (not by window_ranges, the code under
// test), dense blocks and exact scales as LiteVAR's rule says.
std::vector<std::vector<bool>> expected_window(const WindowWidths& widths, const std::vector<int>& sides,
                                               int64_t lq) {
  const int64_t lk = pyramid_tokens(sides);
  std::vector<std::vector<bool>> inside(size_t(lq), std::vector<bool>(size_t(lk), false));
  for (int64_t row = 0; row < lq; ++row) {
    const int64_t position = lk - lq + row;
    int s = 0;
    int64_t begin_s = 0;
    while (position >= begin_s + int64_t(sides[s]) * sides[s]) begin_s += int64_t(sides[s]) * sides[s], ++s;
    const TokenBlock query{begin_s, int64_t(sides[s]) * sides[s], sides[s]};
    int64_t begin = 0;
    for (int b = 0; b <= s; begin += int64_t(sides[b]) * sides[b], ++b) {
      const TokenBlock key{begin, int64_t(sides[b]) * sides[b], sides[b]};
      int64_t w = b == s ? widths.current : widths.previous;
      if (s < widths.exact_scales || b < s - widths.previous_blocks) w = kDenseWindow;
      for (int64_t j = 0; j < key.count; ++j)
        inside[size_t(row)][size_t(begin + j)] =
            w == kDenseWindow || window_distance(widths.shape, query, position - begin_s, key, j) <= w;
    }
  }
  return inside;
}

// Dense double attention where `inside` keys keep their logit and visible keys outside get
// `outside_logit` (−∞: excluded; 0: LiteVAR's multiplied mask). Rows: the last lq of lk.
std::vector<double> masked_reference(const Inputs& in, const std::vector<std::vector<bool>>& inside,
                                     double outside_logit, std::vector<double>* probs) {
  const int64_t H = in.q.dim(0), lq = in.q.dim(1), lk = in.k.dim(1), d = in.q.dim(2), dv = in.v.dim(2);
  const double scale = 1.0 / std::sqrt(double(d));
  std::vector<double> out(size_t(H * lq * dv), 0.0);
  if (probs) probs->assign(size_t(H * lq * lk), 0.0);
  std::vector<double> logit(static_cast<size_t>(lk));
  for (int64_t h = 0; h < H; ++h)
    for (int64_t i = 0; i < lq; ++i) {
      double top = -INFINITY;
      for (int64_t j = 0; j < lk; ++j) {
        double dot = 0;
        for (int64_t c = 0; c < d; ++c) dot += double(in.q.data[(h * lq + i) * d + c]) * in.k.data[(h * lk + j) * d + c];
        logit[j] = inside[i][j] ? dot * scale : outside_logit;
        top = std::max(top, logit[j]);
      }
      double sum = 0;
      for (int64_t j = 0; j < lk; ++j) sum += std::isinf(logit[j]) ? 0.0 : std::exp(logit[j] - top);
      for (int64_t j = 0; j < lk; ++j) {
        const double p = std::isinf(logit[j]) ? 0.0 : std::exp(logit[j] - top) / sum;
        if (probs) (*probs)[size_t((h * lq + i) * lk + j)] = p;
        for (int64_t c = 0; c < dv; ++c) out[size_t((h * lq + i) * dv + c)] += p * in.v.data[(h * lk + j) * dv + c];
      }
    }
  return out;
}

Options capture_all(int64_t lq) {
  Options options;
  options.capture_probs = true;
  options.prob_row_begin = 0;
  options.prob_row_end = lq;
  return options;
}

double max_diff(const std::vector<float>& a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(double(a[i]) - b[i]));
  return m;
}

TEST(WindowGeometry, RangesHoldExactlyTheKeysWithinTheDistance) {
  for (WindowShape shape : {WindowShape::kBand, WindowShape::kSquare})
    for (int qs : {3, 5, 8})
      for (int ks : {1, 2, 3, 5, 8, 11})
        for (int64_t w : {0, 1, 2, 4}) {
          const TokenBlock query{0, int64_t(qs) * qs, qs}, key{100, int64_t(ks) * ks, ks};
          for (int64_t i = 0; i < query.count; ++i) {
            std::vector<KeyRange> ranges;
            window_ranges(shape, query, i, key, w, std::numeric_limits<int64_t>::max(), ranges);
            std::vector<bool> in(size_t(key.count), false);
            for (const KeyRange& r : ranges)
              for (int64_t j = r.begin; j < r.end; ++j) in[size_t(j - key.begin)] = true;
            for (int64_t j = 0; j < key.count; ++j)
              ASSERT_EQ(in[size_t(j)], window_distance(shape, query, i, key, j) <= w)
                  << window_shape_name(shape) << " query side " << qs << " key side " << ks << " w " << w << " i "
                  << i << " j " << j;
          }
        }
}

TEST(WindowGeometry, BandIsLiteVarsRuleOnRasterIndices) {
  // |i·n_b/n_q − j| ≤ w: query 7 of a 4x4 map over a 2x2 block sits at 7·4/16 = 1.75.
  const TokenBlock query{0, 16, 4}, key{0, 4, 2};
  EXPECT_EQ(window_distance(WindowShape::kBand, query, 7, key, 2), 1);  // |1.75 − 2| → 1
  EXPECT_EQ(window_distance(WindowShape::kBand, query, 7, key, 0), 2);  // 1.75 → 2
  EXPECT_EQ(window_distance(WindowShape::kBand, query, 8, key, 2), 0);  // 8·4/16 = 2 exactly
  // The query's own block: the diagonal is distance 0, its raster neighbours 1.
  EXPECT_EQ(window_distance(WindowShape::kBand, query, 5, query, 5), 0);
  EXPECT_EQ(window_distance(WindowShape::kBand, query, 5, query, 9), 4);
  EXPECT_EQ(window_distance(WindowShape::kSquare, query, 5, query, 9), 1);  // one row down
}

TEST(WindowAttention, FullWindowIsTheExactRunBitForBit) {
  const int64_t lk = pyramid_tokens(kPyramid), newest = 64;
  const auto exact = make_variant("exact");
  for (const char* spec : {"window:w=1000", "window:w=1000:shape=square", "window:w=0:exact=100",
                           "window:w=1000:logits=zero"}) {
    const auto window = make_variant(spec);
    // The teacher-forced pass (block-causal) and a KV-cache step (plain, the sides given).
    const Inputs full = random_inputs(3, lk, lk, 8, 1);
    const Structure block = Structure::block_causal(kPyramid);
    const Result a = exact->run(full.q, full.k, full.v, block, capture_all(lk));
    const Result b = window->run(full.q, full.k, full.v, block, capture_all(lk));
    EXPECT_EQ(a.out.data, b.out.data) << spec;
    EXPECT_EQ(a.probs.data, b.probs.data) << spec;
    const Inputs step = random_inputs(3, newest, lk, 8, 2);
    Options options;
    options.site.key_sides = kPyramid;
    options.site.layer = 0;
    options.site.scale = int(kPyramid.size()) - 1;
    const Result c = exact->run(step.q, step.k, step.v, Structure::plain(), options);
    const Result d = window->run(step.q, step.k, step.v, Structure::plain(), options);
    EXPECT_EQ(c.out.data, d.out.data) << spec;
    EXPECT_EQ(d.stats.at("pairs_computed"), d.stats.at("pairs_visible")) << spec;
  }
}

TEST(WindowAttention, ExcludedKeysWeighNothingAndTheRestIsSoftmaxOverTheWindow) {
  const int64_t lk = pyramid_tokens(kPyramid);
  const Structure block = Structure::block_causal(kPyramid);
  for (const char* spec : {"window:w=2", "window:w=3:w_prev=1:exact=2:prev=2", "window:w=1:shape=square",
                           "window:w=0:w_prev=1:exact=0"}) {
    const auto window = make_variant(spec);
    SpecParams params(spec);
    WindowWidths widths;
    widths.current = params.get_int("w", 0, 0, 100);
    widths.previous = params.get_int("w_prev", int(widths.current), 0, 100);
    widths.exact_scales = params.get_int("exact", 3, 0, 100);
    widths.previous_blocks = params.get_int("prev", 6, 0, 100);
    widths.shape = params.get_choice("shape", "band", {"band", "square"}) == "band" ? WindowShape::kBand
                                                                                     : WindowShape::kSquare;
    const auto inside = expected_window(widths, kPyramid, lk);
    const Inputs in = random_inputs(2, lk, lk, 8, 3);
    const Result result = window->run(in.q, in.k, in.v, block, capture_all(lk));
    std::vector<double> probs;
    const std::vector<double> reference = masked_reference(in, inside, -INFINITY, &probs);
    EXPECT_LT(max_diff(result.out.data, reference), 2e-5) << spec;
    EXPECT_LT(max_diff(result.probs.data, probs), 2e-6) << spec;
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = 0; i < lk; ++i)
        for (int64_t j = 0; j < lk; ++j)
          if (!inside[size_t(i)][size_t(j)]) {
            ASSERT_EQ(result.probs.data[size_t((h * lk + i) * lk + j)], 0.0f) << spec << " row " << i << " key " << j;
          }
    // Only windowed pairs (and the tiles' overlap) are computed: fewer than the mask allows.
    EXPECT_LT(result.stats.at("pairs_allowed"), result.stats.at("pairs_visible")) << spec;
    EXPECT_LT(result.stats.at("pairs_computed"), result.stats.at("pairs_visible")) << spec;
    EXPECT_GE(result.stats.at("pairs_computed"), result.stats.at("pairs_allowed")) << spec;
  }
}

TEST(WindowAttention, KvStepEqualsTheLastScaleOfTheFullPass) {
  const int64_t lk = pyramid_tokens(kPyramid), newest = 64;
  const auto window = make_variant("window:w=2:w_prev=1");
  const Inputs in = random_inputs(2, lk, lk, 8, 4);
  const Result full = window->run(in.q, in.k, in.v, Structure::block_causal(kPyramid), {});
  Tensor q_last({2, newest, 8});
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t x = 0; x < newest * 8; ++x) q_last.data[h * newest * 8 + x] = in.q.data[(h * lk + lk - newest) * 8 + x];
  Options options;
  options.site.key_sides = kPyramid;
  const Result step = window->run(q_last, in.k, in.v, Structure::plain(), options);
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t x = 0; x < newest * 8; ++x)
      ASSERT_NEAR(step.out.data[h * newest * 8 + x], full.out.data[(h * lk + lk - newest) * 8 + x], 1e-6);
}

TEST(WindowAttention, ZeroLogitModeMatchesTheNaiveMultipliedMask) {
  const int64_t lk = pyramid_tokens(kPyramid);
  WindowWidths widths;
  widths.current = 2;
  widths.previous = 1;
  const auto inside = expected_window(widths, kPyramid, lk);
  const auto window = make_variant("window:w=2:w_prev=1:logits=zero");
  const Inputs in = random_inputs(2, lk, lk, 8, 5);
  const Result result = window->run(in.q, in.k, in.v, Structure::block_causal(kPyramid), capture_all(lk));
  // LiteVAR multiplies the logits by the 0/1 window: a visible key outside it has logit 0;
  // the block-causal mask still hides later scales.
  std::vector<double> probs;
  const std::vector<double> reference = [&] {
    // Keys beyond a row's scale: −∞ (block-causal); the rest of the row: 0 or its logit.
    const int64_t H = 2, d = 8;
    std::vector<double> out(size_t(H * lk * d), 0.0);
    probs.assign(size_t(H * lk * lk), 0.0);
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < lk; ++i) {
        const int64_t seen = Structure::block_causal(kPyramid).visible_keys(i, lk, lk);
        std::vector<double> logit(static_cast<size_t>(seen));
        double top = -INFINITY, sum = 0;
        for (int64_t j = 0; j < seen; ++j) {
          double dot = 0;
          for (int64_t c = 0; c < d; ++c) dot += double(in.q.data[(h * lk + i) * d + c]) * in.k.data[(h * lk + j) * d + c];
          logit[j] = inside[i][j] ? dot / std::sqrt(double(d)) : 0.0;
          top = std::max(top, logit[j]);
        }
        for (int64_t j = 0; j < seen; ++j) sum += std::exp(logit[j] - top);
        for (int64_t j = 0; j < seen; ++j) {
          const double p = std::exp(logit[j] - top) / sum;
          probs[size_t((h * lk + i) * lk + j)] = p;
          for (int64_t c = 0; c < d; ++c) out[size_t((h * lk + i) * d + c)] += p * in.v.data[(h * lk + j) * d + c];
        }
      }
    return out;
  }();
  EXPECT_LT(max_diff(result.out.data, reference), 2e-5);
  EXPECT_LT(max_diff(result.probs.data, probs), 2e-6);
  // It computes every visible pair: the published code saves nothing.
  EXPECT_EQ(result.stats.at("pairs_computed"), result.stats.at("pairs_visible"));
  // And it is not the excluding variant.
  const Result excluded = make_variant("window:w=2:w_prev=1")->run(in.q, in.k, in.v, Structure::block_causal(kPyramid), {});
  EXPECT_GT(max_diff(excluded.out.data, reference), 1e-3);
}

TEST(WindowAttention, OneBlockCallsWindowTheirOwnTokens) {
  // FlowAR's flownet: plain self-attention over one scale's 8x8 map, at scale 3.
  const Inputs in = random_inputs(2, 64, 64, 8, 6);
  Options options = capture_all(64);
  options.site.scale = 3;
  const Result result = make_variant("window:w=1:shape=square")->run(in.q, in.k, in.v, Structure::plain(), options);
  WindowWidths widths;
  widths.current = 1;
  widths.shape = WindowShape::kSquare;
  std::vector<std::vector<bool>> inside(64, std::vector<bool>(64));
  const TokenBlock map{0, 64, 8};
  for (int64_t i = 0; i < 64; ++i)
    for (int64_t j = 0; j < 64; ++j) inside[size_t(i)][size_t(j)] = window_distance(WindowShape::kSquare, map, i, map, j) <= 1;
  EXPECT_LT(max_diff(result.out.data, masked_reference(in, inside, -INFINITY, nullptr)), 2e-5);
  // Scales below exact= stay exact.
  options.site.scale = 2;
  const Result early = make_variant("window:w=1")->run(in.q, in.k, in.v, Structure::plain(), options);
  EXPECT_EQ(early.out.data, make_variant("exact")->run(in.q, in.k, in.v, Structure::plain(), options).out.data);
}

TEST(WindowAttention, SpecErrorsSayWhatIsWrong) {
  EXPECT_NE(message_of([] { make_variant("window"); }).find("give the window width w=W or a calibrated table"),
            std::string::npos);
  EXPECT_NE(message_of([] { make_variant("window:w=-1"); }).find("w=-1 is not an integer"), std::string::npos);
  EXPECT_NE(message_of([] { make_variant("window:w=2:shape=circle"); }).find("shape=circle is not one of band|square"),
            std::string::npos);
  EXPECT_NE(message_of([] { make_variant("window:w=2:logits=one"); }).find("logits=one is not one of exclude|zero"),
            std::string::npos);
  EXPECT_NE(message_of([] { make_variant("window:w=2:width=3"); }).find("unknown parameter 'width' for window"),
            std::string::npos);
  EXPECT_NE(message_of([] { make_variant("window:widths=a.json:w=2"); }).find("w= cannot join widths=FILE"),
            std::string::npos);
  EXPECT_NE(message_of([] { make_variant("window:widths=/nonexistent/w.json"); }).find("/nonexistent/w.json"),
            std::string::npos);
  // A window that leaves a query no key: w=0 on keys of another count (one-block layout).
  const Inputs cross = random_inputs(1, 16, 4, 4, 7);
  EXPECT_NE(message_of([&] { make_variant("window:w=0")->run(cross.q, cross.k, cross.v, Structure::plain(), {}); })
                .find("no key in its windows"),
            std::string::npos);
  // A cache whose keys are not the pyramid's tokens (fastvar dropped some).
  const Inputs in = random_inputs(1, 16, 20, 4, 7);
  Options options;
  options.site.key_sides = {2, 3};
  EXPECT_NE(message_of([&] { make_variant("window:w=1")->run(in.q, in.k, in.v, Structure::plain(), options); })
                .find("cannot run with windowed attention"),
            std::string::npos);
  const Inputs six = random_inputs(1, 6, 6, 4, 8);
  EXPECT_NE(message_of([&] { make_variant("window:w=1:shape=square")->run(six.q, six.k, six.v, Structure::plain(), {}); })
                .find("shape=square needs square token maps"),
            std::string::npos);
}

TEST(WindowWidthsFile, RoundTripsAndServesTheCallsItWasCalibratedFor) {
  const std::string dir = test::fresh_test_folder("window");
  WindowWidths widths = WindowWidths::dense_table(WindowShape::kBand, kPyramid, 2, 3);
  widths.at(1, 2, 6, 6) = 5;
  widths.at(1, 2, 6, 4) = 0;
  widths.at(0, 1, 5, 2) = kDroppedWindow;
  widths.model = "test";
  widths.target_mass = 0.9;
  const std::string path = dir + "/widths.json";
  std::ofstream(path) << window_widths_json(widths);
  const WindowWidths read = read_window_widths(path);
  EXPECT_EQ(read.table, widths.table);
  EXPECT_EQ(read.scales, kPyramid);
  EXPECT_EQ(read.layers, 2);
  EXPECT_EQ(read.heads, 3);

  // Layer 1, head 2 at the last scale: current block w = 5, block 4 w = 0, others dense.
  const int64_t lk = pyramid_tokens(kPyramid);
  const auto window = make_variant("window:widths=" + path);
  const Inputs in = random_inputs(3, 64, lk, 8, 9);
  Options options = capture_all(64);
  options.site.key_sides = kPyramid;
  options.site.layer = 1;
  const Result result = window->run(in.q, in.k, in.v, Structure::plain(), options);
  const TokenBlock query{91, 64, 8};
  const int64_t begin4 = pyramid_tokens({1, 2, 3, 4});
  const TokenBlock block4{begin4, 25, 5};
  for (int64_t i = 0; i < 64; ++i) {
    for (int64_t j = 0; j < 25; ++j) {
      const float p = result.probs.data[size_t((2 * 64 + i) * lk + begin4 + j)];
      if (window_distance(WindowShape::kBand, query, i, block4, j) > 0) {
        ASSERT_EQ(p, 0.0f);
      }
    }
    for (int64_t j = 0; j < 64; ++j) {
      const float p = result.probs.data[size_t((2 * 64 + i) * lk + 91 + j)];
      if (std::abs(i - j) > 5) {
        ASSERT_EQ(p, 0.0f);
      } else {
        ASSERT_GT(p, 0.0f);
      }
    }
  }
  // Heads 0 and 1 of layer 1 are dense there: the exact run's rows.
  const Result exact = make_variant("exact")->run(in.q, in.k, in.v, Structure::plain(), options);
  for (size_t x = 0; x < size_t(2 * 64 * 8); ++x) ASSERT_NEAR(result.out.data[x], exact.out.data[x], 1e-6);

  // Calls it cannot serve.
  Options no_layer;
  no_layer.site.key_sides = kPyramid;
  EXPECT_NE(message_of([&] { window->run(in.q, in.k, in.v, Structure::plain(), no_layer); }).find("not a model's"),
            std::string::npos);
  options.site.layer = 2;
  EXPECT_NE(message_of([&] { window->run(in.q, in.k, in.v, Structure::plain(), options); }).find("cover 2 layers"),
            std::string::npos);
  options.site.layer = 0;
  options.site.key_sides = {1, 2, 3, 4, 5, 6, 8};
  Options other = options;
  other.site.key_sides = {1, 2, 3, 4, 5, 7, 8};
  const Inputs other_in = random_inputs(3, 64, pyramid_tokens(other.site.key_sides), 8, 10);
  EXPECT_NE(message_of([&] { window->run(other_in.q, other_in.k, other_in.v, Structure::plain(), other); })
                .find("were calibrated on scales 1,2,3,4,5,6,8"),
            std::string::npos);
}

TEST(WindowWidthsFile, MalformedFilesAreOneLineErrorsNamingTheFile) {
  const std::string dir = test::fresh_test_folder("window");
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  };
  const std::string not_json = write("a.json", "{nope");
  EXPECT_NE(message_of([&] { read_window_widths(not_json); }).find(not_json + ": not a window widths file"),
            std::string::npos);
  const std::string wrong_format = write("b.json", "{\"format\":\"x\"}");
  EXPECT_NE(message_of([&] { read_window_widths(wrong_format); }).find("write one with varscope-cli calibrate"),
            std::string::npos);
  WindowWidths widths = WindowWidths::dense_table(WindowShape::kBand, {1, 2}, 1, 1);
  std::string text = window_widths_json(widths);
  const std::string both_scales = "[\"dense\"],[\"dense\",\"dense\"]";
  ASSERT_NE(text.find(both_scales), std::string::npos) << text;
  const std::string short_list = write("c.json", text.replace(text.find(both_scales), both_scales.size(), "[\"dense\"]"));
  EXPECT_NE(message_of([&] { read_window_widths(short_list); }).find("widths[0][0] is not a list of 2"),
            std::string::npos);
  text = window_widths_json(widths);
  const std::string dropped_current = write("d.json", text.replace(text.find("[\"dense\"]"), 9, "[\"drop\"]"));
  EXPECT_NE(message_of([&] { read_window_widths(dropped_current); }).find("widths[0][0][0][0]"), std::string::npos);
}

}  // namespace
}  // namespace vs::attention
