// The FlowAR run exports, without a window: every row carries the run's parameters (a
// comma in a path quoted); AR rows have no Euler step, flownet rows name their step and
// block with cross-attention counted from block 1; the theory columns are the ones
// varscope-cli inspect writes (cli::norms_csv_fields); the JSON parses and holds the same
// rows, empty cells as null; a real run of the shipped fmnist-flowar exports one row per
// head of every attention call it recorded.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "app/cli/norms_csv.h"
#include "app/gui/flowar/flowar_export.h"
#include "core/io/json.h"
#include "tests/gui/text_lines.h"

using namespace vs::gui;

namespace {

FlowArParams params() {
  FlowArParams p;
  p.class_id = 3, p.seed = 42, p.steps = 25, p.cfg = 4.3, p.guidance = 0.9, p.variant = "poly:degree=2";
  return p;
}

vs::flowar::FlowArConfig config() {
  vs::flowar::FlowArConfig c;
  c.ar_width = 64, c.ar_heads = 2, c.encoder_depth = 1, c.decoder_depth = 1;
  c.flow_width = 32, c.flow_heads = 2, c.flow_depth = 3, c.flow_block = vs::flowar::FlownetBlock::kV2;
  c.scales = {1, 2};
  return c;
}

vs::observe::HeadStats stats(int scale, int block, int head, int64_t keys, double beta, bool cross = false) {
  vs::observe::HeadStats s;
  s.site.scale = scale, s.site.block = block, s.head = head, s.queries = 4, s.keys = keys;
  if (cross) s.site.kind = vs::observe::AttentionKind::kCross;
  s.norms.beta = beta, s.norms.b_eff = beta, s.norms.max_abs_q = 0.5, s.norms.max_abs_k = 0.25;
  s.norms.threshold = 1.0, s.norms.ratio = beta;
  return s;
}

// Scale 2 (side 2): one AR head, a flownet self-attention head of block 2 at Euler step 7
// and a cross-attention head of block 1 at step 8.
std::vector<FlowArFrame> frames() {
  std::vector<FlowArFrame> f(2);
  f[0].scale = 0, f[0].side = 1, f[0].ms = 1.5;
  f[1].scale = 1, f[1].side = 2, f[1].ms = 2.25;
  f[1].ar_stats.push_back(stats(1, 1, 0, 5, 0.75));
  f[1].flow_stats.push_back(stats(1, 1, 1, 4, 1.0));
  f[1].flow_euler_step.push_back(7);
  f[1].flow_stats.push_back(stats(1, 0, 0, 4, 0.5, true));
  f[1].flow_euler_step.push_back(8);
  return f;
}

}  // namespace

TEST(FlowArExport, TimingsRowsCarryTheParameters) {
  const auto rows = lines(flowar_timings_csv("/m/a,b.safetensors", params(), frames()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "scale,side,ms,model,class,seed,cfg,guidance,steps,variant");
  EXPECT_EQ(rows[2], "2,2,2.25,\"/m/a,b.safetensors\",3,42,4.3,0.9,25,poly:degree=2");
}

TEST(FlowArExport, NormsRowsForArAndFlownet) {
  const double eps = 1e-3;
  const auto rows = lines(flowar_norms_csv("m.safetensors", params(), frames(), config(), eps));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], std::string("module,scale,euler_step,block,attention,head,") + vs::cli::kNormsCsvColumns +
                         ",epsilon,model,class,seed,cfg,guidance,steps,variant");
  const std::string tail = ",0.001,m.safetensors,3,42,4.3,0.9,25,poly:degree=2";
  EXPECT_EQ(rows[1], "ar,2,,2,self,1," + vs::cli::norms_csv_fields(stats(1, 1, 0, 5, 0.75), 32, eps) + tail);
  EXPECT_EQ(rows[2], "flownet,2,7,2,self,2," + vs::cli::norms_csv_fields(stats(1, 1, 1, 4, 1.0), 16, eps) + tail);
  EXPECT_EQ(rows[3], "flownet,2,8,1,cross,1," + vs::cli::norms_csv_fields(stats(1, 3, 0, 4, 0.5), 16, eps) + tail);
  // The theory cells are really there: a degree for β = 0.75 over 5 keys at ε = 1e-3.
  EXPECT_EQ(rows[1].find(",,,"), std::string::npos) << rows[1];
}

TEST(FlowArExport, JsonHoldsParametersTimingsAndRows) {
  const std::string text = flowar_run_json("m.safetensors", "m-vae.safetensors", params(), frames(), config(), 1e-3);
  const vs::io::json::Value doc = vs::io::json::parse(text);
  ASSERT_TRUE(doc.is_object()) << text;
  EXPECT_EQ(doc.find("model")->text, "m.safetensors");
  EXPECT_EQ(doc.find("vae")->text, "m-vae.safetensors");
  EXPECT_EQ(doc.find("class")->text, "3");
  EXPECT_EQ(doc.find("seed")->text, "42");
  EXPECT_EQ(doc.find("guidance")->text, "0.9");
  EXPECT_EQ(doc.find("steps")->text, "25");
  EXPECT_EQ(doc.find("variant")->text, "poly:degree=2");
  const vs::io::json::Value* scales = doc.find("scales");
  ASSERT_TRUE(scales && scales->is_array());
  ASSERT_EQ(scales->array.size(), 2u);
  EXPECT_EQ(scales->array[1].find("ms")->text, "2.25");
  const vs::io::json::Value* norms = doc.find("norms");
  ASSERT_TRUE(norms && norms->is_array());
  ASSERT_EQ(norms->array.size(), 3u);
  const vs::io::json::Value& ar = norms->array[0];
  EXPECT_EQ(ar.find("module")->text, "ar");
  EXPECT_EQ(ar.find("euler_step")->kind, vs::io::json::Value::Kind::Null);
  EXPECT_EQ(ar.find("tokens")->text, "5");
  EXPECT_TRUE(ar.find("zone")->is_string());
  EXPECT_TRUE(ar.find("degree_for_eps")->is_number());
  const vs::io::json::Value& cross = norms->array[2];
  EXPECT_EQ(cross.find("attention")->text, "cross");
  EXPECT_EQ(cross.find("block")->text, "1");
  EXPECT_EQ(cross.find("euler_step")->text, "8");
  EXPECT_EQ(cross.find("beta")->text, "0.5");
}

TEST(FlowArExport, NothingToExportWithoutARun) {
  FlowArSession session;
  EXPECT_EQ(export_flowar_run(session, 1e-3).rfind("nothing to export", 0), 0u);
}

TEST(FlowArExport, ARunOfTheShippedModelExportsEveryRow) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar";
  FlowArSession session;
  session.open(model + ".safetensors", "");
  FlowArParams p = params();
  p.steps = 4, p.variant = "exact";
  session.generate_after_load(p);
  const auto start = std::chrono::steady_clock::now();
  do {
    session.update();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(100));
  } while (session.busy());
  session.update();
  ASSERT_NE(session.model(), nullptr) << session.load_error();
  ASSERT_EQ(session.frames().size(), session.model()->config.scales.size()) << session.generation_error();
  size_t heads = 0;
  for (const FlowArFrame& f : session.frames()) heads += f.ar_stats.size() + f.flow_stats.size();

  // The files land in the working directory, as the explorer's other exports.
  const std::filesystem::path dir = std::filesystem::path(GUI_OUTPUT_DIR) / "flowar_export_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  const std::string message = export_flowar_run(session, 1e-3);
  std::filesystem::current_path(cwd);
  ASSERT_EQ(message.rfind("saved ", 0), 0u) << message;
  std::map<std::string, std::string> files;  // "timings" / "norms" / "run" -> text
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const char* what : {"timings", "norms", "run"})
      if (name.rfind(std::string("varscope-flowar-") + what + "-", 0) == 0) files[what] = text.str();
  }
  ASSERT_EQ(files.size(), 3u) << message;
  EXPECT_EQ(lines(files["timings"]).size(), 1 + session.frames().size());
  EXPECT_EQ(lines(files["norms"]).size(), 1 + heads);
  const vs::io::json::Value doc = vs::io::json::parse(files["run"]);
  EXPECT_EQ(doc.find("norms")->array.size(), heads);
  EXPECT_EQ(doc.find("model")->text, model + ".safetensors");
  EXPECT_EQ(doc.find("vae")->text, model + "-vae.safetensors");
}
