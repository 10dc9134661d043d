#include "core/nn/denormals.h"

#if defined(__SSE3__) || defined(__x86_64__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#define VS_HAVE_MXCSR 1
#endif

namespace vs::nn {
namespace {

void set_on_this_thread() {
#ifdef VS_HAVE_MXCSR
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
}

}  // namespace

void flush_denormals_on_all_threads() {
  set_on_this_thread();
#pragma omp parallel
  { set_on_this_thread(); }
}

bool denormals_flushed_on_this_thread() {
#ifdef VS_HAVE_MXCSR
  return _MM_GET_FLUSH_ZERO_MODE() == _MM_FLUSH_ZERO_ON &&
         _MM_GET_DENORMALS_ZERO_MODE() == _MM_DENORMALS_ZERO_ON;
#else
  return false;
#endif
}

}  // namespace vs::nn
