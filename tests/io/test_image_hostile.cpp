// Images are judged from their header before anything is decoded (issue 12): other
// formats are named and refused, truncated PNG/JPEG files are refused, and the declared
// size must fit the pixel budget.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/image_io.h"
#include "tests/support/error_message.h"
#include "tests/support/test_folder.h"

namespace vs::io {
namespace {

using vs::test::message_of;

class ImageHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vs::test::fresh_test_folder("image_hostile");
  }
  std::string save(const std::string& name, const std::vector<uint8_t>& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return path;
  }
  std::vector<uint8_t> load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
  }
  std::vector<uint8_t> small_png() {
    write_png(dir_ + "/small.png", Tensor({1, 3, 16, 16}, 0.25f));
    return load(dir_ + "/small.png");
  }
  std::vector<uint8_t> small_jpeg() {
    std::vector<uint8_t> rgb(16 * 16 * 3, 100), jpeg;
    stbi_write_jpg_to_func(
        [](void* context, void* data, int size) {
          auto* out = static_cast<std::vector<uint8_t>*>(context);
          out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
        },
        &jpeg, 16, 16, 3, rgb.data(), 90);
    return jpeg;
  }
  std::string dir_;
};

TEST_F(ImageHostile, WholePngAndJpegAreRead) {
  EXPECT_EQ(read_image(save("ok.png", small_png())).shape, (Shape{1, 3, 16, 16}));
  EXPECT_EQ(read_image(save("ok.jpg", small_jpeg())).shape, (Shape{1, 3, 16, 16}));
}

TEST_F(ImageHostile, OtherFormatsAreNamedAndRefused) {
  // 20000 x 20000 declared in a few bytes: stb decoded these to gigabytes of blank image.
  std::vector<uint8_t> ppm = {'P', '6', '\n', '2', '0', '0', '0', '0', ' ', '2', '0', '0', '0', '0', '\n', '2', '5', '5', '\n'};
  ppm.resize(119, 0);
  const std::string ppm_path = save("bomb.ppm", ppm);
  EXPECT_EQ(message_of([&] { read_image(ppm_path); }),
            ppm_path + ": this is a PPM/PGM/PBM image; images are read as PNG or JPEG only");
  std::vector<uint8_t> bmp = {'B', 'M'};
  bmp.resize(154, 0);
  const std::string bmp_path = save("bomb.bmp", bmp);
  EXPECT_EQ(message_of([&] { read_image(bmp_path); }), bmp_path + ": this is a BMP image; images are read as PNG or JPEG only");
  const std::string text = save("notes.png", {'h', 'e', 'l', 'l', 'o'});
  EXPECT_EQ(message_of([&] { read_image(text); }), text + ": not a PNG or JPEG image; images are read as PNG or JPEG only");
}

TEST_F(ImageHostile, DeclaredSizeAboveThePixelBudgetIsRefusedBeforeDecoding) {
  std::vector<uint8_t> png = small_png();
  for (int i : {16, 20}) {  // IHDR width and height, big-endian: 5000 = 0x1388 (stb's own limit is 2^30 bytes)
    png[i] = 0, png[i + 1] = 0, png[i + 2] = 0x13, png[i + 3] = 0x88;
  }
  const std::string path = save("huge.png", png);
  EXPECT_EQ(message_of([&] { read_image(path); }),
            path + ": the image is 5000x5000 pixels, above the 16777216-pixel budget (4096x4096)");
}

TEST_F(ImageHostile, TruncatedImagesAreRefused) {
  std::vector<uint8_t> png = small_png();
  png.resize(png.size() - 12);  // without its IEND chunk
  const std::string png_path = save("cut.png", png);
  EXPECT_EQ(message_of([&] { read_image(png_path); }),
            png_path + ": the PNG image is truncated (no IEND chunk at its end)");
  std::vector<uint8_t> jpeg = small_jpeg();
  jpeg.resize(jpeg.size() * 2 / 3);
  const std::string jpeg_path = save("cut.jpg", jpeg);
  EXPECT_EQ(message_of([&] { read_image(jpeg_path); }),
            jpeg_path + ": the JPEG image is truncated (no end-of-image marker at its end)");
}

}  // namespace
}  // namespace vs::io
