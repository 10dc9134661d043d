#include "core/parallel.h"

#include <new>

#include "core/error.h"

namespace vs {

void ParallelErrors::rethrow_if_failed() const {
  if (!first_) return;
  try {
    std::rethrow_exception(first_);
  } catch (const std::bad_alloc&) {
    throw Error(who_ + ": out of memory");
  }
}

}  // namespace vs
