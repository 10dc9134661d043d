// Images are judged from their header before anything is decoded (issue 12): other
// formats are named and refused, truncated PNG/JPEG files are refused, and the declared
// size must fit the pixel budget.
#include <gtest/gtest.h>
#include <stb_image_write.h>
#include <sys/resource.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

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
  std::vector<uint8_t> png_mid_chunk = small_png();
  png_mid_chunk.resize(png_mid_chunk.size() - 20);  // inside its IDAT chunk
  const std::string png_mid_path = save("cut_mid.png", png_mid_chunk);
  EXPECT_EQ(message_of([&] { read_image(png_mid_path); }).rfind(png_mid_path + ": the PNG image is truncated (chunk 'IDAT' declares ", 0), 0u);
  // Cut inside a marker segment (the stb writer's 418-byte Huffman tables), then inside
  // the entropy-coded data after the last one.
  std::vector<uint8_t> jpeg = small_jpeg();
  jpeg.resize(jpeg.size() * 2 / 3);
  const std::string jpeg_path = save("cut.jpg", jpeg);
  EXPECT_EQ(message_of([&] { read_image(jpeg_path); }),
            jpeg_path + ": the JPEG image is truncated (segment 0xc4 declares 418 bytes; 235 are left)");
  jpeg = small_jpeg();
  jpeg.resize(jpeg.size() - 3);
  const std::string jpeg_scan_path = save("cut_scan.jpg", jpeg);
  EXPECT_EQ(message_of([&] { read_image(jpeg_scan_path); }),
            jpeg_scan_path + ": the JPEG image is truncated (no end-of-image marker at its end)");
}

// Appends a PNG chunk (length, type, data, CRC).
void append_chunk(std::vector<uint8_t>& png, const char* type, const std::vector<uint8_t>& data, uint32_t length) {
  for (int s = 24; s >= 0; s -= 8) png.push_back(uint8_t(length >> s));
  const size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  const uint32_t crc = uint32_t(crc32(0, png.data() + start, uInt(png.size() - start)));
  for (int s = 24; s >= 0; s -= 8) png.push_back(uint8_t(crc >> s));
}

// A 16 x 16 RGB PNG whose IDAT holds `idat` and declares `idat_length` bytes.
std::vector<uint8_t> png_with_idat(const std::vector<uint8_t>& idat, uint32_t idat_length) {
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  append_chunk(png, "IHDR", {0, 0, 0, 16, 0, 0, 0, 16, 8, 2, 0, 0, 0}, 13);
  append_chunk(png, "IDAT", idat, idat_length);
  append_chunk(png, "IEND", {}, 0);
  return png;
}

std::vector<uint8_t> zlib_compress(const std::vector<uint8_t>& raw) {
  std::vector<uint8_t> out(compressBound(uLong(raw.size())));
  uLongf size = uLongf(out.size());
  compress(out.data(), &size, raw.data(), uLong(raw.size()));
  out.resize(size);
  return out;
}

// fuzz_image's first finding: stb allocated a chunk's declared length (1.7 GB) before
// checking it against the 120-byte file.
TEST_F(ImageHostile, AChunkLongerThanTheFileIsRefusedBeforeStbAllocatesIt) {
  const std::string path = save("long_chunk.png", png_with_idat(zlib_compress(std::vector<uint8_t>(16 * 49, 0)), 0x68000014));
  EXPECT_NE(message_of([&] { read_image(path); }).find(path + ": the PNG image is truncated (chunk 'IDAT' declares "
                                                               "1744830484 bytes; "),
            std::string::npos);
}

// 16 x 16 pixels need 16 · 49 filtered bytes; 4 MB of zeros deflate to 4 kB and stb
// would have inflated them (up to 4 GB) before noticing.
TEST_F(ImageHostile, ImageDataThatInflatesBeyondItsHeaderIsRefused) {
  const std::vector<uint8_t> bomb = zlib_compress(std::vector<uint8_t>(size_t(4) << 20, 0));
  const std::string path = save("bomb.png", png_with_idat(bomb, uint32_t(bomb.size())));
  EXPECT_NE(message_of([&] { read_image(path); }).find(path + ": the PNG image data inflates to more than the "),
            std::string::npos);
  const std::vector<uint8_t> exact = zlib_compress(std::vector<uint8_t>(16 * 49, 0));
  EXPECT_EQ(read_image(save("exact.png", png_with_idat(exact, uint32_t(exact.size())))).shape, (Shape{1, 3, 16, 16}));
}

// fuzz_image's second finding: a Huffman table of more than 256 codes, which stb v2.27
// writes past the end of its arrays (UBSan: index 469 out of bounds for 'stbi_uc[257]').
TEST_F(ImageHostile, AJpegHuffmanTableOfMoreThan256CodesIsRefused) {
  std::vector<uint8_t> jpeg = small_jpeg();
  size_t dht = 2;
  while (dht + 1 < jpeg.size() && !(jpeg[dht] == 0xff && jpeg[dht + 1] == 0xc4)) ++dht;
  ASSERT_LT(dht + 21, jpeg.size());
  std::memset(&jpeg[dht + 5], 255, 16);  // the first table's 16 counts: 4080 codes
  const std::string path = save("dht.jpg", jpeg);
  EXPECT_EQ(message_of([&] { read_image(path); }), path + ": a JPEG Huffman table declares 4080 codes (at most 256)");
}

// Found by the generated corpus: a frame header and no scan decoded to a blank 64 x 64
// image with exit 0.
TEST_F(ImageHostile, AJpegWithoutAScanIsRefused) {
  const std::string path = save("no_scan.jpg", {0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x40, 0x00, 0x40, 0x03,
                                                0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00, 0xff, 0xd9});
  EXPECT_EQ(message_of([&] { read_image(path); }),
            path + ": the JPEG image has no scan (no image data before its end-of-image marker)");
}

// A small JPEG whose frame header is patched to declare 4096 x 4096: stb decoded the missing
// blocks as blank (a mostly empty 4096² image, exit 0). One bit per 8x8 block is the least
// any JPEG needs; this file has far less.
TEST_F(ImageHostile, AJpegDeclaringMoreBlocksThanItsDataCanCodeIsRefused) {
  std::vector<uint8_t> jpeg = small_jpeg();
  size_t sof = 2;
  while (sof + 9 < jpeg.size() && !(jpeg[sof] == 0xff && (jpeg[sof + 1] == 0xc0 || jpeg[sof + 1] == 0xc2))) ++sof;
  ASSERT_LT(sof + 9, jpeg.size());
  jpeg[sof + 5] = 0x10, jpeg[sof + 6] = 0x00;  // height 4096
  jpeg[sof + 7] = 0x10, jpeg[sof + 8] = 0x00;  // width 4096
  const std::string path = save("declares_4096.jpg", jpeg);
  EXPECT_EQ(message_of([&] { read_image(path); }),
            path + ": the JPEG image is truncated: its 4096x4096 header needs at least 32768 bytes of image data "
                   "(one bit per 8x8 block), the file has " + std::to_string(jpeg.size()));
  // The unpatched image still reads.
  const std::string whole = save("whole.jpg", small_jpeg());
  EXPECT_EQ(read_image(whole).shape, (Shape{1, 3, 16, 16}));
}

// Virtual memory of this process now (VmSize of /proc/self/status), in bytes.
int64_t address_space_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) return std::stoll(line.substr(7)) * 1024;
  return 0;
}

// In the death test's own process: reads `path` under an address-space limit 32 MiB above
// what is mapped now; exits 3 with the message of the vs::Error it throws.
void read_under_address_limit(const std::string& path) {
  const rlim_t limit = rlim_t(address_space_bytes() + (int64_t(32) << 20));
  const struct rlimit as {limit, limit};
  setrlimit(RLIMIT_AS, &as);
  try {
    read_image(path);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::exit(3);
  }
  std::exit(0);
}

// A 4096 x 4096 PNG is within the pixel budget, but stb's own buffers for it (19 bytes a
// pixel, 304 MiB) are not within this budget: refused before decoding, in the
// one out-of-memory form, not by a failed allocation inside the C decoder.
TEST_F(ImageHostile, DecodingMemoryIsCheckedAgainstTheBudgetFirst) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves terabytes of address space";
#endif
  const std::string path = dir_ + "/budget.png";
  write_png_rgb8(path, 4096, 4096, std::vector<uint8_t>(size_t(4096) * 4096 * 3, 128));
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process reads the budget afresh
  EXPECT_EXIT(read_under_address_limit(path), ::testing::ExitedWithCode(3),
              "budget.png: decoding a 4096x4096 image: out of memory: needs 304 MiB, more than the memory budget");
}

}  // namespace
}  // namespace vs::io
