// How much memory one allocation may ask for, checked before allocating. Linux overcommits:
// an allocation larger than the machine succeeds and the process is killed later, when the
// pages are touched; so sizes are compared up front with the budget — physical memory, or
// the address-space / data limit when lower (`prlimit --as`, `ulimit -v`) — and refused with
// one line instead.
#pragma once
#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace vs {

// Physical memory, or RLIMIT_AS / RLIMIT_DATA when lower; read once.
int64_t memory_budget_bytes();

bool fits_memory_budget(double bytes);

// Throws vs::Error "WHAT: out of memory: needs N MiB, more than the memory budget (M MiB)"
// when bytes exceed the budget. A double, so that products of dimensions cannot wrap.
void check_memory(double bytes, const std::string& what);

// A shape's extent: the product of its dims with zeros counted as 1. A tensor with no
// elements can still have dims of 2^40, and code that loops over one dim (heads, rows)
// would run that long; bounding the extent like memory (4 bytes per entry) bounds every
// such loop by the size of a tensor that could actually exist. Throws like check_memory,
// naming WHAT and the shape.
void check_shape_extent(const Shape& shape, const std::string& what);

}  // namespace vs
