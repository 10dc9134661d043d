// What a file is, from its first bytes, for messages: a PNG given where a safetensors
// file belongs should be told "this is a PNG image", not "header length 727905341 runs
// past the end of the file".
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace vs::io {

enum class FileKind { kUnknown, kPng, kJpeg, kGif, kBmp, kPnm, kTiff, kWebp, kZip, kGzip, kPickle, kSafetensors };

// From the first bytes (pass what there is; 16 are enough).
FileKind file_kind(const uint8_t* bytes, size_t size);

// "a PNG image", "a zip archive (a PyTorch .pth / .ckpt checkpoint?)", ... ; "" if unknown.
std::string describe_file_kind(FileKind kind);

}  // namespace vs::io
