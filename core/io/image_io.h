// Images in and out: PNG writing (stb_image_write) of the model's [0, 1] output and
// PNG/JPEG reading (stb_image) into the model's [-1, 1] input layout.
//
// Conventions: images are float tensors (B, 3, H, W), channel-major, rows top to bottom.
// Output quantisation follows VAR's demo (var.md §4 step 4): uint8 = trunc(x · 255) in
// float32 (x is clamped to [0, 1] first, NaN → 0, so a stray value cannot wrap around).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vs::io {

// Image `index` of a (B, 3, H, W) [0, 1] tensor as interleaved RGB bytes (H·W·3).
std::vector<uint8_t> image01_to_rgb8(const Tensor& image01, int64_t index = 0);

// Writes interleaved RGB bytes as a PNG. Throws vs::Error naming the path on failure.
void write_png_rgb8(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb);
// Writes image `index` of a (B, 3, H, W) [0, 1] tensor as a PNG.
void write_png(const std::string& path, const Tensor& image01, int64_t index = 0);

// The budget of an input image, checked from its header before decoding: a 100-byte file
// can declare 20000 x 20000 pixels (a 1.2 GB decode, 4.8 GB as floats).
constexpr int64_t kMaxImageSide = 4096;
constexpr int64_t kMaxImagePixels = kMaxImageSide * kMaxImageSide;  // 16.8 MP: 201 MB as floats
constexpr int64_t kMaxImageFileBytes = int64_t(256) << 20;

// Reads a PNG or JPEG (grey and alpha are converted to RGB, alpha dropped) as
// (1, 3, H, W) in [-1, 1] (x / 127.5 − 1). Refused with a vs::Error naming the path,
// before any decoding: other formats (named from their magic bytes), files that are cut
// short (no PNG IEND chunk / JPEG end-of-image marker), images above kMaxImagePixels and
// files above kMaxImageFileBytes; then stb's reason for anything it cannot decode.
Tensor read_image(const std::string& path);
// The same checks and decoding on bytes already in memory; `label` (the path) starts
// every error. Before decoding, the decoder's worst-case memory for the declared size is
// checked against the memory budget (core/memory_budget.h).
Tensor decode_image(const std::string& label, const uint8_t* bytes, size_t size);

// How a user's picture is fitted to the model's square input: centre-crop to the largest
// centred square, then resample to side × side per axis — area averaging (exact
// box-filter overlap) when shrinking, bilinear (half-pixel centres, edge clamp) when
// enlarging. Area keeps downscaled photos free of aliasing; the result stays in [-1, 1].
// kPad instead letterboxes the picture onto a square of its longer side, filled with the
// mean colour of its border pixels (a product photo's background), so nothing is cut off.
enum class SquareFit { kCrop, kPad };
Tensor fit_square(const Tensor& image, int side, SquareFit fit = SquareFit::kCrop);
// "crop" or "pad"; anything else is one vs::Error naming the flag.
SquareFit parse_square_fit(const std::string& text, const std::string& flag);
const char* square_fit_name(SquareFit fit);

// read_image followed by fit_square.
Tensor read_image_square(const std::string& path, int side, SquareFit fit = SquareFit::kCrop);

}  // namespace vs::io
