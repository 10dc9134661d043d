// Fashion-MNIST as its IDX files (plain or gzip, as Debian's dataset-fashion-mnist ships
// them), read without Python for `eval`'s real-image statistics, and turned into the
// shared image geometry: 28x28 grey padded by 2 background pixels to 32x32, replicated to
// three channels (tools/train/fmnist.py), here in [0, 1] as the samplers' images are.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vs::eval {

// An unsigned-byte IDX array: 2 zero bytes, type 0x08, rank, rank big-endian uint32 dims,
// then the bytes row-major.
struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

// Largest array read_idx accepts (the training images are 47 MB): a hostile header
// cannot make it allocate more.
constexpr int64_t kMaxIdxBytes = int64_t(1) << 30;

// Reads `path` through zlib, which passes non-gzip files through unchanged. Validates the
// magic, type, rank (1..4), dims (no zero, product ≤ kMaxIdxBytes) and that the data is
// exactly the declared size. Throws vs::Error naming the file.
IdxArray read_idx(const std::string& path);

struct FmnistSplit {
  int64_t count = 0;
  std::vector<uint8_t> images;  // (count, 28, 28)
  std::vector<uint8_t> labels;  // (count), 0..9
};

// $FMNIST_DIR when set, else /usr/share/datasets/fashion-mnist.
std::string fmnist_directory();
// The training (train-*) or test (t10k-*) split from `dir`, each file as NAME or NAME.gz.
// A missing file is one vs::Error naming the directory and the Debian package.
FmnistSplit load_fmnist(const std::string& dir, bool train);

// Images `indices` of `split` as (N, 3, 32, 32) in [0, 1], padding 0 (background).
Tensor fmnist_images01(const FmnistSplit& split, const std::vector<int64_t>& indices);
// The first `per_class` images of every class 0..num_classes−1, in class order, and their
// labels; throws vs::Error when a class has fewer.
std::vector<int64_t> first_per_class(const FmnistSplit& split, int num_classes, int64_t per_class,
                                     std::vector<int64_t>* labels);

}  // namespace vs::eval
