// Dropping the resident pages of a read-only file mapping once its bytes are copied out:
// the loaders copy every tensor out of an mmap'ed checkpoint, and without this the peak
// memory of a load is the file plus its tensors (2x the weights).
#pragma once
#include <cstddef>
#include <cstdint>

namespace vs::io {

// madvise(MADV_DONTNEED) on the whole pages inside [begin, begin + bytes) of a read-only
// private file mapping (never call it on heap memory: the pages would read back as zeros).
void release_mapped_pages(const uint8_t* begin, size_t bytes);

}  // namespace vs::io
