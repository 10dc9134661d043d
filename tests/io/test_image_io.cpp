// Image I/O: the reference's uint8 quantisation (trunc(x·255), var.md §4), lossless PNG
// round trips, JPEG reading, the centre-crop + area/bilinear fit against hand-computed
// values, and one-line errors for missing and corrupt files.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/io/image_io.h"

namespace {

using vs::Tensor;

std::string temp_path(const std::string& name) {
  return std::string(VARSCOPE_BINARY_DIR) + "/tests/image_io_" + name;
}

TEST(ImageIo, QuantisesLikeTheReferenceByTruncation) {
  // One 1x7 image: the same value in all three channels.
  const float values[7] = {0.0f, 1.0f, 0.5f, 0.999f, -0.2f, 1.5f, std::numeric_limits<float>::quiet_NaN()};
  const uint8_t expected[7] = {0, 255, 127, 254, 0, 255, 0};  // 127.5 -> 127, 254.745 -> 254
  Tensor image({1, 3, 1, 7});
  for (int c = 0; c < 3; ++c)
    for (int x = 0; x < 7; ++x) image.data[c * 7 + x] = values[x];
  const std::vector<uint8_t> rgb = vs::io::image01_to_rgb8(image);
  ASSERT_EQ(rgb.size(), 21u);
  for (int x = 0; x < 7; ++x)
    for (int c = 0; c < 3; ++c) EXPECT_EQ(rgb[x * 3 + c], expected[x]) << "pixel " << x;
}

TEST(ImageIo, PngRoundTripIsLosslessAndChannelOrderKept) {
  // Batch of two 3x5 images; write the second.
  Tensor image({2, 3, 3, 5});
  for (int64_t i = 0; i < image.numel(); ++i) image.data[i] = static_cast<float>((i * 37) % 256) / 255.0f;
  const std::string path = temp_path("roundtrip.png");
  vs::io::write_png(path, image, 1);
  const Tensor back = vs::io::read_image(path);
  ASSERT_EQ(back.shape, (vs::Shape{1, 3, 3, 5}));
  for (int64_t i = 0; i < back.numel(); ++i) {
    const uint8_t byte = static_cast<uint8_t>(image.data[45 + i] * 255.0f);
    EXPECT_FLOAT_EQ(back.data[i], byte / 127.5f - 1.0f) << "element " << i;
  }
}

TEST(ImageIo, ReadsJpeg) {
  std::vector<uint8_t> rgb(16 * 8 * 3);
  for (size_t i = 0; i < rgb.size(); i += 3) rgb[i] = 200, rgb[i + 1] = 100, rgb[i + 2] = 20;
  const std::string path = temp_path("flat.jpg");
  ASSERT_TRUE(stbi_write_jpg(path.c_str(), 16, 8, 3, rgb.data(), 95));
  const Tensor image = vs::io::read_image(path);
  ASSERT_EQ(image.shape, (vs::Shape{1, 3, 8, 16}));
  EXPECT_NEAR(image.data[0], 200 / 127.5 - 1, 0.05);            // red plane
  EXPECT_NEAR(image.data[8 * 16 + 5], 100 / 127.5 - 1, 0.05);   // green plane
  EXPECT_NEAR(image.data[2 * 8 * 16 + 9], 20 / 127.5 - 1, 0.05);  // blue plane
}

TEST(ImageIo, FitSquareCropsCentreThenAreaAverages) {
  // H 4, W 6: the centred square is columns 1..4; to side 2 each output is a 2x2 mean.
  Tensor image({1, 3, 4, 6});
  for (int64_t i = 0; i < image.numel(); ++i) image.data[i] = static_cast<float>(i % 24) / 24.0f - 0.5f;
  const Tensor out = vs::io::fit_square(image, 2);
  ASSERT_EQ(out.shape, (vs::Shape{1, 3, 2, 2}));
  auto px = [&](int y, int x) { return image.data[y * 6 + x]; };
  for (int c = 0; c < 3; ++c)
    for (int oy = 0; oy < 2; ++oy)
      for (int ox = 0; ox < 2; ++ox) {
        const float mean = (px(2 * oy, 1 + 2 * ox) + px(2 * oy, 2 + 2 * ox) + px(2 * oy + 1, 1 + 2 * ox) +
                            px(2 * oy + 1, 2 + 2 * ox)) / 4;
        EXPECT_NEAR(out.data[c * 4 + oy * 2 + ox], mean, 1e-6);
      }
}

TEST(ImageIo, FitSquarePadLetterboxesOntoTheBorderColour) {
  // H 2, W 4 of 0.5 with a border of 0.5: padded to 4x4, the two new rows take the border
  // mean; at side 4 (no resampling) the picture sits in rows 1..2.
  Tensor image({1, 3, 2, 4}, 0.5f);
  image.data[1] = -1.0f;  // one border pixel of channel 0 darker: its mean moves
  const Tensor out = vs::io::fit_square(image, 4, vs::io::SquareFit::kPad);
  ASSERT_EQ(out.shape, (vs::Shape{1, 3, 4, 4}));
  const float border0 = (0.5f * 11 + -1.0f) / 12;  // channel 0: 12 border samples (rows twice, columns twice)
  for (int x = 0; x < 4; ++x) {
    EXPECT_NEAR(out.data[0 * 16 + 0 * 4 + x], border0, 1e-6);  // padding above
    EXPECT_NEAR(out.data[0 * 16 + 3 * 4 + x], border0, 1e-6);  // and below
    EXPECT_NEAR(out.data[1 * 16 + 0 * 4 + x], 0.5f, 1e-6);     // channel 1: all 0.5
  }
  EXPECT_NEAR(out.data[0 * 16 + 1 * 4 + 1], -1.0f, 1e-6);  // the picture, unmoved horizontally
  EXPECT_NEAR(out.data[0 * 16 + 1 * 4 + 0], 0.5f, 1e-6);
  // A square picture is the same either way.
  const Tensor square({1, 3, 3, 3}, 0.25f);
  EXPECT_EQ(vs::io::fit_square(square, 2, vs::io::SquareFit::kPad).data, vs::io::fit_square(square, 2).data);
  EXPECT_EQ(vs::io::parse_square_fit("pad", "--fit"), vs::io::SquareFit::kPad);
  EXPECT_THROW(vs::io::parse_square_fit("stretch", "--fit"), vs::Error);
}

TEST(ImageIo, FitSquareNonIntegerAreaAndBilinearUp) {
  // 3 -> 2: output 0 covers source [0, 1.5): (a + 0.5 b) / 1.5.
  Tensor row({1, 3, 3, 3});
  const float a = 0.1f, b = -0.4f, c = 0.7f;
  for (int ch = 0; ch < 3; ++ch)
    for (int y = 0; y < 3; ++y) row.data[ch * 9 + y * 3 + 0] = a, row.data[ch * 9 + y * 3 + 1] = b, row.data[ch * 9 + y * 3 + 2] = c;
  const Tensor down = vs::io::fit_square(row, 2);
  EXPECT_NEAR(down.data[0], (a + 0.5f * b) / 1.5f, 1e-6);
  EXPECT_NEAR(down.data[1], (0.5f * b + c) / 1.5f, 1e-6);
  // 2 -> 4 bilinear with half-pixel centres: a, 0.75a + 0.25b, 0.25a + 0.75b, b.
  Tensor two({1, 3, 2, 2});
  for (int ch = 0; ch < 3; ++ch)
    for (int y = 0; y < 2; ++y) two.data[ch * 4 + y * 2] = a, two.data[ch * 4 + y * 2 + 1] = b;
  const Tensor up = vs::io::fit_square(two, 4);
  const float expected[4] = {a, 0.75f * a + 0.25f * b, 0.25f * a + 0.75f * b, b};
  for (int x = 0; x < 4; ++x) EXPECT_NEAR(up.data[4 + x], expected[x], 1e-6);
}

TEST(ImageIo, MissingAndCorruptFilesAreOneLineErrors) {
  const std::string missing = temp_path("does_not_exist.png");
  try {
    vs::io::read_image(missing);
    FAIL() << "no error for a missing file";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  const std::string corrupt = temp_path("corrupt.png");
  {
    std::ofstream out(corrupt, std::ios::binary);
    out << "\x89PNG\r\n\x1a\n this is not really a PNG";
  }
  try {
    vs::io::read_image(corrupt);
    FAIL() << "no error for a corrupt file";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find(corrupt), std::string::npos) << e.what();
  }
  EXPECT_THROW(vs::io::write_png(temp_path("no_such_dir/x.png"), Tensor({1, 3, 2, 2})), vs::Error);
}

}  // namespace
