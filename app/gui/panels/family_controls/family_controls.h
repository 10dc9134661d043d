// The only family-specific sampling widgets: each family's extras (VarExtra, FlowArExtra)
// drawn, loaded and saved by its own small adapter; the Generation panel calls these
// through std::visit on the request's extra and draws everything common itself.
#pragma once
#include <variant>

#include "app/gui/shell/settings.h"
#include "core/generator/generator.h"

namespace vs::gui {

// VAR: top-k, top-p, more smooth (var_controls.cpp).
void draw_extra(gen::VarExtra& extra, const gen::ModelInfo& info);
void load_extra(gen::VarExtra& extra, const Settings& settings);
void save_extra(const gen::VarExtra& extra, Settings& settings);
// FlowAR: Euler steps, guidance window (flowar_controls.cpp).
void draw_extra(gen::FlowArExtra& extra, const gen::ModelInfo& info);
void load_extra(gen::FlowArExtra& extra, const Settings& settings);
void save_extra(const gen::FlowArExtra& extra, Settings& settings);

inline void draw_family_controls(gen::SamplingRequest& request, const gen::ModelInfo& info) {
  std::visit([&](auto& extra) { draw_extra(extra, info); }, request.extra);
}
inline void load_family_controls(gen::SamplingRequest& request, const Settings& settings) {
  std::visit([&](auto& extra) { load_extra(extra, settings); }, request.extra);
}
inline void save_family_controls(const gen::SamplingRequest& request, Settings& settings) {
  std::visit([&](const auto& extra) { save_extra(extra, settings); }, request.extra);
}

}  // namespace vs::gui
