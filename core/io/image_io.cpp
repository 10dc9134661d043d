#include "core/io/image_io.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "core/finite_values.h"
#include "core/io/file_magic.h"
#include "core/io/image_structure.h"
#include "core/io/input_file.h"
#include "core/io/output_file.h"
#include "core/memory_budget.h"

namespace vs::io {
namespace {

void check_image_tensor(const Tensor& image, const char* what) {
  if (image.rank() != 4 || image.dim(1) != 3 || image.dim(2) < 1 || image.dim(3) < 1)
    throw Error(std::string(what) + ": expected an image tensor (B, 3, H, W), found " + image.shape_str());
}

// Resampling weights along one axis: out[i] = Σ_j w[i][j] · in[j].
struct AxisWeights {
  std::vector<int> first;             // first source index per output index
  std::vector<std::vector<float>> w;  // weights from `first` on
};

AxisWeights axis_weights(int in, int out) {
  AxisWeights a;
  a.first.resize(out);
  a.w.resize(out);
  const double scale = static_cast<double>(in) / out;
  for (int i = 0; i < out; ++i) {
    if (in >= out) {  // area: the output pixel covers [i·s, (i+1)·s) of the source
      const double lo = i * scale, hi = (i + 1) * scale;
      const int j0 = static_cast<int>(std::floor(lo));
      const int j1 = std::min(in, static_cast<int>(std::ceil(hi)));
      a.first[i] = j0;
      for (int j = j0; j < j1; ++j) {
        const double overlap = std::min(hi, j + 1.0) - std::max(lo, static_cast<double>(j));
        a.w[i].push_back(static_cast<float>(overlap / scale));
      }
    } else {  // bilinear with half-pixel centres, clamped at the edges
      const double src = std::clamp((i + 0.5) * scale - 0.5, 0.0, in - 1.0);
      const int j0 = static_cast<int>(std::floor(src));
      const int j1 = std::min(j0 + 1, in - 1);
      const float t = static_cast<float>(src - j0);
      a.first[i] = j0;
      a.w[i] = {1.0f - t};
      if (j1 != j0) a.w[i].push_back(t);
    }
  }
  return a;
}

}  // namespace

std::vector<uint8_t> image01_to_rgb8(const Tensor& image01, int64_t index) {
  check_image_tensor(image01, "image01_to_rgb8");
  if (index < 0 || index >= image01.dim(0))
    throw Error("image01_to_rgb8: image index " + std::to_string(index) + " outside batch of " +
                std::to_string(image01.dim(0)));
  const int64_t H = image01.dim(2), W = image01.dim(3), plane = H * W;
  const float* base = image01.ptr() + index * 3 * plane;
  std::vector<uint8_t> rgb(static_cast<size_t>(plane * 3));
  for (int64_t p = 0; p < plane; ++p)
    for (int c = 0; c < 3; ++c) {
      float x = base[c * plane + p];
      x = std::isnan(x) ? 0.0f : std::clamp(x, 0.0f, 1.0f);
      rgb[p * 3 + c] = static_cast<uint8_t>(x * 255.0f);  // truncation, as the reference
    }
  return rgb;
}

void write_png_rgb8(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb) {
  if (width < 1 || height < 1 || rgb.size() != static_cast<size_t>(width) * height * 3)
    throw Error(path + ": cannot write a " + std::to_string(width) + "x" + std::to_string(height) +
                " PNG from " + std::to_string(rgb.size()) + " bytes");
  // Encoded in memory: stbi_write_png ignores failed writes (a full disk gave 0-byte PNGs).
  // libstb is C: nothing may be thrown through it, so the sink only records a failure.
  struct Sink {
    std::vector<uint8_t> bytes;
    bool failed = false;
  } png;
  auto append = [](void* context, void* data, int size) {
    auto* sink = static_cast<Sink*>(context);
    if (sink->failed) return;
    try {
      sink->bytes.insert(sink->bytes.end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
    } catch (...) {
      sink->failed = true;
    }
  };
  if (!stbi_write_png_to_func(append, &png, width, height, 3, rgb.data(), width * 3) || png.failed)
    throw Error(path + ": cannot encode the PNG (out of memory)");
  write_file_atomically(path, {{png.bytes.data(), png.bytes.size()}});
}

void write_png(const std::string& path, const Tensor& image01, int64_t index) {
  check_image_tensor(image01, path.c_str());
  // image01_to_rgb8 maps NaN to black: a broken model would still give a plausible PNG.
  const int64_t per_image = 3 * image01.dim(2) * image01.dim(3);
  if (index >= 0 && index < image01.dim(0)) {
    const int64_t bad = count_non_finite(image01.ptr() + index * per_image, per_image);
    if (bad > 0)
      throw Error(path + ": the image holds " + std::to_string(bad) + " NaN or infinite values of " +
                  std::to_string(per_image) + "; not written (non-finite weights or an overflow upstream)");
  }
  write_png_rgb8(path, static_cast<int>(image01.dim(3)), static_cast<int>(image01.dim(2)),
                 image01_to_rgb8(image01, index));
}

namespace {

// Bytes per declared pixel that stb may hold at once, beyond the float tensor (which checks
// itself): at worst a 16-bit RGBA PNG's inflated rows and de-filtered image (8 bytes each)
// while the 3-byte output is made; a progressive JPEG's coefficients (2 bytes for each of
// 3 components) and its output fit within that.
constexpr double kDecodeBytesPerPixel = 8 + 8 + 3;

}  // namespace

Tensor read_image(const std::string& path) {
  check_regular_file(path, "image");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(path + ": cannot open the image (missing or unreadable)");
  const std::streamoff file_bytes = in.tellg();
  if (file_bytes > kMaxImageFileBytes)
    throw Error(path + ": the image file is " + std::to_string(file_bytes) + " bytes, above the " +
                std::to_string(kMaxImageFileBytes >> 20) + " MiB limit");
  std::vector<uint8_t> bytes(static_cast<size_t>(std::max<std::streamoff>(file_bytes, 0)));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    throw Error(path + ": cannot read the image");
  return decode_image(path, bytes.data(), bytes.size());
}

Tensor decode_image(const std::string& path, const uint8_t* data, size_t size) {
  // Everything is decided from the header before anything is decoded: only PNG and JPEG
  // (the formats whose completeness we can check), whole files, within the pixel budget.
  const FileKind kind = file_kind(data, size);
  if (kind != FileKind::kPng && kind != FileKind::kJpeg) {
    const std::string what = describe_file_kind(kind);
    throw Error(path + ": " + (what.empty() ? "not a PNG or JPEG image" : "this is " + what) +
                "; images are read as PNG or JPEG only");
  }
  if (size > static_cast<size_t>(kMaxImageFileBytes))
    throw Error(path + ": the image is " + std::to_string(size) + " bytes, above the " +
                std::to_string(kMaxImageFileBytes >> 20) + " MiB limit");
  // Whole files whose declared lengths and counts hold, before stb reads even the header
  // (it decodes a cut-off file into a partly blank image, and trusts lengths and counts).
  if (kind == FileKind::kPng) check_png_structure(path, data, size);
  else check_jpeg_structure(path, data, size);
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(data, static_cast<int>(size), &w, &h, &channels)) {
    const char* reason = stbi_failure_reason();
    throw Error(path + ": not a readable PNG/JPEG image (" + (reason ? reason : "unknown reason") + ")");
  }
  if (int64_t(w) * h > kMaxImagePixels)
    throw Error(path + ": the image is " + std::to_string(w) + "x" + std::to_string(h) + " pixels, above the " +
                std::to_string(kMaxImagePixels) + "-pixel budget (" + std::to_string(kMaxImageSide) + "x" +
                std::to_string(kMaxImageSide) + ")");
  if (kind == FileKind::kPng) check_png_data_size(path, data, size);
  else check_jpeg_data_size(path, size, w, h);
  // stb's buffers live outside Tensor's own check: the decoded pixels, the inflated PNG rows
  // or the progressive JPEG's coefficients, and one more copy while converting channels.
  check_memory(double(w) * h * kDecodeBytesPerPixel, path + ": decoding a " + std::to_string(w) + "x" +
                                                         std::to_string(h) + " image");

  unsigned char* pixels = stbi_load_from_memory(data, static_cast<int>(size), &w, &h, &channels, 3);
  if (!pixels) {
    const char* reason = stbi_failure_reason();
    throw Error(path + ": not a readable PNG/JPEG image (" + (reason ? reason : "unknown reason") + ")");
  }
  Tensor image;
  try {
    image = Tensor({1, 3, h, w});
  } catch (...) {
    stbi_image_free(pixels);
    throw;
  }
  const int64_t plane = static_cast<int64_t>(w) * h;
  for (int64_t p = 0; p < plane; ++p)
    for (int c = 0; c < 3; ++c) image.data[c * plane + p] = pixels[p * 3 + c] / 127.5f - 1.0f;
  stbi_image_free(pixels);
  return image;
}

namespace {

// The picture centred on a square of its longer side, the rest its border's mean colour.
Tensor pad_to_square(const Tensor& image) {
  const int64_t B = image.dim(0), H = image.dim(2), W = image.dim(3), S = std::max(H, W);
  const int64_t top = (S - H) / 2, left = (S - W) / 2;
  Tensor out({B, 3, S, S});
  for (int64_t bc = 0; bc < B * 3; ++bc) {
    const float* src = image.ptr() + bc * H * W;
    double sum = 0;
    int64_t count = 0;
    for (int64_t x = 0; x < W; ++x) sum += src[x] + src[(H - 1) * W + x], count += 2;
    for (int64_t y = 0; y < H; ++y) sum += src[y * W] + src[y * W + W - 1], count += 2;
    float* dst = out.ptr() + bc * S * S;
    std::fill(dst, dst + S * S, float(sum / double(count)));
    for (int64_t y = 0; y < H; ++y) std::copy(src + y * W, src + (y + 1) * W, dst + (top + y) * S + left);
  }
  return out;
}

}  // namespace

SquareFit parse_square_fit(const std::string& text, const std::string& flag) {
  if (text == "crop") return SquareFit::kCrop;
  if (text == "pad") return SquareFit::kPad;
  throw Error(flag + " " + text + ": expected crop (the centred square) or pad (letterbox onto a square)");
}

const char* square_fit_name(SquareFit fit) { return fit == SquareFit::kPad ? "pad" : "crop"; }

Tensor fit_square(const Tensor& image_in, int side, SquareFit fit) {
  check_image_tensor(image_in, "fit_square");
  if (side < 1) throw Error("fit_square: side must be positive, got " + std::to_string(side));
  const bool pad = fit == SquareFit::kPad && image_in.dim(2) != image_in.dim(3);
  const Tensor padded = pad ? pad_to_square(image_in) : Tensor();
  const Tensor& image = pad ? padded : image_in;
  const int64_t B = image.dim(0), H = image.dim(2), W = image.dim(3);
  const int64_t crop = std::min(H, W), top = (H - crop) / 2, left = (W - crop) / 2;
  const AxisWeights ax = axis_weights(static_cast<int>(crop), side);
  Tensor rows({B, 3, side, crop});  // vertical pass over the cropped columns
  for (int64_t bc = 0; bc < B * 3; ++bc) {
    const float* src = image.ptr() + bc * H * W;
    float* dst = rows.ptr() + bc * side * crop;
    for (int i = 0; i < side; ++i)
      for (size_t t = 0; t < ax.w[i].size(); ++t) {
        const float wt = ax.w[i][t];
        const float* s = src + (top + ax.first[i] + t) * W + left;
        for (int64_t x = 0; x < crop; ++x) dst[i * crop + x] += wt * s[x];
      }
  }
  Tensor out({B, 3, side, side});
  for (int64_t bc = 0; bc < B * 3; ++bc)
    for (int y = 0; y < side; ++y) {
      const float* s = rows.ptr() + (bc * side + y) * crop;
      float* d = out.ptr() + (bc * side + y) * side;
      for (int i = 0; i < side; ++i) {
        float acc = 0;
        for (size_t t = 0; t < ax.w[i].size(); ++t) acc += ax.w[i][t] * s[ax.first[i] + t];
        d[i] = std::clamp(acc, -1.0f, 1.0f);
      }
    }
  return out;
}

Tensor read_image_square(const std::string& path, int side, SquareFit fit) {
  return fit_square(read_image(path), side, fit);
}

}  // namespace vs::io
