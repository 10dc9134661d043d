#include "core/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace vs {
namespace {

int64_t read_budget() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  int64_t budget = pages > 0 && page_size > 0 ? int64_t(pages) * page_size : int64_t(1) << 62;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit limit {};
    if (getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      budget = std::min<int64_t>(budget, int64_t(std::min<rlim_t>(limit.rlim_cur, rlim_t(1) << 62)));
  }
  return budget;
}

std::string mebibytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f MiB", std::ceil(bytes / (1024.0 * 1024.0)));
  return text;
}

}  // namespace

int64_t memory_budget_bytes() {
  static const int64_t budget = read_budget();
  return budget;
}

bool fits_memory_budget(double bytes) { return bytes <= double(memory_budget_bytes()); }

void check_memory(double bytes, const std::string& what) {
  if (!fits_memory_budget(bytes))
    throw Error(what + ": out of memory: needs " + mebibytes(bytes) + ", more than the memory budget (" +
                mebibytes(double(memory_budget_bytes())) + ")");
}

void check_shape_extent(const Shape& shape, const std::string& what) {
  double extent = 1;
  for (int64_t d : shape) extent *= double(std::max<int64_t>(d, 1));
  if (!fits_memory_budget(extent * sizeof(float)))
    throw Error(what + ": shape " + shape_to_string(shape) + " is out of bounds: its dims (empty ones as 1) need " +
                mebibytes(extent * sizeof(float)) + ", more than the memory budget (" +
                mebibytes(double(memory_budget_bytes())) + ")");
}

}  // namespace vs
