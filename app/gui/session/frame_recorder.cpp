#include "app/gui/session/frame_recorder.h"

#include <algorithm>
#include <cmath>

#include "core/io/image_io.h"

namespace vs::gui {

gen::ScaleCode first_row(const gen::ScaleCode& code, int64_t side) {
  const int64_t n = side * side;
  gen::ScaleCode row;
  if (!code.ids.empty()) row.ids.assign(code.ids.begin(), code.ids.begin() + std::min<int64_t>(n, code.ids.size()));
  if (code.latent.numel() > 0) {
    const int64_t c = code.latent.dim(-1);
    row.latent = Tensor({1, n, c});
    std::copy(code.latent.data.begin(), code.latent.data.begin() + n * c, row.latent.data.begin());
  }
  return row;
}

std::vector<float> token_view(const gen::ScaleCode& row, int64_t side) {
  const int64_t n = side * side;
  std::vector<float> view;
  view.reserve(size_t(n));
  if (!row.ids.empty()) {
    for (int64_t t = 0; t < n && t < int64_t(row.ids.size()); ++t) view.push_back(float(row.ids[t]));
    return view;
  }
  const int64_t c = row.latent.numel() > 0 ? row.latent.dim(-1) : 0;
  for (int64_t t = 0; t < n && c > 0; ++t) {
    double sum = 0;
    for (int64_t j = 0; j < c; ++j) sum += double(row.latent.data[t * c + j]) * row.latent.data[t * c + j];
    view.push_back(float(std::sqrt(sum)));
  }
  return view;
}

void FrameRecorder::on_attention(const observe::AttentionCall& call, const attention::Result& result) {
  if (call.site.row != 0 || call.site.scale < first_scale_) return;
  for (observe::HeadStats& s : observe::head_stats(call)) stats_.push_back(std::move(s));
  const auto degree = result.stats.find("degree");
  if (degree == result.stats.end()) return;
  ScaleFrame::VariantReport& v = variant_;
  const int d = int(degree->second);
  v.min_degree = v.calls == 0 ? d : std::min(v.min_degree, d);
  v.max_degree = v.calls == 0 ? d : std::max(v.max_degree, d);
  if (const auto rank = result.stats.find("rank"); rank != result.stats.end()) v.max_rank = std::max(v.max_rank, int64_t(rank->second));
  if (const auto failed = result.stats.find("failed_rows"); failed != result.stats.end()) v.failed_rows += int64_t(failed->second);
  if (!result.summary.empty()) v.last_summary = result.summary;
  ++v.calls;
}

bool FrameRecorder::on_scale(const gen::ScaleEvent& event) {
  if (event.scale < first_scale_) {
    stats_.clear();
    variant_ = {};
    return true;
  }
  ScaleFrame frame;
  frame.scale = event.scale, frame.side = event.side, frame.num_scales = event.num_scales;
  frame.code = first_row(event.code, event.side);
  frame.token_view = token_view(frame.code, event.side);
  if (event.image01) {
    frame.image_side = int(event.image01->dim(3));
    frame.rgb = io::image01_to_rgb8(*event.image01, 0);
  }
  frame.ms = event.ms;
  frame.stats.swap(stats_);
  frame.variant = std::move(variant_);
  variant_ = {};
  publish_(std::move(frame));
  return true;
}

void FrameRecorder::on_step(const gen::StepEvent& event) {
  if (step_) step_(event);
}

}  // namespace vs::gui
