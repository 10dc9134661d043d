// A class × seed grid of images, like varscope-cli's --count but with a seed per column:
// cell (r, c) is exactly the image the Generation panel gives for classes[r] and seeds[c]
// (one run each, row 0 of its batch), so a cell can be regenerated alone. Runs on a
// worker, a cell at a time, publishing each as it finishes; cancellable between and
// within cells. The export tiles the cells into one PNG. All model math is core's.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/workers/background_job.h"
#include "core/generator/generator.h"

namespace vs::gui {

constexpr int kMaxGridClasses = 4, kMaxGridSeeds = 4;

struct GridSpec {
  std::vector<int> classes;        // rows
  std::vector<uint64_t> seeds;     // columns
};

struct GridCell {
  int row = 0, col = 0;
  int side = 0;               // the image is side × side
  std::vector<uint8_t> rgb;   // side² × 3
};

// "0,1,2" / "1,2" as the user typed them (spaces allowed, duplicates kept in order). Throws
// vs::Error naming the field and the piece for a bad number, an empty list, more than
// the maximum, or a class the model does not have (num_classes 0: unconditional, none).
GridSpec parse_grid_spec(const std::string& classes, const std::string& seeds, int num_classes);

// Samples every cell with `base`'s cfg, attention and extras, row by row.
void generate_grid(const gen::Generator& generator, gen::SamplingRequest base, const GridSpec& spec,
                   BackgroundJob<GridCell>::Context& context);

// The cells tiled row-major with `gap` dark pixels between them and around; cells not
// (yet) there stay dark. Throws vs::Error when the cells' sides differ or none is there.
std::vector<uint8_t> tile_grid(const std::vector<GridCell>& cells, int rows, int cols, int gap, int* width,
                               int* height);

constexpr int kGridGapPixels = 4;  // between and around the exported cells

// Writes the tiled grid (gap kGridGapPixels) as varscope-grid-<stamp>.png in the export folder (never over a
// file); returns the status line with the full path, or what could not be written.
std::string export_grid_png(const std::vector<GridCell>& cells, int rows, int cols);

}  // namespace vs::gui
