#include "core/edit/edit_defaults.h"

namespace vs::gen {

SamplingRequest edit_defaults(SamplingRequest request) {
  if (VarExtra* var = std::get_if<VarExtra>(&request.extra)) {
    request.cfg = 3.0;
    var->top_k = 900;
    var->top_p = 0.95;
    var->more_smooth = true;
  }
  request.labels = {-1};  // in- and out-painting; another class edits toward it
  return request;
}

}  // namespace vs::gen
