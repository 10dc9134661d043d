// varscope: the explorer's entry point. Flags are parsed before any window exists, so
// --help and flag errors work without a display.
#include <cstdio>
#include <cstdlib>

#include "app/gui/shell/app.h"
#include "app/gui/shell/app_options.h"
#include "core/error.h"
#include "core/printable.h"

int main(int argc, char** argv) {
  // The UI thread (and a software OpenGL's own threads) share the cores with the model's
  // OpenMP workers: idle workers must sleep, not spin, or every frame and every scale
  // waits on them. Set before OpenMP starts; a user's own setting wins.
  setenv("OMP_WAIT_POLICY", "passive", 0);
  vs::gui::AppOptions options;
  try {
    options = vs::gui::parse_app_options(argc, argv);
  } catch (const vs::Error& e) {
    std::fprintf(stderr, "varscope: %s\n", vs::printable_message(e.what()).c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(vs::gui::app_usage().c_str(), stdout);
    return 0;
  }
  return vs::gui::run_app(options);
}
