// The structure of a PNG or JPEG file, walked before stb_image sees it. stb_image (v2.27,
// as Debian ships it) trusts what a file declares: it allocates a PNG chunk's declared
// length before checking it against the data (a 120-byte PNG asked for 1.7 GB), writes a
// JPEG Huffman table of more than 256 codes past the end of its arrays, and grows a PNG's
// inflated data up to 4 GB whatever the header's size needs. fuzz_image found the first
// two. These walks read only lengths and counts, so they cost nothing next to decoding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace vs::io {

// Throws vs::Error "LABEL: ..." unless every chunk lies within the file and the last one
// is IEND. Reads lengths only: run it before anything else parses the file.
void check_png_structure(const std::string& label, const uint8_t* bytes, size_t size);

// Throws vs::Error "LABEL: ..." when the IDAT data inflates to more than the IHDR's width x
// height needs (inflated once, into a small buffer that is thrown away): after the pixel
// budget, so that the inflation is bounded by the budget too.
void check_png_data_size(const std::string& label, const uint8_t* bytes, size_t size);

// Throws vs::Error "LABEL: ..." unless every marker segment lies within the file, every
// Huffman table holds at most 256 codes within its segment, and an end-of-image marker
// is reached after at least one scan. Run it before anything else parses the file (stbi_info reads the tables).
void check_jpeg_structure(const std::string& label, const uint8_t* bytes, size_t size);

// Throws vs::Error "LABEL: ..." when a JPEG of `size` bytes cannot hold the image data its
// width x height header declares: every 8x8 block of the full-resolution component is coded
// in a DC scan with a Huffman code of at least one bit, so the file needs at least one bit
// per block. stb decodes what is missing as blank: a 2 KB progressive JPEG declaring
// 4096x4096 became a mostly blank image with exit 0.
void check_jpeg_data_size(const std::string& label, size_t size, int width, int height);

}  // namespace vs::io
