/* stb_image's decoder compiled into the image fuzz target, from the same Debian header the
   project builds against, so that the fuzzer sees its coverage and ASan its memory: the
   shared libstb.so is not instrumented. The target's definitions take precedence over the
   library's. */
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
