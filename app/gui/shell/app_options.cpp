#include "app/gui/shell/app_options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include "core/accel/accel_spec.h"
#include "core/attention/attention.h"
#include "core/error.h"
#include "core/number_text.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

int parse_int(const std::string& flag, const std::string& text, int lo, int hi) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < lo || value > hi)
    throw Error(flag + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "], got '" + text + "'");
  return int(value);
}

// "y0,x0,y1,x1": four fractions with 0 ≤ y0 < y1 ≤ 1 and 0 ≤ x0 < x1 ≤ 1.
std::vector<double> parse_fractions(const std::string& flag, const std::string& text) {
  std::vector<double> values;
  bool numbers = true;
  for (const std::string& item : split_items(text)) {
    const std::optional<double> v = parse_whole_double(item);
    numbers = numbers && v.has_value();
    values.push_back(v.value_or(0));
  }
  const bool ok = numbers && values.size() == 4 && values[0] >= 0 && values[0] < values[2] && values[2] <= 1 &&
                  values[1] >= 0 && values[1] < values[3] && values[3] <= 1;
  if (!ok) throw Error(flag + ": expected y0,x0,y1,x1 with 0 <= y0 < y1 <= 1 and 0 <= x0 < x1 <= 1, got '" + text + "'");
  return values;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// "F:KEY,F:KEY,…" with KEY space, left or right; sorted by frame (stable, so two keys of
// one frame keep their order).
std::vector<KeyPress> parse_keys(const std::string& text) {
  std::vector<KeyPress> keys;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t colon = item.find(':');
    if (colon == std::string::npos)
      throw Error("--keys: expected FRAME:KEY items (KEY space, left or right), got '" + item + "'");
    KeyPress press;
    press.frame = parse_int("--keys", item.substr(0, colon), 1, 1000000);
    const std::string key = lower(item.substr(colon + 1));
    if (key == "space") press.key = KeyPress::Key::kSpace;
    else if (key == "left") press.key = KeyPress::Key::kLeft;
    else if (key == "right") press.key = KeyPress::Key::kRight;
    else throw Error("--keys: unknown key '" + item.substr(colon + 1) + "'; valid: space, left, right");
    keys.push_back(press);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::stable_sort(keys.begin(), keys.end(), [](const KeyPress& a, const KeyPress& b) { return a.frame < b.frame; });
  return keys;
}

}  // namespace

std::string canonical_panel_name(const std::string& name) {
  const std::string n = lower(name);
  if (n == "theory" || n == "threshold" || n == "threshold & theory") return "theory";
  if (n == "scaling" || n == "runtime" || n == "runtime scaling") return "scaling";
  if (n == "phase" || n == "phase transition") return "phase";
  if (n == "generation" || n == "generate") return "generation";
  if (n == "strip" || n == "coarse-to-fine" || n == "scales") return "strip";
  if (n == "attention" || n == "attention inspector") return "attention";
  if (n == "compare" || n == "exact vs approximate") return "compare";
  if (n == "accelerate" || n == "acceleration") return "accelerate";
  if (n == "criterion") return "criterion";
  if (n == "gauges" || n == "norms" || n == "norm gauges") return "gauges";
  if (n == "own_image" || n == "image" || n == "your image") return "own_image";
  if (n == "lessons" || n == "lesson") return "lessons";
  if (n == "grid" || n == "class × seed grid" || n == "class x seed grid") return "grid";
  return "";
}

std::string app_usage() {
  return "usage: varscope [--frames N] [--screenshot OUT.png] [--panel NAME] [--size WxH]\n"
         "                [--wait-workers SECONDS] [--workspace var|theory|lessons] [--lesson N [--run-lesson] [--presenter]]\n"
         "                [--model VAR --vae VAE [--patch-nums 1,2,...] --generate --class C --seed S]\n"
         "                [--image PNG [--keep-scales K | --edit-box B | --edit-mask M]] [--report-json PATH] [--keys F:KEY,...] [--help]\n"
         "  The VARScope explorer: attention scaling, the threshold picture, the phase transition.\n"
         "  --frames N             render N frames and exit (headless testing; needs a display or xvfb-run)\n"
         "  --screenshot OUT.png   after the last frame, write the window's pixels to OUT.png\n"
         "                         (implies --frames 20 when --frames is not given)\n"
         "  --panel NAME           show only one panel, full window: generation, strip, attention,\n"
         "                         gauges, compare, accelerate, criterion, image, grid, theory, scaling, phase\n"
         "  --workspace W          var (generation, scales, attention, gauges; default), theory or lessons\n"
         "  --lesson N             open the Lessons workspace on chapter N (1-8)\n"
         "  --run-lesson           press that chapter's Run it once the explorer has started\n"
         "  --presenter            Lessons in presenter mode (larger text; PageUp/PageDown or arrows step chapters)\n"
         "  --model PATH           VAR or FlowAR checkpoint to open (.safetensors or .pth), a shipped name,\n"
         "                         or random:var-d16 / random:flowar-S (official shapes, random weights)\n"
         "  --vae PATH             its VQ-VAE (default: <model name>-vae next to it)\n"
         "  --patch-nums LIST      token-map sides when the checkpoint does not say, e.g. 1,2,3,4,5,6,8\n"
         "  --precision fp32|bf16  the transformers' Linear weights: float32 (default) or bfloat16\n"
         "  --generate             headless: generate once the model is open (use with --wait-workers)\n"
         "  --class C, --seed S    the class and seed of that generation\n"
         "  --select S,L,H[,Q]     select scale S, layer L, head H (and pin query token Q), 1-based\n"
         "  --attention SPEC       generate with this attention variant (as varscope-cli's --attention)\n"
         "  --accel SPEC           once generated, run it again with these acceleration methods against exact\n"
         "  --compare SPEC         once generated, regenerate the same seed with this attention variant\n"
         "                         (e.g. poly:degree=2) and show exact vs approximate\n"
         "  --compare-view VIEW    what the compare panel opens on: images (default) or maps (the\n"
         "                         selected site's exact and approximate attention and their difference)\n"
         "  --grid CLASSES/SEEDS   once the model is open, generate a class × seed grid, e.g. 0,1,2,3/1,2\n"
         "  --browse WHAT          open the file browser at start: model, image or export (folder)\n"
         "  --config-dir DIR       keep settings and sweep results in DIR instead of ~/.config/varscope\n"
         "                         (headless runs read it too; without it they read no settings)\n"
         "  --report-json PATH     at exit, write the model / error / generation state as JSON\n"
         "  --image PATH           encode this PNG/JPEG with the model's VQ-VAE (the Your image panel)\n"
         "  --fit crop|pad         a picture that is not square: centre-crop it (default) or letterbox it\n"
         "  --keep-scales K        then regenerate it keeping its first K token maps (0 = none)\n"
         "  --ui-scale S           widgets and fonts at scale S (default: the monitor's content scale)\n"
         "  --criterion N          run the Criterion panel (every head's zone) over N images once the model is open\n"
         "  --edit-box Y0,X0,Y1,X1 or edit it: generate this box (fractions of the image), keep the rest\n"
         "  --edit-mask PNG        ... or generate the white of this mask picture\n"
         "  --outpaint             keep the box/mask instead and generate the rest\n"
         "  --edit-class C         a class edit toward class C (else unconditional); --edit-count N results\n"
         "  --keys F:KEY,...       headless: press KEY (space, left, right: the scale strip's keys) F\n"
         "                         frames after the run would have ended (--frames drawn, workers idle)\n"
         "  --size WxH             window size in pixels (default 1600x1000)\n"
         "  --wait-workers S       headless: keep rendering until background runs finish, at most S s\n"
         "  --help                 this text\n"
         "  Settings and layout live in $XDG_CONFIG_HOME/varscope (default ~/.config/varscope);\n"
         "  headless runs (--frames) neither read nor write them.\n"
         "  Without a display, run under xvfb-run or use varscope-cli.\n";
}

AppOptions parse_app_options(int argc, const char* const* argv) {
  AppOptions options;
  bool frames_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw Error(flag + ": missing value (see --help)");
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      options.help = true;
    } else if (flag == "--frames") {
      options.frames = parse_int(flag, value(), 1, 1000000);
      frames_given = true;
    } else if (flag == "--screenshot") {
      options.screenshot_path = value();
      if (options.screenshot_path.empty()) throw Error("--screenshot: empty path");
    } else if (flag == "--panel") {
      const std::string name = value();
      options.panel = canonical_panel_name(name);
      if (options.panel.empty())
        throw Error("--panel: unknown panel '" + name +
                    "'; valid: generation, strip, attention, gauges, compare, accelerate, criterion, image, grid, theory, "
                    "scaling, phase, lessons");
    } else if (flag == "--size") {
      const std::string text = value();
      const size_t x = text.find('x');
      if (x == std::string::npos) throw Error("--size: expected WxH, e.g. 1600x1000, got '" + text + "'");
      options.width = parse_int(flag, text.substr(0, x), 320, 8192);
      options.height = parse_int(flag, text.substr(x + 1), 240, 8192);
    } else if (flag == "--wait-workers") {
      const std::string text = value();
      char* end = nullptr;
      options.wait_workers_s = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(options.wait_workers_s >= 0 && options.wait_workers_s <= 3600))
        throw Error("--wait-workers: expected seconds in [0, 3600], got '" + text + "'");
    } else if (flag == "--model") {
      options.model_path = value();
    } else if (flag == "--vae") {
      options.vae_path = value();
    } else if (flag == "--patch-nums") {
      options.patch_nums = value();
    } else if (flag == "--precision") {
      try {
        options.precision = parse_precision(value());
      } catch (const Error& e) {
        throw Error("--precision: " + std::string(e.what()));
      }
    } else if (flag == "--generate") {
      options.generate = true;
    } else if (flag == "--class") {
      options.class_id = parse_int(flag, value(), 0, 100000);
    } else if (flag == "--seed") {
      options.seed = parse_int(flag, value(), 0, 2147483647);
    } else if (flag == "--select") {
      // step,layer,head[,query], 1-based as the UI shows them.
      const std::string text = value();
      std::vector<int> v;
      size_t start = 0;
      while (true) {
        const size_t comma = text.find(',', start);
        v.push_back(parse_int(flag, text.substr(start, comma == std::string::npos ? std::string::npos : comma - start), 1, 1000000));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (v.size() < 3 || v.size() > 4) throw Error("--select: expected step,layer,head[,query] (1-based), got '" + text + "'");
      options.select_step = v[0] - 1, options.select_layer = v[1] - 1, options.select_head = v[2] - 1;
      options.select_query = v.size() == 4 ? v[3] - 1 : -1;
    } else if (flag == "--compare") {
      options.compare_spec = value();
    } else if (flag == "--config-dir") {
      options.config_dir = value();
      if (options.config_dir.empty()) throw Error("--config-dir: empty path");
    } else if (flag == "--grid") {
      options.grid = value();
      if (options.grid.find('/') == std::string::npos)
        throw Error("--grid: expected CLASSES/SEEDS, e.g. 0,1,2,3/1,2, got '" + options.grid + "'");
    } else if (flag == "--compare-view") {
      options.compare_view = value();
      if (options.compare_view != "images" && options.compare_view != "maps")
        throw Error("--compare-view: expected images or maps, got '" + options.compare_view + "'");
    } else if (flag == "--accel") {
      options.accel_spec = value();
      accel::parse_accel(options.accel_spec);  // a malformed spec is a flag error, before any window
    } else if (flag == "--attention") {
      options.attention = value();
      attention::make_variant(options.attention);  // a bad spec is a flag error, before any window
    } else if (flag == "--browse") {
      options.browse = value();
      if (options.browse != "model" && options.browse != "image" && options.browse != "export")
        throw Error("--browse: expected model, image or export, got '" + options.browse + "'");
    } else if (flag == "--report-json") {
      options.report_json = value();
    } else if (flag == "--image") {
      options.image_path = value();
      if (options.image_path.empty()) throw Error("--image: empty path");
    } else if (flag == "--keep-scales") {
      options.keep_scales = parse_int(flag, value(), 0, 1000);
    } else if (flag == "--fit") {
      options.fit = value();
      io::parse_square_fit(options.fit, "--fit");  // crop or pad, checked here
    } else if (flag == "--ui-scale") {
      const std::string text = value();
      char* end = nullptr;
      options.ui_scale = std::strtof(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(options.ui_scale >= 0.5f && options.ui_scale <= 4.0f))
        throw Error("--ui-scale: expected a number in [0.5, 4], got '" + text + "'");
    } else if (flag == "--criterion") {
      options.criterion_samples = parse_int(flag, value(), 1, 64);
    } else if (flag == "--edit-box") {
      options.edit_box = parse_fractions(flag, value());
    } else if (flag == "--edit-mask") {
      options.edit_mask = value();
      if (options.edit_mask.empty()) throw Error("--edit-mask: empty path");
    } else if (flag == "--outpaint") {
      options.outpaint = true;
    } else if (flag == "--edit-class") {
      options.edit_class = parse_int(flag, value(), 0, 1 << 20);
    } else if (flag == "--edit-count") {
      options.edit_count = parse_int(flag, value(), 1, 4);
    } else if (flag == "--keys") {
      options.keys = parse_keys(value());
    } else if (flag == "--workspace") {
      options.workspace = lower(value());
      if (options.workspace != "var" && options.workspace != "theory" && options.workspace != "lessons")
        throw Error("--workspace: expected var, theory or lessons, got '" + options.workspace + "'");
    } else if (flag == "--lesson") {
      options.lesson = parse_int(flag, value(), 1, 99);
      options.workspace = "lessons";
    } else if (flag == "--run-lesson") {
      options.run_lesson = true;
    } else if (flag == "--presenter") {
      options.presenter = true;
    } else {
      throw Error("unknown flag '" + flag + "' (see --help)");
    }
  }
  if (options.keep_scales >= 0 && options.image_path.empty()) throw Error("--keep-scales: needs --image");
  if (!options.edit_box.empty() && !options.edit_mask.empty()) throw Error("--edit-box and --edit-mask: give one");
  if (options.edits() && options.image_path.empty()) throw Error("--edit-box/--edit-mask: needs --image");
  if (options.edits() && options.keep_scales >= 0) throw Error("--keep-scales and an edit: give one");
  if (!options.edits() && (options.outpaint || options.edit_class >= 0 || options.edit_count != 1))
    throw Error("--outpaint, --edit-class and --edit-count: need --edit-box or --edit-mask");
  if (options.run_lesson && options.lesson == 0) throw Error("--run-lesson: needs --lesson N");
  if (!options.screenshot_path.empty() && !frames_given) options.frames = 20;
  // Keys are pressed by the headless frame loop only; interactively the user has a keyboard.
  if (!options.keys.empty() && options.frames == 0) throw Error("--keys: needs --frames or --screenshot");
  return options;
}

}  // namespace vs::gui
