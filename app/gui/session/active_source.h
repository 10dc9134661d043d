// The generation on screen: the FlowAR session's while a FlowAR model is open, the VAR
// session's otherwise. The explorer's one family switch for family-independent panels.
#pragma once
#include <memory>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class ActiveSource : public GenerationSource {
 public:
  ActiveSource(std::shared_ptr<VarSession> var, std::shared_ptr<FlowArSession> flowar)
      : var_(std::move(var)), flowar_(std::move(flowar)) {}
  std::shared_ptr<const gen::Generator> generator() const override { return active().generator(); }
  gen::SamplingRequest shown_request() const override { return active().shown_request(); }
  // Both sessions' serials, so switching family also makes earlier results stale.
  int generation_serial() const override { return var_->generation_serial() * 65536 + flowar_->generation_serial(); }
  bool run_complete() const override { return active().run_complete(); }
  bool generating() const override { return active().generating(); }
  bool busy() const override { return var_->busy() || flowar_->busy() || flowar_->detecting; }
  const std::string& model_path() const override { return active().model_path(); }
  bool loading() const override { return var_->loading() || flowar_->loading() || flowar_->detecting; }

 private:
  const GenerationSource& active() const {
    return flowar_->active ? static_cast<const GenerationSource&>(*flowar_) : *var_;
  }
  std::shared_ptr<VarSession> var_;
  std::shared_ptr<FlowArSession> flowar_;
};

}  // namespace vs::gui
