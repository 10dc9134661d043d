#include "app/gui/session/class_seed_grid.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "app/gui/export/export_folder.h"
#include "app/gui/workers/pausing_observer.h"
#include "core/error.h"
#include "core/number_text.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

// Comma-separated non-negative integers, each at most max_value.
std::vector<unsigned long long> parse_list(const std::string& text, const char* field, unsigned long long max_value,
                                           int max_count) {
  std::vector<unsigned long long> values;
  for (const std::string& item : split_items(text)) {
    const std::string piece = trim_spaces(item);
    const std::optional<unsigned long long> value = parse_whole_unsigned(piece);
    if (!value || *value > max_value)
      throw Error(std::string(field) + ": '" + piece + "' is not a number in [0, " + std::to_string(max_value) +
                  "] (write e.g. 0,1,2,3)");
    values.push_back(*value);
  }
  if (int(values.size()) > max_count)
    throw Error(std::string(field) + ": " + std::to_string(values.size()) + " given, at most " +
                std::to_string(max_count));
  return values;
}

}  // namespace

GridSpec parse_grid_spec(const std::string& classes, const std::string& seeds, int num_classes) {
  if (num_classes < 1) throw Error("classes: this model is unconditional; a class grid needs class labels");
  GridSpec spec;
  for (unsigned long long c : parse_list(classes, "classes", (unsigned long long)(num_classes - 1), kMaxGridClasses))
    spec.classes.push_back(int(c));
  for (unsigned long long s : parse_list(seeds, "seeds", UINT64_MAX, kMaxGridSeeds)) spec.seeds.push_back(s);
  return spec;
}

void generate_grid(const gen::Generator& generator, gen::SamplingRequest base, const GridSpec& spec,
                   BackgroundJob<GridCell>::Context& context) {
  const int cells = int(spec.classes.size() * spec.seeds.size());
  base.decode_each_scale = false;
  base.decode_final = true;
  base.keep_scales = 0, base.prefix.clear(), base.stop_after = -1;
  base.cancel = context.cancel_flag();
  const MeasurementQueue::WorkerActivity activity(context.cancel_flag());  // waits while a sweep times
  PausingObserver pausing(nullptr, context.cancel_flag());
  for (int i = 0; i < cells && !context.cancelled(); ++i) {
    const int row = i / int(spec.seeds.size()), col = i % int(spec.seeds.size());
    context.progress(i, cells, "class " + std::to_string(spec.classes[size_t(row)]) + ", seed " +
                                   std::to_string(spec.seeds[size_t(col)]));
    gen::SamplingRequest request = base;
    request.labels = {spec.classes[size_t(row)]};
    request.seed = spec.seeds[size_t(col)];
    const gen::SampleResult result = generator.sample(request, &pausing);
    if (result.cancelled || result.image01.numel() == 0) return;
    GridCell cell;
    cell.row = row, cell.col = col;
    cell.side = int(result.image01.dim(3));
    cell.rgb = io::image01_to_rgb8(result.image01, 0);
    context.publish(std::move(cell));
  }
  context.progress(cells, cells, "done");
}

std::vector<uint8_t> tile_grid(const std::vector<GridCell>& cells, int rows, int cols, int gap, int* width,
                               int* height) {
  if (cells.empty()) throw Error("grid: no image to export yet");
  const int side = cells.front().side;
  for (const GridCell& c : cells)
    if (c.side != side || c.rgb.size() != size_t(side) * side * 3)
      throw Error("grid: cells of different sizes (" + std::to_string(side) + " and " + std::to_string(c.side) + ")");
  *width = cols * side + (cols + 1) * gap;
  *height = rows * side + (rows + 1) * gap;
  std::vector<uint8_t> rgb(size_t(*width) * *height * 3, 24);  // the explorer's dark background
  for (const GridCell& c : cells) {
    if (c.row < 0 || c.row >= rows || c.col < 0 || c.col >= cols) continue;
    const int x0 = gap + c.col * (side + gap), y0 = gap + c.row * (side + gap);
    for (int y = 0; y < side; ++y)
      std::copy_n(c.rgb.begin() + size_t(y) * side * 3, size_t(side) * 3,
                  rgb.begin() + (size_t(y0 + y) * *width + x0) * 3);
  }
  return rgb;
}

std::string export_grid_png(const std::vector<GridCell>& cells, int rows, int cols) {
  try {
    int width = 0, height = 0;
    const std::vector<uint8_t> rgb = tile_grid(cells, rows, cols, kGridGapPixels, &width, &height);
    const std::string path = export_path("grid", "png");
    io::write_png_rgb8(path, width, height, rgb);
    return "saved " + path + " (" + std::to_string(rows) + " × " + std::to_string(cols) + " images)";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace vs::gui
