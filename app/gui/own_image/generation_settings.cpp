#include "app/gui/own_image/generation_settings.h"

#include "app/gui/panels/variant_picker.h"

namespace vs::gui {

namespace {

std::string variant_spec(const Settings& s, const std::string& prefix) {
  VariantPicker picker;
  picker.load(s, prefix);
  return picker.spec();
}

}  // namespace

GenerationParams live_var_params(const Panel& generation) {
  Settings s;
  generation.save(s);
  GenerationParams p;
  p.class_id = s.get_int("generation.class", p.class_id);
  p.seed = uint64_t(s.get_int("generation.seed", int(p.seed)));
  p.cfg = s.get_double("generation.cfg", p.cfg);
  p.top_k = s.get_int("generation.top_k", p.top_k);
  p.top_p = s.get_double("generation.top_p", p.top_p);
  p.more_smooth = s.get_bool("generation.more_smooth", p.more_smooth);
  p.variant = variant_spec(s, "generation.variant");
  return p;
}

FlowArParams live_flowar_params(const Panel& generation) {
  Settings s;
  generation.save(s);
  FlowArParams p;
  p.class_id = s.get_int("flowar.class", p.class_id);
  p.seed = uint64_t(s.get_int("flowar.seed", int(p.seed)));
  p.steps = s.get_int("flowar.steps", p.steps);
  p.cfg = s.get_double("flowar.cfg", p.cfg);
  p.guidance = s.get_double("flowar.guidance", p.guidance);
  p.variant = variant_spec(s, "flowar.variant");
  return p;
}

}  // namespace vs::gui
