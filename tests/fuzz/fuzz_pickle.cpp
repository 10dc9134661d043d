// libFuzzer target for the .pth / .ckpt path: the pickle VM on the raw input, the zip
// reader on the raw input, and, for zip-looking inputs, the whole load_checkpoint
// (through a temporary file, since it reads paths). Any vs::Error is a correct refusal;
// anything else (crash, sanitizer report, other exception, runaway memory) is a bug.
// Seeds: tests/data/hostile_pickle/ (raw/ holds bare pickles) and tests/data/pth_crafted/.
//   fuzz_pickle -max_total_time=60 CORPUS_DIR tests/data/hostile_pickle/raw tests/data/pth_crafted
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/pickle_reader.h"
#include "core/io/zip_reader.h"

namespace {

// Touches every node so that a bad index would show up under ASan.
void walk(const vs::io::pickle::Document& doc) {
  volatile size_t sink = 0;
  for (const auto& v : doc.values)
    for (uint32_t item : v.items) sink = sink + doc.at(item).items.size();
  for (const auto& t : doc.tensors) sink = sink + doc.storages.at(t.storage).key.size();
}

std::string temp_path() {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/fuzz_pickle_" + std::to_string(getpid()) + ".pth";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    walk(vs::io::pickle::parse("fuzz", data, size));
  } catch (const vs::Error&) {
  }
  try {
    const vs::io::ZipArchive zip = vs::io::ZipArchive::parse("fuzz", data, size);
    volatile uint8_t sink = 0;  // reads each entry's first and last byte
    for (const vs::io::ZipEntry& e : zip.entries())
      if (e.size) sink = sink + zip.data(e)[0] + zip.data(e)[e.size - 1];
  } catch (const vs::Error&) {
  }
  if (size >= 4 && data[0] == 'P' && data[1] == 'K') {
    static const std::string path = temp_path();
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(data, 1, size, f);
      std::fclose(f);
      try {
        vs::io::load_checkpoint(path);
      } catch (const vs::Error&) {
      }
    }
  }
  return 0;
}
