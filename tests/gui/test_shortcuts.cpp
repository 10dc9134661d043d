// Keyboard shortcuts from the key-event queue: three quick taps between two frames are
// three actions, in order (a state poll would see at most one); a text field keeps Space
// and the arrows but not the Ctrl shortcuts; other modifiers do not trigger scale steps.
#include <gtest/gtest.h>

#include <GLFW/glfw3.h>

#include "app/gui/shell/shortcuts.h"

using namespace vs::gui;

TEST(Shortcuts, EveryQueuedPressActsInOrder) {
  KeyQueue queue;
  queue.push({GLFW_KEY_RIGHT, 0});
  queue.push({GLFW_KEY_RIGHT, 0});
  queue.push({GLFW_KEY_SPACE, 0});
  std::vector<Shortcut> actions;
  for (const KeyEvent& e : queue.take()) actions.push_back(shortcut_of(e, false));
  EXPECT_EQ(actions, (std::vector<Shortcut>{Shortcut::kNextScale, Shortcut::kNextScale, Shortcut::kPlayPause}));
  EXPECT_TRUE(queue.take().empty());  // taken once
}

TEST(Shortcuts, TextFieldsKeepTheirKeys) {
  EXPECT_EQ(shortcut_of({GLFW_KEY_SPACE, 0}, true), Shortcut::kNone);
  EXPECT_EQ(shortcut_of({GLFW_KEY_LEFT, 0}, true), Shortcut::kNone);
  EXPECT_EQ(shortcut_of({GLFW_KEY_G, GLFW_MOD_CONTROL}, true), Shortcut::kGenerate);
  EXPECT_EQ(shortcut_of({GLFW_KEY_Q, GLFW_MOD_CONTROL}, false), Shortcut::kQuit);
  EXPECT_EQ(shortcut_of({GLFW_KEY_O, GLFW_MOD_CONTROL | GLFW_MOD_SHIFT}, false), Shortcut::kOpenModel);
  EXPECT_EQ(shortcut_of({GLFW_KEY_LEFT, GLFW_MOD_ALT}, false), Shortcut::kNone);
  EXPECT_EQ(shortcut_of({GLFW_KEY_G, 0}, false), Shortcut::kNone);
}
