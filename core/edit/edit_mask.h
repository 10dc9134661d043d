// The keep masks of zero-shot editing (EditRequest, VAR's edit demo): the user's mask at
// the last scale's side, and the same mask at every scale as the samplers apply it.
#pragma once
#include <cstdint>
#include <vector>

#include "core/generator/generator.h"
#include "core/tensor.h"

namespace vs::gen {

// `keep` (from_side² values) at `side`: bilinear resize with half-pixel centres (PyTorch's
// interpolate(mode="bilinear", align_corners=False), in float as the reference computes
// it), then > 0.5. A scale of ≤ 3 tokens keeps everything (the demo's rule: a scale that
// small only carries the image's overall colour).
std::vector<uint8_t> keep_at_side(const std::vector<float>& keep, int from_side, int side);

// The demo's get_edit_mask at `side`: the box [y0, y1) × [x0, x1) in fractions of the image
// covers rows round(y0·side)..round(y1·side) (round half to even, as Python's round).
// In-painting generates the box and keeps the rest; out-painting keeps the box and
// generates the rest. Throws vs::Error unless 0 ≤ y0 < y1 ≤ 1 and 0 ≤ x0 < x1 ≤ 1.
std::vector<float> box_keep_mask(int side, double y0, double x0, double y1, double x1, bool outpaint);

// A painted mask picture (1, 3, side, side) in [−1, 1] (io::read_image_square of the
// mask PNG) as a keep mask: a token is generated where the picture's grey level averages
// ≥ ½ (white paint = generate), kept elsewhere; `outpaint` swaps the two.
std::vector<float> keep_mask_from_picture(const Tensor& picture, bool outpaint);

// Every scale's keep mask of `edit` for a model with `scales`, after checking the mask: it
// holds last side² finite values in [0, 1], and the image's pyramid has every scale.
// Family-specific checks of the pyramid's contents stay with the samplers' callers.
std::vector<std::vector<uint8_t>> keep_masks_for_scales(const EditRequest& edit, const std::vector<int>& scales);

// The number of rows a scale code of `per_row` values holds: 1 (shared by the whole batch)
// or `batch`; anything else is one vs::Error naming the scale.
int64_t edit_rows(int64_t values, int64_t per_row, int64_t batch, int scale);

}  // namespace vs::gen
