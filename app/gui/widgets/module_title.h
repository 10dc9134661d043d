// How the panels name a module whose attention they show.
#pragma once
#include "core/observe/observer.h"

namespace vs::gui {

inline const char* module_title(observe::Module module) {
  switch (module) {
    case observe::Module::kVar: return "VAR transformer";
    case observe::Module::kAr: return "AR transformer";
    case observe::Module::kFlownet: return "flownet";
  }
  return "?";
}

}  // namespace vs::gui
