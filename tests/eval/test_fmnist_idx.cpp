// The IDX reader on crafted files, plain and gzip: a valid array reads back, and every
// kind of broken or hostile header is one vs::Error (never a crash or a huge allocation).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/eval/fmnist_idx.h"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

std::string temp_dir() {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/eval_idx";
  fs::create_directories(dir);
  return dir;
}

std::string write_plain(const std::string& name, const Bytes& bytes) {
  const std::string path = temp_dir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

std::string write_gzip(const std::string& name, const Bytes& bytes) {
  const std::string path = temp_dir() + "/" + name;
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return path;
}

Bytes header(unsigned char type, const std::vector<uint32_t>& dims) {
  Bytes b = {0, 0, type, static_cast<unsigned char>(dims.size())};
  for (uint32_t d : dims) {
    b.push_back(d >> 24);
    b.push_back(d >> 16);
    b.push_back(d >> 8);
    b.push_back(d);
  }
  return b;
}

Bytes with_data(Bytes b, size_t n) {
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<unsigned char>(i * 7));
  return b;
}

TEST(FmnistIdx, ReadsPlainAndGzip) {
  const Bytes file = with_data(header(8, {2, 3, 4}), 24);
  for (const std::string& path : {write_plain("ok.idx", file), write_gzip("ok.idx.gz", file)}) {
    const vs::eval::IdxArray a = vs::eval::read_idx(path);
    ASSERT_EQ(a.dims, (std::vector<int64_t>{2, 3, 4})) << path;
    ASSERT_EQ(a.data.size(), 24u);
    EXPECT_EQ(a.data[5], 35);
  }
}

TEST(FmnistIdx, RefusesBrokenAndHostileFiles) {
  const std::vector<std::pair<std::string, Bytes>> bad = {
      {"empty", {}},
      {"short_magic", {0, 0}},
      {"nonzero_magic", with_data(Bytes{1, 0, 8, 1, 0, 0, 0, 2}, 2)},
      {"float_type", with_data(header(0x0D, {2}), 8)},
      {"rank_zero", header(8, {})},
      {"rank_five", with_data(header(8, {1, 1, 1, 1, 1}), 1)},
      {"truncated_dims", Bytes{0, 0, 8, 3, 0, 0, 0, 2, 0, 0}},
      {"zero_dim", header(8, {0, 28})},
      {"huge_dims", header(8, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu})},
      {"over_limit", header(8, {65536, 65536})},
      {"truncated_data", with_data(header(8, {10, 10}), 99)},
      {"trailing_data", with_data(header(8, {10}), 11)},
  };
  for (const auto& [name, bytes] : bad) {
    EXPECT_THROW(vs::eval::read_idx(write_plain(name + ".idx", bytes)), vs::Error) << name;
    EXPECT_THROW(vs::eval::read_idx(write_gzip(name + ".idx.gz", bytes)), vs::Error) << name << " (gzip)";
  }
  EXPECT_THROW(vs::eval::read_idx(temp_dir() + "/does_not_exist.idx"), vs::Error);
}

TEST(FmnistIdx, MissingDatasetNamesDirectoryAndPackage) {
  try {
    vs::eval::load_fmnist(temp_dir() + "/no_dataset_here", true);
    FAIL() << "no error";
  } catch (const vs::Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("no_dataset_here"), std::string::npos) << message;
    EXPECT_NE(message.find("dataset-fashion-mnist"), std::string::npos) << message;
  }
}

TEST(FmnistIdx, SplitPadsToThirtyTwoAndPicksPerClass) {
  // A crafted 4-image split: labels 1, 0, 1, 0; image i filled with value 10·(i+1).
  const std::string dir = temp_dir() + "/tiny";
  fs::create_directories(dir);
  Bytes images = header(8, {4, 28, 28});
  for (int i = 0; i < 4; ++i) images.insert(images.end(), 28 * 28, static_cast<unsigned char>(10 * (i + 1)));
  Bytes labels = header(8, {4});
  labels.insert(labels.end(), {1, 0, 1, 0});
  FILE* f = std::fopen((dir + "/t10k-images-idx3-ubyte").c_str(), "wb");
  std::fwrite(images.data(), 1, images.size(), f);
  std::fclose(f);
  write_gzip("tiny/t10k-labels-idx1-ubyte.gz", labels);
  const vs::eval::FmnistSplit split = vs::eval::load_fmnist(dir, false);
  ASSERT_EQ(split.count, 4);
  std::vector<int64_t> picked_labels;
  const std::vector<int64_t> picked = vs::eval::first_per_class(split, 2, 2, &picked_labels);
  EXPECT_EQ(picked, (std::vector<int64_t>{1, 3, 0, 2}));
  EXPECT_EQ(picked_labels, (std::vector<int64_t>{0, 0, 1, 1}));
  EXPECT_THROW(vs::eval::first_per_class(split, 2, 3, nullptr), vs::Error);
  const vs::Tensor t = vs::eval::fmnist_images01(split, {2});
  ASSERT_EQ(t.shape, (vs::Shape{1, 3, 32, 32}));
  EXPECT_FLOAT_EQ(t.data[0], 0.0f);                           // padding
  EXPECT_FLOAT_EQ(t.data[2 * 32 + 2], 30.0f / 255.0f);        // first pixel, channel 0
  EXPECT_FLOAT_EQ(t.data[2 * 1024 + 29 * 32 + 29], 30.0f / 255.0f);  // last pixel, channel 2
  EXPECT_THROW(vs::eval::fmnist_images01(split, {4}), vs::Error);
}

}  // namespace
