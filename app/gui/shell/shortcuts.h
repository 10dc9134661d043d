// The explorer's keyboard shortcuts, read from a queue of key events rather than from the
// keys' state each frame: at a low frame rate (software OpenGL, a busy machine) a quick
// tap goes down and up between two frames and a state poll never sees it, while the
// queue keeps every press in order. No window needed: tested on its own.
#pragma once
#include <vector>

namespace vs::gui {

struct KeyEvent {
  int key = 0;   // GLFW key code
  int mods = 0;  // GLFW modifier bits
};

enum class Shortcut { kNone, kQuit, kSaveWindow, kGenerate, kOpenModel, kPlayPause, kPreviousScale, kNextScale };

// What a press means. While a text field has the keyboard only Ctrl shortcuts act (Space
// and the arrows belong to the field).
Shortcut shortcut_of(const KeyEvent& event, bool text_input);

// Presses (and auto-repeats) queued by the GLFW key callback on the UI thread, taken once
// per frame.
class KeyQueue {
 public:
  void push(const KeyEvent& event) { events_.push_back(event); }
  std::vector<KeyEvent> take() {
    std::vector<KeyEvent> out;
    out.swap(events_);
    return out;
  }

 private:
  std::vector<KeyEvent> events_;
};

}  // namespace vs::gui
