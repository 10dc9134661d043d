// Progress of a generation on stderr (generate, edit): a line per scale and per Euler step
// (on a terminal the step lines overwrite each other, in a log every line stays), and each
// scale's pictures written where `scale_png` says when the request decodes every scale.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "core/generator/generator.h"
#include "core/io/image_io.h"

namespace vs::cli {

class GenerationProgress : public gen::GenerationObserver {
 public:
  // scale_png(image index, scale) -> path; `count` images per scale.
  GenerationProgress(std::function<std::string(long, int)> scale_png, long count)
      : scale_png_(std::move(scale_png)), count_(count), terminal_(isatty(fileno(stderr))) {}
  bool on_scale(const gen::ScaleEvent& e) override {
    std::fprintf(stderr, "%sscale %d/%d  side %d  %.1f ms\n", terminal_ ? "\r" : "", e.scale + 1, e.num_scales, e.side,
                 e.ms);
    if (e.image01)
      for (long b = 0; b < count_; ++b) io::write_png(scale_png_(b, e.scale), *e.image01, b);
    return true;
  }
  void on_step(const gen::StepEvent& e) override {
    std::fprintf(stderr, "%sscale %d/%d  step %d/%d%s", terminal_ ? "\r" : "", e.scale + 1, e.num_scales, e.step + 1,
                 e.steps, terminal_ ? "" : "\n");
    std::fflush(stderr);
  }

 private:
  std::function<std::string(long, int)> scale_png_;
  long count_;
  bool terminal_;
};

}  // namespace vs::cli
