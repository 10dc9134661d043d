#version 330 core
// Maps a float matrix (one value per texel, R32F) to colour: normalise to [0, 1] between
// value_min and value_max, linearly or in log10 (values ≤ 0 clamp to the bottom), then
// look the result up in viridis, magma or a diverging blue–white–red map. The maps are
// given by nine anchor colours at t = 0, 1/8, …, 1 (the published colormaps sampled at
// those points), interpolated linearly.
in vec2 uv;
out vec4 color;
uniform sampler2D values;
uniform float value_min;
uniform float value_max;
uniform int log_scale;  // 0: linear, 1: log10
uniform int colormap;   // 0: viridis, 1: magma, 2: diverging (blue, white, red)

const vec3 kViridis[9] = vec3[9](
    vec3(0.267, 0.005, 0.329), vec3(0.279, 0.175, 0.483), vec3(0.230, 0.322, 0.546),
    vec3(0.173, 0.449, 0.558), vec3(0.128, 0.567, 0.551), vec3(0.153, 0.680, 0.504),
    vec3(0.369, 0.789, 0.383), vec3(0.678, 0.864, 0.190), vec3(0.993, 0.906, 0.144));
const vec3 kMagma[9] = vec3[9](
    vec3(0.001, 0.000, 0.014), vec3(0.110, 0.065, 0.268), vec3(0.316, 0.071, 0.485),
    vec3(0.513, 0.148, 0.508), vec3(0.716, 0.215, 0.475), vec3(0.904, 0.323, 0.389),
    vec3(0.987, 0.536, 0.382), vec3(0.996, 0.762, 0.529), vec3(0.987, 0.991, 0.750));

// ColorBrewer's RdBu, reversed so that negative is blue; white in the middle.
const vec3 kDiverging[9] = vec3[9](
    vec3(0.020, 0.188, 0.380), vec3(0.129, 0.400, 0.675), vec3(0.263, 0.576, 0.765),
    vec3(0.573, 0.773, 0.871), vec3(0.969, 0.969, 0.969), vec3(0.992, 0.859, 0.780),
    vec3(0.957, 0.647, 0.510), vec3(0.839, 0.376, 0.302), vec3(0.404, 0.000, 0.122));

vec3 lookup(float t) {
  float s = clamp(t, 0.0, 1.0) * 8.0;
  int i = min(int(floor(s)), 7);
  float f = s - float(i);
  if (colormap == 2) return mix(kDiverging[i], kDiverging[i + 1], f);
  return colormap == 1 ? mix(kMagma[i], kMagma[i + 1], f) : mix(kViridis[i], kViridis[i + 1], f);
}

void main() {
  float v = texture(values, uv).r;
  float t;
  if (log_scale == 1) {
    float lo = log(max(value_min, 1e-30)) / log(10.0);
    float hi = log(max(value_max, 1e-30)) / log(10.0);
    t = v > 0.0 ? (log(v) / log(10.0) - lo) / max(hi - lo, 1e-12) : 0.0;
  } else {
    t = (v - value_min) / max(value_max - value_min, 1e-30);
  }
  color = vec4(lookup(t), 1.0);
}
