// The shipped FlowAR model and its KL VAE as FlowArSession::shared_loaded() hands them to
// workers, for tests that drive those workers without a session.
#pragma once
#include <memory>
#include <string>

#include "app/gui/flowar/flowar_session.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/kl_vae.h"

inline std::shared_ptr<const vs::gui::LoadedFlowAr> load_shipped_flowar() {
  const std::string models = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
  vs::gui::LoadedFlowAr loaded;
  loaded.model = std::make_shared<vs::flowar::FlowArModel>(vs::flowar::FlowArModel::load(models + "fmnist-flowar.safetensors"));
  loaded.vae = std::make_shared<vs::flowar::KlVae>(vs::flowar::KlVae::load(models + "fmnist-flowar-vae.safetensors"));
  return std::make_shared<const vs::gui::LoadedFlowAr>(std::move(loaded));
}
