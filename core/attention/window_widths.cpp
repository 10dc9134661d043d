#include "core/attention/window_widths.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/io/input_file.h"
#include "core/io/json.h"

namespace vs::attention {

namespace {

constexpr const char* kFormat = "varscope-window-widths";

// Entries before query scale s in one (layer, head): 0 + 1 + … + s.
int64_t triangle(int64_t s) { return s * (s + 1) / 2; }

std::vector<int> sides_of(const CallLayout& layout) {
  std::vector<int> sides;
  for (const TokenBlock& b : layout.key_blocks) sides.push_back(b.side);
  return sides;
}

}  // namespace

WindowWidths WindowWidths::dense_table(WindowShape shape, const std::vector<int>& scales, int layers, int heads) {
  WindowWidths widths;
  widths.shape = shape;
  widths.scales = scales;
  widths.layers = layers;
  widths.heads = heads;
  widths.table.assign(size_t(layers) * heads * triangle(int64_t(scales.size())), kDenseWindow);
  return widths;
}

int64_t& WindowWidths::at(int layer, int head, int scale, int block) {
  const int64_t per_head = triangle(int64_t(scales.size()));
  return table[size_t((int64_t(layer) * heads + head) * per_head + triangle(scale) + block)];
}

int64_t WindowWidths::at(int layer, int head, int scale, int block) const {
  return const_cast<WindowWidths*>(this)->at(layer, head, scale, block);
}

void WindowWidths::check_call(const std::string& who, const CallLayout& layout, const CallSite& site,
                              int64_t call_heads) const {
  if (!calibrated()) return;
  const std::string table = "the widths of " + source;
  if (site.layer < 0)
    throw Error(who + ": " + table + " are per model layer, but this call is not a model's (use w=W here)");
  if (site.layer >= layers)
    throw Error(who + ": " + table + " cover " + std::to_string(layers) + " layers; the model has layer " +
                std::to_string(site.layer));
  if (call_heads != heads)
    throw Error(who + ": " + table + " cover " + std::to_string(heads) + " heads; the call has " +
                std::to_string(call_heads));
  const std::vector<int> sides = sides_of(layout);
  if (!layout.pyramid || sides.size() > scales.size() || !std::equal(sides.begin(), sides.end(), scales.begin()))
    throw Error(who + ": " + table + " were calibrated on scales " + pyramid_to_string(scales) +
                "; this call's keys are " +
                (layout.pyramid ? "the scales " + pyramid_to_string(sides) : std::string("not a pyramid of scales")));
}

int64_t WindowWidths::width(const CallLayout& layout, const CallLayout::QueryPlace& place, const CallSite& site,
                            int head, int block) const {
  if (calibrated()) return block > place.scale ? kDenseWindow : at(site.layer, head, place.scale, block);
  if (place.scale >= 0 && place.scale < exact_scales) return kDenseWindow;
  if (layout.is_current(place, block)) return current;
  if (block > place.scale || block < place.scale - previous_blocks) return kDenseWindow;
  return previous;
}

std::string window_widths_json(const WindowWidths& widths) {
  std::ostringstream out;
  out << "{\"format\":\"" << kFormat << "\",\"version\":1,\"model\":" << io::json::quote(widths.model)
      << ",\"shape\":\"" << window_shape_name(widths.shape) << "\",\"target_mass\":" << widths.target_mass
      << ",\"generations\":" << widths.generations << ",\"scales\":[";
  for (size_t k = 0; k < widths.scales.size(); ++k) out << (k ? "," : "") << widths.scales[k];
  out << "],\"layers\":" << widths.layers << ",\"heads\":" << widths.heads << ",\n\"widths\":[";
  const int scales = static_cast<int>(widths.scales.size());
  for (int l = 0; l < widths.layers; ++l) {
    out << (l ? ",\n" : "") << "[";
    for (int h = 0; h < widths.heads; ++h) {
      out << (h ? ",\n " : "") << "[";
      for (int s = 0; s < scales; ++s) {
        out << (s ? "," : "") << "[";
        for (int b = 0; b <= s; ++b) {
          const int64_t w = widths.at(l, h, s, b);
          out << (b ? "," : "");
          if (w == kDenseWindow) out << "\"dense\"";
          else if (w == kDroppedWindow) out << "\"drop\"";
          else out << w;
        }
        out << "]";
      }
      out << "]";
    }
    out << "]";
  }
  out << "]}\n";
  return out.str();
}

WindowWidths read_window_widths(const std::string& path) {
  io::check_regular_file(path, "window widths file");
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) throw Error(path + ": cannot read the window widths file");
  auto fail = [&](const std::string& why) -> Error { return Error(path + ": not a window widths file: " + why); };
  io::json::Value doc;
  try {
    doc = io::json::parse(buffer.str());
  } catch (const Error& e) {
    throw fail(e.what());
  }
  const io::json::Value* format = doc.find("format");
  if (!format || !format->is_string() || format->text != kFormat)
    throw fail("\"format\" is not \"" + std::string(kFormat) + "\" (write one with varscope-cli calibrate)");
  auto integer = [&](const io::json::Value* v, const std::string& name, int64_t lo, int64_t hi) {
    int64_t value = 0;
    if (!v || !v->to_int64(&value) || value < lo || value > hi)
      throw fail("\"" + name + "\" is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return value;
  };
  if (integer(doc.find("version"), "version", 1, 1000) != 1) throw fail("version is not 1");
  WindowWidths widths;
  const io::json::Value* shape = doc.find("shape");
  if (!shape || !shape->is_string() || (shape->text != "band" && shape->text != "square"))
    throw fail("\"shape\" is not \"band\" or \"square\"");
  widths.shape = shape->text == "band" ? WindowShape::kBand : WindowShape::kSquare;
  if (const io::json::Value* model = doc.find("model"); model && model->is_string()) widths.model = model->text;
  if (const io::json::Value* mass = doc.find("target_mass"); mass && mass->is_number())
    widths.target_mass = std::stod(mass->text);
  if (const io::json::Value* gens = doc.find("generations"); gens && gens->is_number())
    widths.generations = static_cast<int>(integer(gens, "generations", 0, 1 << 30));
  const io::json::Value* scales = doc.find("scales");
  if (!scales || !scales->is_array() || scales->array.empty() || scales->array.size() > 64)
    throw fail("\"scales\" is not a list of 1 to 64 sides");
  std::vector<int> sides;
  for (const io::json::Value& s : scales->array) sides.push_back(static_cast<int>(integer(&s, "scales", 1, 1 << 15)));
  const int layers = static_cast<int>(integer(doc.find("layers"), "layers", 1, 4096));
  const int heads = static_cast<int>(integer(doc.find("heads"), "heads", 1, 4096));
  const WindowWidths dense = WindowWidths::dense_table(widths.shape, sides, layers, heads);
  widths.scales = dense.scales;
  widths.layers = layers;
  widths.heads = heads;
  widths.table = dense.table;
  const io::json::Value* table = doc.find("widths");
  const int K = static_cast<int>(sides.size());
  auto list = [&](const io::json::Value* v, size_t size, const std::string& where) -> const std::vector<io::json::Value>& {
    if (!v || !v->is_array() || v->array.size() != size)
      throw fail(where + " is not a list of " + std::to_string(size));
    return v->array;
  };
  const auto& per_layer = list(table, size_t(layers), "\"widths\"");
  for (int l = 0; l < layers; ++l) {
    const auto& per_head = list(&per_layer[l], size_t(heads), "widths[" + std::to_string(l) + "]");
    for (int h = 0; h < heads; ++h) {
      const std::string where = "widths[" + std::to_string(l) + "][" + std::to_string(h) + "]";
      const auto& per_scale = list(&per_head[h], size_t(K), where);
      for (int s = 0; s < K; ++s) {
        const std::string at_scale = where + "[" + std::to_string(s) + "]";
        const auto& per_block = list(&per_scale[s], size_t(s + 1), at_scale);
        for (int b = 0; b <= s; ++b) {
          const io::json::Value& w = per_block[b];
          int64_t& entry = widths.at(l, h, s, b);
          if (w.is_string() && w.text == "dense") entry = kDenseWindow;
          else if (w.is_string() && w.text == "drop" && b != s) entry = kDroppedWindow;
          else entry = integer(&w, at_scale + "[" + std::to_string(b) + "] (an integer, \"dense\", or \"drop\" "
                                                "for an earlier block)",
                               0, int64_t(1) << 40);
        }
      }
    }
  }
  widths.source = path;
  return widths;
}

}  // namespace vs::attention
