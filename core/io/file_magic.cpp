#include "core/io/file_magic.h"

#include <cstring>

namespace vs::io {
namespace {

bool starts_with(const uint8_t* bytes, size_t size, const char* magic, size_t n) {
  return size >= n && std::memcmp(bytes, magic, n) == 0;
}

}  // namespace

FileKind file_kind(const uint8_t* bytes, size_t size) {
  // safetensors first: an 8-byte little-endian header length, then '{'. Its length bytes
  // can spell "BM" or "P5" by chance; no other format here has '{' at offset 8.
  if (size >= 9 && bytes[8] == '{') return FileKind::kSafetensors;
  if (starts_with(bytes, size, "\x89PNG\r\n\x1a\n", 8)) return FileKind::kPng;
  if (starts_with(bytes, size, "\xff\xd8\xff", 3)) return FileKind::kJpeg;
  if (starts_with(bytes, size, "GIF87a", 6) || starts_with(bytes, size, "GIF89a", 6)) return FileKind::kGif;
  if (starts_with(bytes, size, "BM", 2)) return FileKind::kBmp;
  if (size >= 2 && bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '7') return FileKind::kPnm;
  if (starts_with(bytes, size, "II*\0", 4) || starts_with(bytes, size, "MM\0*", 4)) return FileKind::kTiff;
  if (starts_with(bytes, size, "RIFF", 4) && size >= 12 && std::memcmp(bytes + 8, "WEBP", 4) == 0) return FileKind::kWebp;
  if (starts_with(bytes, size, "PK\x03\x04", 4) || starts_with(bytes, size, "PK\x05\x06", 4)) return FileKind::kZip;
  if (starts_with(bytes, size, "\x1f\x8b", 2)) return FileKind::kGzip;
  if (size >= 2 && bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5) return FileKind::kPickle;
  return FileKind::kUnknown;
}

std::string describe_file_kind(FileKind kind) {
  switch (kind) {
    case FileKind::kPng: return "a PNG image";
    case FileKind::kJpeg: return "a JPEG image";
    case FileKind::kGif: return "a GIF image";
    case FileKind::kBmp: return "a BMP image";
    case FileKind::kPnm: return "a PPM/PGM/PBM image";
    case FileKind::kTiff: return "a TIFF image";
    case FileKind::kWebp: return "a WebP image";
    case FileKind::kZip: return "a zip archive (a PyTorch .pth / .ckpt checkpoint?)";
    case FileKind::kGzip: return "a gzip file";
    case FileKind::kPickle: return "a bare pickle (torch.save's legacy format?)";
    case FileKind::kSafetensors: return "a safetensors file";
    case FileKind::kUnknown: break;
  }
  return "";
}

}  // namespace vs::io
