// The class × seed grid without a window, on both shipped models: every cell is the image
// a single generation of its class and seed gives; the lists are checked (numbers, at most
// 4 each, classes the model has); a cancel stops between cells; the export tiles the cells
// into one PNG in the export folder and never overwrites.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "app/gui/export/export_folder.h"
#include "app/gui/session/class_seed_grid.h"
#include "core/error.h"
#include "core/io/image_io.h"
#include "tests/support/shipped_generator.h"
#include "tests/support/test_folder.h"

using namespace vs::gui;

namespace {

vs::gen::SamplingRequest base_request(const vs::gen::Generator& g) {
  vs::gen::SamplingRequest r = g.default_request();
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 4;
  return r;
}

std::vector<GridCell> run_grid(const vs::gen::Generator& g, const GridSpec& spec, bool cancel_after_first = false) {
  BackgroundJob<GridCell> job;
  std::vector<GridCell> cells;
  job.start([&](BackgroundJob<GridCell>::Context& context) { generate_grid(g, base_request(g), spec, context); });
  const auto start = std::chrono::steady_clock::now();
  while (job.running() && std::chrono::steady_clock::now() - start < std::chrono::seconds(120)) {
    for (GridCell& c : job.take()) cells.push_back(std::move(c));
    if (cancel_after_first && !cells.empty()) job.cancel();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_FALSE(job.running());
  EXPECT_EQ(job.error(), "");
  for (GridCell& c : job.take()) cells.push_back(std::move(c));
  return cells;
}

class GridTest : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(GridTest, EveryCellIsTheImageOfItsClassAndSeed) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const GridSpec spec = parse_grid_spec("7, 2", "3,11", g.info().num_classes);
  ASSERT_EQ(spec.classes, (std::vector<int>{7, 2}));
  ASSERT_EQ(spec.seeds, (std::vector<uint64_t>{3, 11}));
  const std::vector<GridCell> cells = run_grid(g, spec);
  ASSERT_EQ(cells.size(), 4u);
  for (size_t i = 0; i < cells.size(); ++i) {
    const GridCell& cell = cells[i];
    EXPECT_EQ(cell.row, int(i) / 2);
    EXPECT_EQ(cell.col, int(i) % 2);
    vs::gen::SamplingRequest single = base_request(g);
    single.labels = {spec.classes[size_t(cell.row)]};
    single.seed = spec.seeds[size_t(cell.col)];
    const vs::gen::SampleResult alone = g.sample(single);
    EXPECT_EQ(cell.side, int(alone.image01.dim(3)));
    EXPECT_EQ(cell.rgb, vs::io::image01_to_rgb8(alone.image01, 0)) << "cell " << cell.row << "," << cell.col;
  }
  EXPECT_NE(cells[0].rgb, cells[1].rgb) << "two seeds, one image";
  EXPECT_NE(cells[0].rgb, cells[2].rgb) << "two classes, one image";
}

TEST_P(GridTest, CancelStopsBetweenCells) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const std::vector<GridCell> cells = run_grid(g, parse_grid_spec("0,1,2,3", "0,1,2,3", g.info().num_classes), true);
  EXPECT_GE(cells.size(), 1u);
  EXPECT_LT(cells.size(), 16u);
}

INSTANTIATE_TEST_SUITE_P(Shipped, GridTest, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });

TEST(GridSpec, BadListsAreOneLineErrors) {
  auto message = [](const std::string& classes, const std::string& seeds, int num_classes) {
    try {
      parse_grid_spec(classes, seeds, num_classes);
    } catch (const vs::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("0,1,2,3,4", "1", 10).find("at most 4"), std::string::npos);
  EXPECT_NE(message("10", "1", 10).find("'10' is not a number in [0, 9]"), std::string::npos);
  EXPECT_NE(message("1", "x", 10).find("seeds: 'x'"), std::string::npos);
  EXPECT_NE(message("1", "-3", 10).find("seeds: '-3'"), std::string::npos);
  EXPECT_NE(message("", "1", 10).find("classes: ''"), std::string::npos);
  EXPECT_NE(message("1,,2", "1", 10).find("classes: ''"), std::string::npos);
  EXPECT_NE(message("0", "1", 0).find("unconditional"), std::string::npos);
  EXPECT_EQ(parse_grid_spec("3", "18446744073709551615", 10).seeds.front(), UINT64_MAX);
}

TEST(GridExport, OnePngOfAllCellsThatNeverOverwrites) {
  const std::string dir = vs::test::fresh_test_folder("grid_export");
  set_export_folder(dir);
  // 2 × 3 cells of side 2, each one flat colour: its position in the tiled image is checked.
  std::vector<GridCell> cells;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) {
      GridCell cell;
      cell.row = r, cell.col = c, cell.side = 2;
      cell.rgb.assign(12, uint8_t(40 * (r * 3 + c) + 30));
      cells.push_back(cell);
    }
  int width = 0, height = 0;
  const std::vector<uint8_t> tiled = tile_grid(cells, 2, 3, 1, &width, &height);
  EXPECT_EQ(width, 3 * 2 + 4);
  EXPECT_EQ(height, 2 * 2 + 3);
  auto pixel = [&](int x, int y) { return tiled[(size_t(y) * width + x) * 3]; };
  EXPECT_EQ(pixel(1, 1), 30);                       // cell (0, 0)
  EXPECT_EQ(pixel(4, 1), 70);                       // cell (0, 1)
  EXPECT_EQ(pixel(8, 5), 40 * 5 + 30);              // cell (1, 2)
  EXPECT_EQ(pixel(0, 0), 24);                       // the gap
  const std::string first = export_grid_png(cells, 2, 3);
  const std::string second = export_grid_png(cells, 2, 3);
  ASSERT_EQ(first.rfind("saved " + dir + "/varscope-grid-", 0), 0u) << first;
  ASSERT_EQ(second.rfind("saved " + dir + "/varscope-grid-", 0), 0u) << second;
  EXPECT_NE(first, second) << "the second export overwrote the first";
  const std::string path = first.substr(6, first.find(" (") - 6);
  const vs::Tensor png = vs::io::read_image(path);
  EXPECT_EQ(png.dim(2), 2 * 2 + 3 * kGridGapPixels);
  EXPECT_EQ(png.dim(3), 3 * 2 + 4 * kGridGapPixels);
  // Cells of different sizes cannot tile.
  cells[1].side = 3, cells[1].rgb.assign(27, 0);
  EXPECT_NE(export_grid_png(cells, 2, 3).find("different sizes"), std::string::npos);
  EXPECT_NE(export_grid_png({}, 2, 3).find("no image"), std::string::npos);
}
