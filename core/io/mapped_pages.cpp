#include "core/io/mapped_pages.h"

#include <sys/mman.h>
#include <unistd.h>

namespace vs::io {

void release_mapped_pages(const uint8_t* begin, size_t bytes) {
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(begin) + bytes) / page * page;
  // Advice only: a failure leaves the pages resident, which is merely the old behaviour.
  if (end > first) madvise(reinterpret_cast<void*>(first), end - first, MADV_DONTNEED);
}

}  // namespace vs::io
