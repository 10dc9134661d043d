// Teacher-forced parity of the VAR transformer against the reference implementation's
// outputs on the two fixtures (shared/fixtures/README.md): d2_l2 (.pth, l2-normalised
// attention) and d3_saln_nol2 (safetensors, shared AdaLN, plain attention). var_input
// comes from the fixture, so no VAE is involved. Also: the KV-cache path equals the
// masked teacher-forced path, and loading is strict.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/safetensors.h"
#include "core/observe/observer.h"
#include "core/var/var_transformer.h"

namespace {

using vs::Tensor;

const std::string kFixtures = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/";

double max_abs_diff(const float* a, const float* b, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, double(std::fabs(a[i] - b[i])));
  return m;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.numel(), b.numel()) << a.shape_str() << " vs " << b.shape_str();
  return max_abs_diff(a.ptr(), b.ptr(), std::min(a.numel(), b.numel()));
}

struct Fixture {
  std::string name, weights;
  bool l2;
  std::vector<int> patch_nums;  // empty: from the file's __metadata__
};

class TransformerParity : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    const Fixture& f = GetParam();
    model_ = std::make_unique<vs::var::VarTransformer>(vs::var::VarTransformer::from_checkpoint(
        vs::io::load_checkpoint(kFixtures + f.name + "/" + f.weights), f.patch_nums));
    expected_ = std::make_unique<vs::io::SafetensorsFile>(
        vs::io::SafetensorsFile::open(kFixtures + f.name + "/expected.safetensors"));
  }
  Tensor ref(const std::string& key) const { return expected_->read_float(key); }
  std::vector<int64_t> labels() const { return expected_->read_int64("teacher/labels"); }

  std::unique_ptr<vs::var::VarTransformer> model_;
  std::unique_ptr<vs::io::SafetensorsFile> expected_;
};

TEST_P(TransformerParity, ConfigInferredFromShapes) {
  const auto& cfg = model_->config();
  const bool d2 = GetParam().name == "d2_l2";
  EXPECT_EQ(cfg.depth, d2 ? 2 : 3);
  EXPECT_EQ(cfg.width, d2 ? 128 : 192);
  EXPECT_EQ(cfg.heads, d2 ? 2 : 3);
  EXPECT_EQ(cfg.vocab, 512);
  EXPECT_EQ(cfg.cvae, 32);
  EXPECT_EQ(cfg.num_classes, 1000);
  EXPECT_EQ(cfg.attn_l2_norm, GetParam().l2);
  EXPECT_EQ(cfg.shared_aln, !d2);
  EXPECT_EQ(cfg.tokens(), d2 ? 155 : 121);
}

TEST_P(TransformerParity, TeacherForcedMatchesReference) {
  const auto& cfg = model_->config();
  const int64_t B = static_cast<int64_t>(labels().size()), L = cfg.tokens(), H = cfg.heads,
                hd = cfg.head_dim();
  vs::observe::AttentionCaptureObserver capture;
  auto teacher_site = [](int layer, int64_t row) {
    vs::observe::Site site;
    site.scale = -1, site.block = layer, site.row = row;
    return site;
  };
  for (int64_t r = 0; r < B; ++r) {
    capture.watch(teacher_site(0, r));
    capture.watch(teacher_site(cfg.depth - 1, r));
  }
  vs::var::ForwardContext context;
  context.observer = &capture;
  vs::var::TeacherTrace trace;
  const Tensor var_input = ref("teacher/var_input");
  const Tensor logits = model_->forward_teacher(labels(), var_input, context, &trace);

  const double e_xin = max_abs_diff(trace.x_in, ref("teacher/x_in"));
  EXPECT_LT(e_xin, 1e-5);
  for (int i = 0; i < cfg.depth; ++i) {
    const Tensor expected = ref("teacher/block_out_" + std::to_string(i));
    const double e = max_abs_diff(trace.block_out[i], expected);
    EXPECT_LT(e, 2e-4) << "block " << i;
    std::printf("[ %s ] block_out_%d max abs err %.3g\n", GetParam().name.c_str(), i, e);
  }
  for (const auto& [layer, tag] : {std::pair<int, std::string>{0, "blk0"}, {cfg.depth - 1, "blklast"}}) {
    const Tensor q = ref("teacher/q_" + tag), k = ref("teacher/k_" + tag),
                 a = ref("teacher/attn_" + tag);
    double eq = 0, ek = 0, ea = 0;
    for (int64_t r = 0; r < B; ++r) {
      const auto& c = capture.capture(teacher_site(layer, r));
      ASSERT_EQ(c.q.shape, (vs::Shape{H, L, hd}));
      ASSERT_EQ(c.probs.shape, (vs::Shape{H, L, L}));
      eq = std::max(eq, max_abs_diff(c.q.ptr(), q.ptr() + r * H * L * hd, H * L * hd));
      ek = std::max(ek, max_abs_diff(c.k.ptr(), k.ptr() + r * H * L * hd, H * L * hd));
      ea = std::max(ea, max_abs_diff(c.probs.ptr(), a.ptr() + r * H * L * L, H * L * L));
    }
    EXPECT_LT(eq, 1e-4) << tag;
    EXPECT_LT(ek, 1e-4) << tag;
    EXPECT_LT(ea, 1e-5) << tag;
    std::printf("[ %s ] %s q %.3g k %.3g attn %.3g\n", GetParam().name.c_str(), tag.c_str(), eq,
                ek, ea);
  }
  const double e_logits = max_abs_diff(logits, ref("teacher/logits"));
  EXPECT_LT(e_logits, 1e-4);
  const std::vector<int64_t> null_labels(B, -1);
  const Tensor uncond = model_->forward_teacher(null_labels, var_input);
  const double e_uncond = max_abs_diff(uncond, ref("teacher/logits_uncond"));
  EXPECT_LT(e_uncond, 1e-4);
  std::printf("[ %s ] x_in %.3g logits %.3g logits_uncond %.3g\n", GetParam().name.c_str(), e_xin,
              e_logits, e_uncond);
}

// The KV-cache steps over teacher next-scale inputs give the teacher-forced logits
// (var.md §3.2: the cache without a mask equals the block-causal pass).
TEST_P(TransformerParity, KvCacheStepsEqualTeacherForcedPass) {
  const auto& cfg = model_->config();
  const std::vector<int64_t> labels_B = labels();
  const int64_t B = static_cast<int64_t>(labels_B.size()), L = cfg.tokens(), V = cfg.vocab;
  const Tensor var_input = ref("teacher/var_input");
  const Tensor teacher = model_->forward_teacher(labels_B, var_input);

  const vs::var::Conditioning cd = model_->condition(labels_B);
  vs::nn::KvCache cache = model_->make_cache(B);
  double err = 0;
  for (int s = 0; s < cfg.num_scales(); ++s) {
    Tensor x;
    if (s == 0) {
      x = model_->first_scale_input(cd);
    } else {
      const int64_t n = cfg.scale_tokens(s), begin = cfg.scale_begin(s) - 1;
      Tensor tokens({B, n, cfg.cvae});
      for (int64_t r = 0; r < B; ++r)
        std::copy_n(var_input.ptr() + (r * (L - 1) + begin) * cfg.cvae, n * cfg.cvae,
                    tokens.ptr() + r * n * cfg.cvae);
      x = model_->scale_input(tokens, s, 1);
    }
    const Tensor logits = model_->logits(model_->forward_step(x, cd, cache, s), cd);
    const int64_t n = cfg.scale_tokens(s), begin = cfg.scale_begin(s);
    for (int64_t r = 0; r < B; ++r)
      err = std::max(err, max_abs_diff(logits.ptr() + r * n * V,
                                       teacher.ptr() + (r * L + begin) * V, n * V));
  }
  EXPECT_LT(err, 1e-4);
  std::printf("[ %s ] KV cache vs teacher-forced logits max abs err %.3g\n",
              GetParam().name.c_str(), err);
}

TEST_P(TransformerParity, NormStatisticsAreConsistent) {
  const auto& cfg = model_->config();
  vs::observe::NormStatsObserver norms;
  vs::var::ForwardContext context;
  context.observer = &norms;
  model_->forward_teacher(labels(), ref("teacher/var_input"), context);
  ASSERT_EQ(norms.stats().size(), size_t(labels().size() * cfg.depth * cfg.heads));
  for (const auto& s : norms.stats()) {
    EXPECT_GT(s.norms.beta, 0);
    if (cfg.attn_l2_norm) {
      EXPECT_LE(s.norms.max_abs_k, 1.0 + 1e-6);  // var.md §3.4: |k_i| <= 1, |q_i| <= s_h <= 100
      EXPECT_LE(s.norms.max_abs_q, 100.0 + 1e-3);
      EXPECT_LE(s.norms.beta, 100.0 + 1e-3);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TransformerParity,
                         ::testing::Values(Fixture{"d2_l2", "var.pth", true, {1, 2, 3, 4, 5, 6, 8}},
                                           Fixture{"d3_saln_nol2", "var.safetensors", false, {}}),
                         [](const auto& info) { return info.param.name; });

TEST(TransformerLoading, StrictAboutKeysAndShapes) {
  const std::string path = kFixtures + "d2_l2/var.pth";
  {
    vs::io::Checkpoint ckpt = vs::io::load_checkpoint(path);
    ckpt.tensors.erase("blocks.1.ffn.fc2.bias");
    ckpt.tensors["blocks.0.attn.extra"] = Tensor({3});
    ckpt.tensors["head.bias"] = Tensor({7});
    try {
      vs::var::VarTransformer::from_checkpoint(std::move(ckpt), {1, 2, 3, 4, 5, 6, 8});
      FAIL() << "loading a damaged checkpoint succeeded";
    } catch (const vs::Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("missing 'blocks.1.ffn.fc2.bias'"), std::string::npos) << message;
      EXPECT_NE(message.find("unexpected 'blocks.0.attn.extra' [3]"), std::string::npos) << message;
      EXPECT_NE(message.find("'head.bias' has shape [7], expected"), std::string::npos) << message;
    }
  }
  {
    vs::io::Checkpoint ckpt = vs::io::load_checkpoint(path);
    ckpt.tensors["blocks.0.attn.zero_k_bias"].data[3] = 1.0f;
    EXPECT_THROW(vs::var::VarTransformer::from_checkpoint(std::move(ckpt), {1, 2, 3, 4, 5, 6, 8}),
                 vs::Error);
  }
  {  // L = 155 is no official schedule and a .pth has no metadata: ask for --patch-nums.
    vs::io::Checkpoint ckpt = vs::io::load_checkpoint(path);
    try {
      vs::var::infer_var_config(ckpt);
      FAIL() << "patch_nums were guessed";
    } catch (const vs::Error& e) {
      EXPECT_NE(std::string(e.what()).find("--patch-nums"), std::string::npos) << e.what();
    }
    EXPECT_THROW(vs::var::infer_var_config(ckpt, {1, 2, 3, 4, 5, 6, 7}), vs::Error);
  }
}

}  // namespace
