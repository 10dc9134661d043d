// Unit tests of the multi-scale quantizer on small synthetic codebooks (fixture parity is
// in test_vqvae_parity.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/var/quantizer.h"

namespace {

vs::Tensor random_tensor(vs::Shape shape, uint32_t seed, float scale = 1.0f) {
  vs::Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, scale);
  for (float& v : t.data) v = n(rng);
  return t;
}

// A checkpoint with a codebook (V, C) and four phi convs, as the official layout.
vs::io::Checkpoint synthetic_checkpoint(int V, int C, int num_phi) {
  vs::io::Checkpoint ckpt;
  ckpt.path = "synthetic.safetensors";
  ckpt.tensors["quantize.embedding.weight"] = random_tensor({V, C}, 1);
  for (int j = 0; j < num_phi; ++j) {
    const std::string p = "quantize.quant_resi.qresi_ls." + std::to_string(j);
    ckpt.tensors[p + ".weight"] = random_tensor({C, C, 3, 3}, 10 + j, 0.1f);
    ckpt.tensors[p + ".bias"] = random_tensor({C}, 20 + j, 0.1f);
  }
  return ckpt;
}

TEST(PhiTable, OfficialTenScalesIsHardCoded) {
  EXPECT_EQ(vs::var::phi_table(10, 4), (std::vector<int>{0, 0, 1, 1, 1, 2, 2, 3, 3, 3}));
}

TEST(PhiTable, FixtureSchedulesFollowNumpyRounding) {
  // From the fixtures' config.json (phi_index_per_scale); K = 7 has an exact tie at
  // si = 3 (0.5 is equidistant from ticks 1 and 2) that numpy's rounding gives to 2.
  EXPECT_EQ(vs::var::phi_table(7, 4), (std::vector<int>{0, 0, 1, 2, 2, 3, 3}));
  EXPECT_EQ(vs::var::phi_table(5, 4), (std::vector<int>{0, 1, 2, 2, 3}));
}

TEST(PhiTable, GeneralRule) {
  EXPECT_EQ(vs::var::phi_table(10, 1), std::vector<int>(10, 0));  // fully shared
  // Non-shared, one conv per scale: ticks 0.05 + 0.1 j, so scale si picks conv si.
  EXPECT_EQ(vs::var::phi_table(10, 10), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  // Three convs: ticks 1/6, 1/2, 5/6 for positions 0, .25, .5, .75, 1.
  EXPECT_EQ(vs::var::phi_table(5, 3), (std::vector<int>{0, 0, 1, 2, 2}));
  const auto t14 = vs::var::phi_table(14, 4);  // the 1024 px schedule
  EXPECT_EQ(t14.front(), 0);
  EXPECT_EQ(t14.back(), 3);
  EXPECT_TRUE(std::is_sorted(t14.begin(), t14.end()));
  EXPECT_THROW(vs::var::phi_table(0, 4), vs::Error);
}

TEST(Quantizer, LoadsCodebookAndPhi) {
  const auto q = vs::var::Quantizer::load(synthetic_checkpoint(16, 4, 4), {1, 2, 3, 4});
  EXPECT_EQ(q.vocab, 16);
  EXPECT_EQ(q.cvae, 4);
  EXPECT_EQ(q.phi.size(), 4u);
  EXPECT_EQ(q.phi_index, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_THROW(vs::var::Quantizer::load(synthetic_checkpoint(16, 4, 4), {1, 3, 2}), vs::Error);
  EXPECT_THROW(vs::var::Quantizer::load(synthetic_checkpoint(16, 4, 4), {}), vs::Error);
}

TEST(Quantizer, NearestCodeIsTheFirstMinimum) {
  auto q = vs::var::Quantizer::load(synthetic_checkpoint(4, 2, 4), {1, 2});
  q.embedding.data = {1, 0, 0, 1, 1, 0, -1, 0};  // rows 0 and 2 are the same code
  vs::Tensor z({3, 2});
  z.data = {0.9f, 0.1f, 0.1f, 0.8f, -2.0f, 0.0f};
  EXPECT_EQ(q.nearest_codes(z), (std::vector<int64_t>{0, 1, 3}));
}

TEST(Quantizer, NearestCodeMatchesBruteForce) {
  const auto q = vs::var::Quantizer::load(synthetic_checkpoint(64, 8, 4), {1, 2});
  const auto z = random_tensor({50, 8}, 5);
  const auto ids = q.nearest_codes(z);
  for (int i = 0; i < 50; ++i) {
    double best = 1e300;
    int arg = -1;
    for (int v = 0; v < 64; ++v) {
      double d = 0;
      for (int c = 0; c < 8; ++c) d += std::pow(double(z.data[i * 8 + c]) - q.embedding.data[v * 8 + c], 2);
      if (d < best) best = d, arg = v;
    }
    EXPECT_EQ(ids[i], arg) << "row " << i;
  }
}

TEST(Quantizer, EmbedLayoutAndRangeChecks) {
  const auto q = vs::var::Quantizer::load(synthetic_checkpoint(16, 4, 4), {1, 2});
  const auto h = q.embed({3, 0, 15, 7}, 1, 2);  // (1, 4, 2, 2)
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(h.data[c * 4 + 0], q.embedding.data[3 * 4 + c]);
    EXPECT_EQ(h.data[c * 4 + 2], q.embedding.data[15 * 4 + c]);
  }
  EXPECT_THROW(q.embed({16, 0, 0, 0}, 1, 2), vs::Error);
  EXPECT_THROW(q.embed({-1, 0, 0, 0}, 1, 2), vs::Error);
  EXPECT_THROW(q.embed({0, 0, 0}, 1, 2), vs::Error);
}

TEST(Quantizer, EncodingAndDecodingTheIdsAgree) {
  const auto q = vs::var::Quantizer::load(synthetic_checkpoint(32, 4, 4), {1, 2, 3, 5, 8});
  const auto f = random_tensor({2, 4, 8, 8}, 9);
  std::vector<vs::Tensor> enc_fhats;
  const auto ids = q.encode_ids(f, &enc_fhats);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[3].size(), 2u * 25u);
  const auto dec_fhats = q.ids_to_fhats(ids, 2);
  for (int k = 0; k < 5; ++k)
    for (size_t i = 0; i < enc_fhats[k].data.size(); ++i) ASSERT_EQ(enc_fhats[k].data[i], dec_fhats[k].data[i]);
  // The residual shrinks: the quantised f_hat is closer to f than zero is.
  double err0 = 0, err = 0;
  for (size_t i = 0; i < f.data.size(); ++i) {
    err0 += f.data[i] * f.data[i];
    err += std::pow(f.data[i] - enc_fhats.back().data[i], 2);
  }
  EXPECT_LT(err, err0);
}

TEST(Quantizer, VarInputIsTheAreaOfFhatPerNextScale) {
  const auto q = vs::var::Quantizer::load(synthetic_checkpoint(32, 4, 4), {1, 2, 4});
  const std::vector<std::vector<int64_t>> ids = {{5}, {1, 2, 3, 4}, std::vector<int64_t>(16, 7)};
  const auto x = q.ids_to_var_input(ids, 1);
  ASSERT_EQ(x.shape, (vs::Shape{1, 4 + 16, 4}));
  vs::Tensor f_hat = q.zero_fhat(1);
  q.add_scale(f_hat, 0, q.embed(ids[0], 1, 1));
  const auto t1 = q.next_input_tokens(f_hat, 1);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(x.data[i], t1.data[i]);
  q.add_scale(f_hat, 1, q.embed(ids[1], 1, 2));
  const auto t2 = q.next_input_tokens(f_hat, 2);  // the latent side: f_hat itself, as tokens
  for (int p = 0; p < 16; ++p)
    for (int c = 0; c < 4; ++c) EXPECT_EQ(x.data[(4 + p) * 4 + c], f_hat.data[c * 16 + p]);
  EXPECT_EQ(t2.shape, (vs::Shape{1, 16, 4}));
}

TEST(Quantizer, NoPhiConvsMeansIdentityPhi) {
  const auto q = vs::var::Quantizer::load(synthetic_checkpoint(8, 4, 0), {1, 2});
  EXPECT_EQ(q.phi_index, (std::vector<int>{-1, -1}));
  const auto h = random_tensor({1, 4, 2, 2}, 3);
  EXPECT_EQ(q.apply_phi(h, 1).data, h.data);
}

}  // namespace
