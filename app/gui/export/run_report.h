// --report-json: the explorer's state at exit as one JSON object, so headless tests check
// what the UI held and showed (model opened or the loader's error, scales generated, the
// selected scale, head norms per module, the attention capture) without counting colours.
#pragma once
#include <string>

#include "app/gui/session/session.h"

namespace vs::gui {

// extra_fields: more `"key": value` members for the object (the panels', the comparison's).
std::string run_report_json(const Session& session, const std::string& extra_fields = "");
// Returns false when the file cannot be written.
bool write_run_report(const std::string& path, const Session& session, const std::string& extra_fields = "");

}  // namespace vs::gui
