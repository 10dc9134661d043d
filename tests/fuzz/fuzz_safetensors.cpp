// libFuzzer entry for the safetensors parser: any input either parses (then every tensor
// is read, touching every byte the header claims) or throws vs::Error. Anything else
// (a crash, a sanitizer report, another exception type) is a finding.
// Seed with tests/data/hostile_safetensors (its valid/ subfolder included).
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "core/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const vs::io::SafetensorsFile file = vs::io::SafetensorsFile::parse("fuzz", data, size);
    for (const vs::io::TensorInfo& t : file.tensors()) {
      file.read_float(t.name);
      if (t.dtype != vs::io::DType::F32 && t.dtype != vs::io::DType::F64 &&
          t.dtype != vs::io::DType::F16 && t.dtype != vs::io::DType::BF16)
        file.read_int64(t.name);
    }
    for (const auto& [key, value] : file.metadata()) (void)key, (void)value;
  } catch (const vs::Error&) {
  }
  return 0;
}
