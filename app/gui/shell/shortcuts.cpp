#include "app/gui/shell/shortcuts.h"

#include <GLFW/glfw3.h>

namespace vs::gui {

Shortcut shortcut_of(const KeyEvent& e, bool text_input) {
  const bool ctrl = (e.mods & GLFW_MOD_CONTROL) != 0;
  if (ctrl) {
    switch (e.key) {
      case GLFW_KEY_Q: return Shortcut::kQuit;
      case GLFW_KEY_S: return Shortcut::kSaveWindow;
      case GLFW_KEY_G: return Shortcut::kGenerate;
      case GLFW_KEY_O: return Shortcut::kOpenModel;
      default: return Shortcut::kNone;
    }
  }
  if (text_input || (e.mods & (GLFW_MOD_ALT | GLFW_MOD_SUPER)) != 0) return Shortcut::kNone;
  switch (e.key) {
    case GLFW_KEY_SPACE: return Shortcut::kPlayPause;
    case GLFW_KEY_LEFT: return Shortcut::kPreviousScale;
    case GLFW_KEY_RIGHT: return Shortcut::kNextScale;
    default: return Shortcut::kNone;
  }
}

}  // namespace vs::gui
