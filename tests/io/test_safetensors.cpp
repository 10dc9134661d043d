// safetensors reader and writer: round trips of every dtype, the shared fixtures, each
// rejection rule with its message, and generated corruptions that must never crash.
#include "core/io/safetensors.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/half.h"

namespace vs::io {
namespace {

const std::string kFixtures = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d3_saln_nol2/";

// A safetensors image from a raw header text and data buffer.
// (Bytes are assembled in a string: GCC 12 warns falsely on vector::insert after memcpy.)
std::vector<uint8_t> with_length(uint64_t length, const std::string& rest,
                                 const std::vector<uint8_t>& data = {}) {
  std::string image(8, '\0');
  std::memcpy(&image[0], &length, 8);
  image += rest;
  image.append(data.begin(), data.end());
  return std::vector<uint8_t>(image.begin(), image.end());
}

std::vector<uint8_t> make_file(const std::string& header, const std::vector<uint8_t>& data = {}) {
  return with_length(header.size(), header, data);
}

SafetensorsFile parse_bytes(const std::vector<uint8_t>& bytes, const std::string& label = "mem.safetensors") {
  return SafetensorsFile::parse(label, bytes.data(), bytes.size());
}

// The message of the vs::Error that parsing `bytes` throws ("" if it parses).
std::string rejection(const std::vector<uint8_t>& bytes) {
  try {
    parse_bytes(bytes, "bad.safetensors");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string temp_dir() {
  std::string dir = ::testing::TempDir() + "vs_safetensors_XXXXXX";
  if (!mkdtemp(&dir[0])) throw std::runtime_error("mkdtemp failed");
  return dir;
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
    closedir(d);
  }
  return names;
}

TEST(SafetensorsRoundTrip, EveryDTypeAndMetadata) {
  Tensor f32({2, 3});
  for (int i = 0; i < 6; ++i) f32.data[i] = 0.1f * i - 0.25f;
  Tensor halfs({4});
  halfs.data = {1.0f, -2.5f, 49152.0f, 0.000061035156f};  // all exact in F16 and BF16
  Tensor scalar(Shape{});  // rank 0, one element
  scalar.data = {7.0f};

  SafetensorsWriter w;
  w.set_metadata("format", "pt");
  w.set_metadata("note", "quote \" backslash \\ newline \n unicode \xc3\xa9");
  w.add("f32", f32);
  w.add_f16("f16", halfs);
  w.add_bf16("bf16", halfs);
  w.add_int64("i64", {3}, {-1, 0, int64_t{1} << 40});
  w.add_int32("i32", {2, 1}, {-7, 2147483647});
  w.add_u8("u8", {3}, {0, 128, 255});
  w.add_u8("bool", {3}, {0, 1, 5}, /*as_bool=*/true);
  w.add("scalar", scalar);
  w.add("empty", Tensor({0, 5}));

  const std::vector<uint8_t> bytes = w.serialize();
  uint64_t header_bytes;
  std::memcpy(&header_bytes, bytes.data(), 8);
  EXPECT_EQ((8 + header_bytes) % 8, 0u) << "data buffer must start 8-byte aligned";

  const SafetensorsFile f = parse_bytes(bytes);
  EXPECT_EQ(f.metadata().at("format"), "pt");
  EXPECT_EQ(f.metadata().at("note"), "quote \" backslash \\ newline \n unicode \xc3\xa9");
  ASSERT_EQ(f.tensors().size(), 9u);
  EXPECT_EQ(f.tensors()[0].name, "f32");  // file order = insertion order for our writer

  EXPECT_EQ(f.info("f32").dtype, DType::F32);
  EXPECT_EQ(f.read_float("f32").shape, (Shape{2, 3}));
  EXPECT_EQ(f.read_float("f32").data, f32.data);
  EXPECT_EQ(f.info("f16").dtype, DType::F16);
  EXPECT_EQ(f.read_float("f16").data, halfs.data);
  EXPECT_EQ(f.info("bf16").dtype, DType::BF16);
  EXPECT_EQ(f.read_float("bf16").data, halfs.data);
  EXPECT_EQ(f.read_int64("i64"), (std::vector<int64_t>{-1, 0, int64_t{1} << 40}));
  EXPECT_EQ(f.read_float("i64").data, (std::vector<float>{-1.0f, 0.0f, 1099511627776.0f}));
  EXPECT_EQ(f.read_int64("i32"), (std::vector<int64_t>{-7, 2147483647}));
  EXPECT_EQ(f.read_int64("u8"), (std::vector<int64_t>{0, 128, 255}));
  EXPECT_EQ(f.read_float("u8").data, (std::vector<float>{0.0f, 128.0f, 255.0f}));
  EXPECT_EQ(f.info("bool").dtype, DType::BOOL);
  EXPECT_EQ(f.read_int64("bool"), (std::vector<int64_t>{0, 1, 1}));
  EXPECT_EQ(f.read_float("scalar").shape, Shape{});
  EXPECT_EQ(f.read_float("scalar").data, std::vector<float>{7.0f});
  EXPECT_EQ(f.info("empty").begin, f.info("empty").end);
  EXPECT_EQ(f.read_float("empty").numel(), 0);

  const uint8_t* raw = f.raw("i32");
  int32_t first;
  std::memcpy(&first, raw, 4);
  EXPECT_EQ(first, -7);
}

TEST(SafetensorsRoundTrip, AtomicWriteThenMmapOpen) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/out.safetensors";
  SafetensorsWriter w;
  Tensor t({3});
  t.data = {1, 2, 3};
  w.add("t", t);
  w.write(path);
  w.add("u", t);
  w.write(path);  // replaces the previous file
  EXPECT_EQ(list_dir(dir), std::vector<std::string>{"out.safetensors"}) << "no temporary left";
  const SafetensorsFile f = SafetensorsFile::open(path);
  EXPECT_EQ(f.path(), path);
  EXPECT_EQ(f.read_float("u").data, t.data);
  EXPECT_TRUE(f.metadata().empty());

  EXPECT_THROW(w.write(dir + "/no/such/dir/x.safetensors"), Error);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

// Loaders drop a tensor's file pages once copied; a later read finds the same bytes.
TEST(SafetensorsRoundTrip, ReleasedPagesReadBackFromTheFile) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/big.safetensors";
  Tensor t({3, 5000});  // several pages
  for (int64_t i = 0; i < t.numel(); ++i) t.data[i] = float(i) * 0.5f - 7.0f;
  SafetensorsWriter w;
  w.add("t", t);
  w.write(path);
  const SafetensorsFile f = SafetensorsFile::open(path);
  EXPECT_EQ(f.read_float("t").data, t.data);
  f.release("t");
  EXPECT_EQ(f.read_float("t").data, t.data);
  EXPECT_THROW(f.release("missing"), Error);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST(SafetensorsRoundTrip, WriterRefusesBadInput) {
  SafetensorsWriter w;
  Tensor t({2});
  w.add("a", t);
  EXPECT_THROW(w.add("a", t), Error);
  EXPECT_THROW(w.add("__metadata__", t), Error);
  EXPECT_THROW(w.add_int64("b", {3}, {1, 2}), Error);
  EXPECT_THROW(w.add("\xff", t), Error);
}

TEST(SafetensorsRead, F64AndHeaderPaddingAndUnalignedData) {
  // Header length 7 + 8 = 15: the data buffer is deliberately unaligned; trailing spaces
  // pad the header as the reference writer does.
  const double values[2] = {0.5, -1e10};
  std::vector<uint8_t> data(16);
  std::memcpy(data.data(), values, 16);
  std::string header = R"({"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}})";
  header += "      ";
  const SafetensorsFile f = parse_bytes(make_file(header, data));
  EXPECT_EQ(f.read_float("x").data, (std::vector<float>{0.5f, -1e10f}));
  EXPECT_THROW(f.read_int64("x"), Error);
}

TEST(SafetensorsRead, HeaderOrderIsIrrelevantFileOrderIsByOffset) {
  const std::string header =
      R"({"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},"z":{"dtype":"U8","shape":[0],"data_offsets":[3,3]},)"
      R"("a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"e":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]}})";
  const SafetensorsFile f = parse_bytes(make_file(header, {10, 11, 12}));
  ASSERT_EQ(f.tensors().size(), 4u);
  EXPECT_EQ(f.tensors()[0].name, "e");
  EXPECT_EQ(f.tensors()[1].name, "a");
  EXPECT_EQ(f.tensors()[2].name, "b");
  EXPECT_EQ(f.tensors()[3].name, "z");
  EXPECT_EQ(f.read_int64("b"), std::vector<int64_t>{12});
  EXPECT_TRUE(f.contains("a"));
  EXPECT_FALSE(f.contains("c"));
}

TEST(SafetensorsRead, EmptyHeaderObjectIsAValidEmptyFile) {
  const SafetensorsFile f = parse_bytes(make_file("{}      "));
  EXPECT_TRUE(f.tensors().empty());
}

TEST(SafetensorsRead, MissingTensorNamesFileAndTensor) {
  const SafetensorsFile f = parse_bytes(make_file("{}"), "model.safetensors");
  try {
    f.info("blocks.0.weight");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("blocks.0.weight"), std::string::npos) << e.what();
  }
}

// The shared fixture: a 3-block VAR with patch_nums (1, 2, 4, 6, 8), width 192, 1000 classes.
TEST(SafetensorsFixture, VarCheckpoint) {
  const SafetensorsFile f = SafetensorsFile::open(kFixtures + "var.safetensors");
  ASSERT_TRUE(f.metadata().count("config"));
  EXPECT_NE(f.metadata().at("config").find("\"patch_nums\": [1, 2, 4, 6, 8]"), std::string::npos);
  EXPECT_EQ(f.tensors().size(), 47u);
  EXPECT_EQ(f.info("class_emb.weight").shape, (Shape{1001, 192}));  // num_classes + 1 (CFG null class)
  EXPECT_EQ(f.info("class_emb.weight").dtype, DType::F32);
  EXPECT_EQ(f.info("pos_1LC").shape, (Shape{1, 121, 192}));  // 1+4+16+36+64 = 121 tokens
  EXPECT_EQ(f.info("word_embed.weight").shape, (Shape{192, 32}));

  // lvl_1L is the scale index of each token: independent of training, so checkable.
  const std::vector<int64_t> levels = f.read_int64("lvl_1L");
  ASSERT_EQ(levels.size(), 121u);
  std::vector<int64_t> expected;
  const int sides[] = {1, 2, 4, 6, 8};
  for (int s = 0; s < 5; ++s) expected.insert(expected.end(), sides[s] * sides[s], s);
  EXPECT_EQ(levels, expected);

  // Block-causal bias: 0 where key scale <= query scale, -inf after.
  const Tensor bias = f.read_float("attn_bias_for_masking");
  ASSERT_EQ(bias.shape, (Shape{1, 1, 121, 121}));
  for (int i = 0; i < 121; i += 7)
    for (int j = 0; j < 121; j += 5) {
      const float b = bias.data[i * 121 + j];
      if (expected[j] <= expected[i]) EXPECT_EQ(b, 0.0f) << i << "," << j;
      else EXPECT_TRUE(std::isinf(b) && b < 0) << i << "," << j;
    }

  const Tensor class_emb = f.read_float("class_emb.weight");
  for (float v : class_emb.data) ASSERT_TRUE(std::isfinite(v));
}

TEST(SafetensorsFixture, ExpectedOutputs) {
  const SafetensorsFile f = SafetensorsFile::open(kFixtures + "expected.safetensors");
  ASSERT_TRUE(f.metadata().count("source"));
  EXPECT_EQ(f.info("teacher/ids_all").shape, (Shape{1, 121}));
  EXPECT_EQ(f.info("teacher/ids_all").dtype, DType::I64);
  for (int64_t id : f.read_int64("teacher/ids_all")) {
    EXPECT_GE(id, 0);
    EXPECT_LT(id, 512);  // codebook size V
  }
  EXPECT_EQ(f.info("teacher/x_in").shape, (Shape{1, 121, 192}));
  const std::vector<int64_t> label = f.read_int64("teacher/labels");
  ASSERT_EQ(label.size(), 1u);
  EXPECT_GE(label[0], 0);
  EXPECT_LE(label[0], 1000);
}

TEST(SafetensorsOpen, EmptyFileDirectoryMissingFile) {
  const std::string dir = temp_dir();
  const std::string empty = dir + "/empty.safetensors";
  std::ofstream(empty).close();
  auto message = [](const std::string& path) -> std::string {
    try {
      SafetensorsFile::open(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(empty).find("empty.safetensors"), std::string::npos);
  EXPECT_NE(message(empty).find("empty file"), std::string::npos) << message(empty);
  EXPECT_NE(message(dir).find("directory"), std::string::npos) << message(dir);
  EXPECT_NE(message(dir + "/missing.safetensors").find("missing.safetensors"), std::string::npos);
  std::remove(empty.c_str());
  rmdir(dir.c_str());
}

// One corruption per rule, each with the words its message must carry.
struct Corruption {
  const char* what;
  std::vector<uint8_t> bytes;
  const char* expected_message;
};

TEST(SafetensorsReject, EachRuleWithItsMessage) {
  const std::vector<uint8_t> four(4, 0), eight(8, 0);
  const std::vector<Corruption> cases = {
      {"short", {1, 2, 3}, "too short"},
      {"length past file", with_length(1000, "{}"), "runs past the end"},
      {"length above 100 MB", with_length(200'000'000, "{}"), "100 MB"},
      {"not an object", make_file("[]"), "start with '{'"},
      {"invalid json", make_file("{\"a\":}"), "invalid JSON"},
      {"trailing json garbage", make_file("{} x"), "invalid JSON"},
      {"unknown dtype", make_file(R"({"t":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})", {0}),
       "unknown dtype \"F8\""},
      {"shape/offset mismatch", make_file(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", four),
       "needs 8 bytes"},
      {"out of range", make_file(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", four),
       "run past the data buffer"},
      {"overlap",
       make_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", four),
       "overlap"},
      {"gap", make_file(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", eight), "belong to no tensor"},
      {"trailing garbage", make_file(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", eight),
       "trailing garbage"},
      {"shape overflow",
       make_file(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})"), "overflows"},
      {"bytes overflow",
       make_file(R"({"t":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}})"), "overflows"},
      {"dim overflow", make_file(R"({"t":{"dtype":"U8","shape":[99999999999999999999],"data_offsets":[0,0]}})"),
       "overflows"},
      {"offset overflow",
       make_file(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551615,18446744073709551616]}})"),
       "overflows"},
      {"non-integer dim", make_file(R"({"t":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}})", {0}),
       "not an integer"},
      {"negative dim", make_file(R"({"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", {0}), "negative"},
      {"duplicate", make_file(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", {0, 0}),
       "duplicate tensor \"t\""},
      {"metadata non-string", make_file(R"({"__metadata__":{"k":1}})"), "not a string"},
      {"metadata not object", make_file(R"({"__metadata__":"x"})"), "not a JSON object"},
      {"end before begin", make_file(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}})", {0}), "end before"},
      {"missing key", make_file(R"({"t":{"dtype":"U8","shape":[0]}})"), "data_offsets"},
      {"unknown key", make_file(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":1}})"), "unknown key"},
      {"three offsets", make_file(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[0,0,0]}})"), "two integers"},
      {"nul padding", make_file(std::string("{}\0\0", 4)), "invalid JSON"},
  };
  for (const Corruption& c : cases) {
    const std::string message = rejection(c.bytes);
    EXPECT_NE(message.find("bad.safetensors: "), std::string::npos) << c.what << ": " << message;
    EXPECT_NE(message.find(c.expected_message), std::string::npos) << c.what << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << c.what << ": one line";
  }
}

TEST(SafetensorsReject, MessagesNameTheTensor) {
  const std::string m = rejection(
      make_file(R"({"blocks.0.attn":{"dtype":"F32","shape":[3],"data_offsets":[0,4]}})", std::vector<uint8_t>(4)));
  EXPECT_NE(m.find("tensor \"blocks.0.attn\""), std::string::npos) << m;
  // A hostile name is escaped and cut to keep the message on one line.
  const std::string long_name(1000, 'n');
  const std::string m2 = rejection(make_file("{\"" + long_name + "\\n\":{\"dtype\":\"Q\",\"shape\":[],\"data_offsets\":[0,0]}}"));
  EXPECT_LT(m2.size(), 300u) << m2;
  EXPECT_EQ(m2.find('\n'), std::string::npos);
}

// Valid-or-clean-error for every input: anything but vs::Error (or a crash) fails.
void expect_clean(const std::vector<uint8_t>& bytes) {
  try {
    const SafetensorsFile f = parse_bytes(bytes);
    for (const TensorInfo& t : f.tensors()) f.read_float(t.name);
  } catch (const Error&) {
  }
}

std::vector<uint8_t> small_valid_file() {
  SafetensorsWriter w;
  w.set_metadata("k", "v");
  Tensor a({2, 2});
  a.data = {1, 2, 3, 4};
  w.add("a", a);
  w.add_f16("b", a);
  w.add_int64("c", {1}, {5});
  w.add_u8("d", {0}, {});
  return w.serialize();
}

TEST(SafetensorsCorrupt, TruncatedAtEveryHeaderByte) {
  const std::vector<uint8_t> valid = small_valid_file();
  uint64_t header_bytes;
  std::memcpy(&header_bytes, valid.data(), 8);
  for (size_t cut = 0; cut < valid.size(); ++cut) {
    const std::vector<uint8_t> truncated(valid.begin(), valid.begin() + cut);
    EXPECT_NE(rejection(truncated), "") << "truncated at " << cut << " must be rejected";
  }
  EXPECT_EQ(rejection(valid), "");
}

// The real fixture's 4 KB header, cut at every byte and with every byte flipped: no
// prefix of a file with data is valid, and no flip may crash or read out of bounds.
TEST(SafetensorsCorrupt, FixtureHeaderTruncatedAndFlipped) {
  std::ifstream in(kFixtures + "var.safetensors", std::ios::binary);
  std::vector<uint8_t> head(8);
  ASSERT_TRUE(in.read(reinterpret_cast<char*>(head.data()), 8));
  uint64_t header_bytes;
  std::memcpy(&header_bytes, head.data(), 8);
  ASSERT_LT(header_bytes, 100000u);
  head.resize(8 + header_bytes);
  ASSERT_TRUE(in.read(reinterpret_cast<char*>(head.data() + 8), header_bytes));
  for (size_t cut = 0; cut <= head.size(); ++cut)
    EXPECT_NE(rejection(std::vector<uint8_t>(head.begin(), head.begin() + cut)), "") << cut;
  for (size_t i = 0; i < head.size(); ++i) {
    std::vector<uint8_t> bytes = head;
    bytes[i] ^= 0x5A;
    expect_clean(bytes);
  }
}

TEST(SafetensorsCorrupt, FlippedHeaderBytesNeverCrash) {
  const std::vector<uint8_t> valid = small_valid_file();
  uint64_t header_bytes;
  std::memcpy(&header_bytes, valid.data(), 8);
  const uint8_t masks[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF};
  for (size_t i = 0; i < 8 + header_bytes; ++i)
    for (uint8_t mask : masks) {
      std::vector<uint8_t> bytes = valid;
      bytes[i] ^= mask;
      expect_clean(bytes);
    }
  // Replacing each header byte with each structural character.
  for (size_t i = 8; i < 8 + header_bytes; ++i)
    for (char c : std::string("{}[]\",:0-9eE.\\ ")) {
      std::vector<uint8_t> bytes = valid;
      bytes[i] = static_cast<uint8_t>(c);
      expect_clean(bytes);
    }
}

}  // namespace
}  // namespace vs::io
