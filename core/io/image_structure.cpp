#include "core/io/image_structure.h"

#include <zlib.h>

#include <cstdio>
#include <vector>

#include "core/error.h"
#include "core/printable.h"

namespace vs::io {
namespace {

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }

// Bytes of filtered scanlines a PNG of this IHDR inflates to, with room for Adam7's seven
// passes (each row of each pass has its own filter byte); 0 when the IHDR is not one stb
// would accept anyway (it then refuses the file itself).
double png_inflated_bytes(const uint8_t* ihdr) {
  const double w = be32(ihdr), h = be32(ihdr + 4);
  const int depth = ihdr[8], color = ihdr[9];
  const int channels = color == 0 ? 1 : color == 2 ? 3 : color == 3 ? 1 : color == 4 ? 2 : color == 6 ? 4 : 0;
  if (channels == 0 || depth < 1 || depth > 16) return 0;
  const double row_bytes = (w * channels * depth + 7) / 8 + 1;
  return h * row_bytes + 7 * (h + 8) + 64;
}

// Inflates the IDAT data without keeping it, stopping as soon as it passes `limit` bytes.
// Returns the inflated size (more than `limit` when it passed it); damaged data ends the
// count early and is left for stb to name.
double inflated_size(const std::vector<const uint8_t*>& parts, const std::vector<uint32_t>& sizes, double limit) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return 0;
  unsigned char sink[1 << 15];
  double total = 0;
  int status = Z_OK;
  for (size_t i = 0; i < parts.size() && status == Z_OK && total <= limit; ++i) {
    z.next_in = const_cast<Bytef*>(parts[i]);
    z.avail_in = sizes[i];
    while (z.avail_in > 0 && status == Z_OK && total <= limit) {
      z.next_out = sink;
      z.avail_out = sizeof sink;
      status = inflate(&z, Z_NO_FLUSH);
      total += double(sizeof sink - z.avail_out);
      if (status == Z_BUF_ERROR) status = Z_OK;  // only "no progress possible yet"
    }
  }
  inflateEnd(&z);
  return total;
}

}  // namespace

namespace {

struct PngChunk {
  std::string type;
  const uint8_t* data;
  uint32_t length;
};

// Every chunk up to IEND; throws unless each lies within the file and IEND is reached.
std::vector<PngChunk> png_chunks(const std::string& label, const uint8_t* bytes, size_t size) {
  std::vector<PngChunk> chunks;
  size_t pos = 8;  // after the signature
  for (;;) {
    if (size - pos < 12) throw Error(label + ": the PNG image is truncated (no IEND chunk at its end)");
    const uint32_t length = be32(bytes + pos);
    const std::string type(reinterpret_cast<const char*>(bytes + pos + 4), 4);
    if (length > 0x7fffffffu || length > size - pos - 12)
      throw Error(label + ": the PNG image is truncated (chunk " + printable_name(type) + " declares " +
                  std::to_string(length) + " bytes; " + std::to_string(size - pos - 12) + " are left)");
    chunks.push_back({type, bytes + pos + 8, length});
    pos += 12 + size_t(length);
    if (type == "IEND") return chunks;
  }
}

}  // namespace

void check_png_structure(const std::string& label, const uint8_t* bytes, size_t size) {
  png_chunks(label, bytes, size);
}

void check_png_data_size(const std::string& label, const uint8_t* bytes, size_t size) {
  const std::vector<PngChunk> chunks = png_chunks(label, bytes, size);
  if (chunks.empty() || chunks[0].type != "IHDR" || chunks[0].length != 13) return;  // stb names it
  const uint8_t* ihdr = chunks[0].data;
  const double needed = png_inflated_bytes(ihdr);
  if (needed <= 0) return;
  std::vector<const uint8_t*> idat;
  std::vector<uint32_t> idat_sizes;
  for (const PngChunk& c : chunks)
    if (c.type == "IDAT") {
      idat.push_back(c.data);
      idat_sizes.push_back(c.length);
    }
  if (inflated_size(idat, idat_sizes, needed) > needed)
    throw Error(label + ": the PNG image data inflates to more than the " + std::to_string(int64_t(needed)) +
                " bytes its " + std::to_string(be32(ihdr)) + "x" + std::to_string(be32(ihdr + 4)) +
                " header needs (a decompression bomb?)");
}

void check_jpeg_structure(const std::string& label, const uint8_t* bytes, size_t size) {
  const auto truncated = [&] {
    return Error(label + ": the JPEG image is truncated (no end-of-image marker at its end)");
  };
  size_t pos = 2;  // after SOI
  bool scan = false;
  for (;;) {
    // Between segments (and inside entropy-coded data) skip to the next marker, as stb does.
    while (pos < size && bytes[pos] != 0xff) ++pos;
    while (pos < size && bytes[pos] == 0xff) ++pos;  // fill bytes
    if (pos >= size) throw truncated();
    const uint8_t marker = bytes[pos++];
    if (marker == 0xd9) {  // EOI
      // stb turns a frame without a scan into a blank image of the declared size.
      if (!scan) throw Error(label + ": the JPEG image has no scan (no image data before its end-of-image marker)");
      return;
    }
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;  // stuffed, TEM, RST, SOI
    if (size - pos < 2) throw truncated();
    const uint32_t length = be16(bytes + pos);
    if (length < 2 || length > size - pos) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", marker);
      throw Error(label + ": the JPEG image is truncated (segment " + hex + " declares " + std::to_string(length) +
                  " bytes; " + std::to_string(size - pos) + " are left)");
    }
    if (marker == 0xc4) {  // DHT: tables of 1 + 16 + n bytes, n the sum of the 16 counts
      size_t at = pos + 2;
      const size_t end = pos + length;
      while (at < end) {
        if (end - at < 17) throw Error(label + ": a JPEG Huffman table is cut short");
        size_t codes = 0;
        for (int i = 1; i <= 16; ++i) codes += bytes[at + i];
        if (codes > 256)
          throw Error(label + ": a JPEG Huffman table declares " + std::to_string(codes) + " codes (at most 256)");
        if (end - at - 17 < codes) throw Error(label + ": a JPEG Huffman table is cut short");
        at += 17 + codes;
      }
    }
    scan = scan || marker == 0xda;
    pos += length;  // after SOS, its entropy-coded data is skipped like the gap between segments
  }
}

void check_jpeg_data_size(const std::string& label, size_t size, int width, int height) {
  const int64_t blocks = ((int64_t(width) + 7) / 8) * ((int64_t(height) + 7) / 8);
  const int64_t needed = (blocks + 7) / 8;
  if (int64_t(size) < needed)
    throw Error(label + ": the JPEG image is truncated: its " + std::to_string(width) + "x" + std::to_string(height) +
                " header needs at least " + std::to_string(needed) + " bytes of image data (one bit per 8x8 block), " +
                "the file has " + std::to_string(size));
}

}  // namespace vs::io
