// The explorer's shell: GLFW window with an OpenGL 3.3 core context (through epoxy), Dear
// ImGui, the menu bar and the panels; sleeps on events when nothing runs; writes the
// headless screenshot; persists settings in config_directory().
#pragma once
#include "app/gui/shell/app_options.h"

namespace vs::gui {

// Returns the process exit code: 0 on success; 3 when there is no display (one line on
// stderr), 4 when no OpenGL 3.3 context could be created, 5 when the screenshot failed,
// 6 when a headless run (--frames) could not open its model, generate, or use --image.
int run_app(const AppOptions& options);

}  // namespace vs::gui
