#include "core/flowar/latent_pyramid.h"

#include <string>

#include "core/error.h"
#include "core/flowar/rope.h"
#include "core/nn/resample.h"

namespace vs::flowar {

std::vector<Tensor> latent_pyramid(const Tensor& latent, const std::vector<int>& scales) {
  if (scales.empty()) throw Error("latent pyramid: no scales");
  const int n = scales.back();
  if (latent.rank() != 4 || latent.dim(2) != n || latent.dim(3) != n)
    throw Error("latent pyramid: latent has shape " + latent.shape_str() + ", expected (B, C, " + std::to_string(n) +
                ", " + std::to_string(n) + ") for scales ending at " + std::to_string(n));
  std::vector<Tensor> pyramid;
  for (int side : scales) pyramid.push_back(channel_first_to_token_rows(nn::interpolate_area(latent, side, side)));
  return pyramid;
}

std::vector<Tensor> encode_pyramid(const KlVae& vae, const Tensor& image, const std::vector<int>& scales) {
  return latent_pyramid(vae.encode_tokens(image), scales);
}

Tensor decode_scale(const KlVae& vae, const Tensor& rows, int full_side) {
  if (rows.rank() != 3) throw Error("decode scale: token rows have shape " + rows.shape_str() + ", expected (B, s², C)");
  const int side = side_of_tokens(rows.dim(1));
  const Tensor map = token_rows_to_channel_first(rows, side, side);
  return vae.decode_tokens(nn::interpolate_bicubic(map, full_side, full_side));
}

}  // namespace vs::flowar
