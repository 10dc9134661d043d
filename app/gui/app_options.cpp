#include "app/gui/app_options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/error.h"

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

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

std::string canonical_panel_name(const std::string& name) {
  const std::string n = lower(name);
  if (n == "theory" || n == "threshold" || n == "threshold & theory") return "theory";
  if (n == "scaling" || n == "runtime" || n == "runtime scaling") return "scaling";
  if (n == "phase" || n == "phase transition") return "phase";
  return "";
}

std::string app_usage() {
  return "usage: varscope [--frames N] [--screenshot OUT.png] [--panel NAME] [--size WxH]\n"
         "                [--wait-workers SECONDS] [--help]\n"
         "  The VARScope explorer: attention scaling, the threshold picture, the phase transition.\n"
         "  --frames N             render N frames and exit (headless testing; needs a display or xvfb-run)\n"
         "  --screenshot OUT.png   after the last frame, write the window's pixels to OUT.png\n"
         "                         (implies --frames 20 when --frames is not given)\n"
         "  --panel NAME           show only one panel, full window: theory, scaling, phase\n"
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
        throw Error("--panel: unknown panel '" + name + "'; valid: theory, scaling, phase");
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
    } else {
      throw Error("unknown flag '" + flag + "' (see --help)");
    }
  }
  if (!options.screenshot_path.empty() && !frames_given) options.frames = 20;
  return options;
}

}  // namespace vs::gui
