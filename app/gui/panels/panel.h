// What the app shell knows about a panel: a titled window whose contents the panel draws,
// whether it has work running (the shell then keeps refreshing instead of sleeping), and
// its persisted settings.
#pragma once
#include <string>

#include "app/gui/shell/settings.h"

namespace vs::gui {

class Panel {
 public:
  virtual ~Panel() = default;
  virtual const char* title() const = 0;  // window title, also ImGui's window id
  virtual const char* key() const = 0;    // "theory", "scaling", "phase": --panel and settings
  // Called between ImGui::Begin/End of the panel's window, every frame it is visible.
  virtual void draw() = 0;
  // Called every frame even when the window is hidden or collapsed: drain worker queues.
  virtual void update() {}
  virtual bool busy() const { return false; }
  virtual void load(const Settings& settings) {}
  virtual void save(Settings& settings) const {}
  // What the panel shows, as JSON members (`"key": value, …`) for --report-json, so
  // headless tests check the screen's content without counting colours; empty: nothing.
  virtual std::string report_fields() const { return ""; }
};

}  // namespace vs::gui
