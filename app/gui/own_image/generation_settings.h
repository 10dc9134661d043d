// The Generation panel's sampling settings as its widgets hold them now — not its last
// run's (VarSession::requested_params) — read back through the panel's save(): the keys it
// persists are exactly its widgets, so "Your image" and the FlowAR regeneration use what the
// user sees without the panel exposing its fields.
#pragma once
#include "app/gui/flowar/flowar_session.h"
#include "app/gui/panels/panel.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

// cfg, top-k, top-p, more-smooth, variant, class and seed of the VAR controls.
GenerationParams live_var_params(const Panel& generation);
// class, seed, Euler steps, cfg, guidance and variant of the FlowAR controls.
FlowArParams live_flowar_params(const Panel& generation);

}  // namespace vs::gui
