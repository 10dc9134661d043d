// libFuzzer target for the image path a user's picture takes: decode_image (format from
// the magic bytes, completeness, pixel and memory budget, then stb_image) and fit_square.
// Any input either decodes to pixels in [-1, 1] or throws vs::Error; anything else (a
// crash, a sanitizer report, another exception, a value outside [-1, 1]) is a finding.
// stb_image itself is compiled into this target (stb_image_impl.c) so that it is
// instrumented too. Seeds: the images/ folder of tools/make_hostile_inputs.py.
//   fuzz_image -max_total_time=60 -rss_limit_mb=2048 CORPUS_DIR HOSTILE_DIR/images
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/error.h"
#include "core/io/image_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const vs::Tensor image = vs::io::decode_image("fuzz", data, size);
    for (float x : image.data)
      if (!(x >= -1.0f && x <= 1.0f)) std::abort();
    const vs::Tensor square = vs::io::fit_square(image, 8);
    for (float x : square.data)
      if (!(x >= -1.0f && x <= 1.0f)) std::abort();
  } catch (const vs::Error&) {
  }
  return 0;
}
