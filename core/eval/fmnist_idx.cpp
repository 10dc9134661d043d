#include "core/eval/fmnist_idx.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"
#include "core/io/input_file.h"

namespace vs::eval {

namespace {

constexpr int kSide = 28, kPaddedSide = 32, kPad = 2;

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

gzFile open_gz(const std::string& path) {
  io::check_regular_file(path, "dataset file");
  return gzopen(path.c_str(), "rb");
}

// gzFile with exact-size reads; a short read is a truncated file.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path), file_(open_gz(path)) {
    if (!file_) throw Error(path + ": cannot open");
  }
  ~GzReader() { gzclose(file_); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  void read(void* out, int64_t bytes, const char* what) {
    auto* p = static_cast<unsigned char*>(out);
    while (bytes > 0) {
      const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(bytes, 1 << 30));
      const int got = gzread(file_, p, chunk);
      if (got < 0) {
        int code = 0;
        throw Error(path_ + ": cannot read " + what + " (" + gzerror(file_, &code) + ")");
      }
      if (got == 0) throw Error(path_ + ": truncated IDX file (file ends inside the " + what + ")");
      p += got;
      bytes -= got;
    }
  }
  bool at_end() {
    unsigned char extra;
    return gzread(file_, &extra, 1) == 0;
  }

 private:
  std::string path_;
  gzFile file_;
};

}  // namespace

IdxArray read_idx(const std::string& path) {
  GzReader in(path);
  unsigned char magic[4];
  in.read(magic, 4, "magic number");
  if (magic[0] != 0 || magic[1] != 0)
    throw Error(path + ": not an IDX file (the first two bytes must be zero)");
  if (magic[2] != 0x08)
    throw Error(path + ": IDX element type " + std::to_string(magic[2]) + " is not unsigned byte (8)");
  const int rank = magic[3];
  if (rank < 1 || rank > 4) throw Error(path + ": IDX rank " + std::to_string(rank) + " outside 1..4");
  IdxArray array;
  int64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    unsigned char b[4];
    in.read(b, 4, "dimensions");
    const int64_t d = (int64_t(b[0]) << 24) | (int64_t(b[1]) << 16) | (int64_t(b[2]) << 8) | int64_t(b[3]);
    if (d == 0) throw Error(path + ": IDX dimension " + std::to_string(i) + " is zero");
    if (d > kMaxIdxBytes / total)
      throw Error(path + ": IDX dimensions declare more than " + std::to_string(kMaxIdxBytes) + " bytes");
    total *= d;
    array.dims.push_back(d);
  }
  array.data.resize(static_cast<size_t>(total));
  in.read(array.data.data(), total, "data");
  if (!in.at_end()) throw Error(path + ": IDX file has data after the declared " + std::to_string(total) + " bytes");
  return array;
}

std::string fmnist_directory() {
  const char* env = std::getenv("FMNIST_DIR");
  return env && *env ? env : "/usr/share/datasets/fashion-mnist";
}

FmnistSplit load_fmnist(const std::string& dir, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  auto find = [&](const std::string& name) {
    const std::string plain = dir + "/" + name;
    if (is_file(plain)) return plain;
    if (is_file(plain + ".gz")) return plain + ".gz";
    throw Error(plain + "[.gz] not found: Fashion-MNIST is needed in " + dir +
                " (Debian package dataset-fashion-mnist, or set FMNIST_DIR)");
  };
  const std::string images_path = find(prefix + "-images-idx3-ubyte");
  const std::string labels_path = find(prefix + "-labels-idx1-ubyte");
  IdxArray images = read_idx(images_path);
  IdxArray labels = read_idx(labels_path);
  if (images.dims.size() != 3 || images.dims[1] != kSide || images.dims[2] != kSide)
    throw Error(images_path + ": expected images [N, 28, 28], found rank " + std::to_string(images.dims.size()));
  if (labels.dims.size() != 1 || labels.dims[0] != images.dims[0])
    throw Error(labels_path + ": expected " + std::to_string(images.dims[0]) + " labels, one per image");
  for (uint8_t label : labels.data)
    if (label > 9) throw Error(labels_path + ": label " + std::to_string(label) + " outside 0..9");
  FmnistSplit split;
  split.count = images.dims[0];
  split.images = std::move(images.data);
  split.labels = std::move(labels.data);
  return split;
}

Tensor fmnist_images01(const FmnistSplit& split, const std::vector<int64_t>& indices) {
  const int64_t n = static_cast<int64_t>(indices.size());
  Tensor out({n, 3, kPaddedSide, kPaddedSide});
  const int64_t plane = kPaddedSide * kPaddedSide;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t index = indices[i];
    if (index < 0 || index >= split.count)
      throw Error("Fashion-MNIST image index " + std::to_string(index) + " outside [0, " +
                  std::to_string(split.count) + ")");
    const uint8_t* src = split.images.data() + index * kSide * kSide;
    float* dst = out.ptr() + i * 3 * plane;
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x) dst[(y + kPad) * kPaddedSide + x + kPad] = src[y * kSide + x] / 255.0f;
    std::copy(dst, dst + plane, dst + plane);
    std::copy(dst, dst + plane, dst + 2 * plane);
  }
  return out;
}

std::vector<int64_t> first_per_class(const FmnistSplit& split, int num_classes, int64_t per_class,
                                     std::vector<int64_t>* labels) {
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(num_classes));
  for (int64_t i = 0; i < split.count; ++i) {
    if (split.labels[i] >= num_classes) continue;
    auto& bucket = by_class[split.labels[i]];
    if (static_cast<int64_t>(bucket.size()) < per_class) bucket.push_back(i);
  }
  std::vector<int64_t> indices;
  if (labels) labels->clear();
  for (int c = 0; c < num_classes; ++c) {
    if (static_cast<int64_t>(by_class[c].size()) < per_class)
      throw Error("Fashion-MNIST has only " + std::to_string(by_class[c].size()) + " images of class " +
                  std::to_string(c) + ", " + std::to_string(per_class) + " asked for");
    indices.insert(indices.end(), by_class[c].begin(), by_class[c].end());
    if (labels) labels->insert(labels->end(), by_class[c].size(), c);
  }
  return indices;
}

}  // namespace vs::eval
