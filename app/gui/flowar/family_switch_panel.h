// One window that shows the VAR panel or its FlowAR counterpart, whichever family the
// opened model belongs to (FlowArSession::active), so the layout keeps one place per role.
// Without a FlowAR counterpart, FlowAR mode shows a line saying the panel is VAR-only.
#pragma once
#include <memory>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/panels/panel.h"

namespace vs::gui {

class FamilySwitchPanel : public Panel {
 public:
  FamilySwitchPanel(std::shared_ptr<FlowArSession> flowar, std::unique_ptr<Panel> var_panel,
                    std::unique_ptr<Panel> flowar_panel)
      : flowar_(std::move(flowar)), var_(std::move(var_panel)), flowar_panel_(std::move(flowar_panel)) {}
  const char* title() const override { return var_->title(); }
  const char* key() const override { return var_->key(); }
  void draw() override;
  void update() override;
  bool busy() const override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  Panel* var_panel() const { return var_.get(); }

 private:
  std::shared_ptr<FlowArSession> flowar_;
  std::unique_ptr<Panel> var_, flowar_panel_;
};

}  // namespace vs::gui
