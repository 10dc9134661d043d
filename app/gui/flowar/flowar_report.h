// The FlowAR run's state as JSON for --report-json (what the headless tests check): model
// open or its error, scales done with their times, how many head norms and flownet maps
// were captured, the strip's selected scale, the generation's error.
#pragma once
#include <string>

#include "app/gui/flowar/flowar_session.h"

namespace vs::gui {

// extra_fields: more `"key": value` members for the object (e.g. the comparison's).
std::string flowar_report_json(const FlowArSession& session, const std::string& extra_fields = "");
bool write_flowar_report(const std::string& path, const FlowArSession& session, const std::string& extra_fields = "");

}  // namespace vs::gui
