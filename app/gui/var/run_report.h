// --report-json: the VAR session's state at exit as one JSON object, so headless tests can
// check what the UI showed (model opened or the loader's error, scales generated, the
// strip's selected scale).
#pragma once
#include <string>

#include "app/gui/var/var_session.h"

namespace vs::gui {

// extra_fields: more `"key": value` members for the object (e.g. the comparison's).
std::string run_report_json(const VarSession& session, const std::string& extra_fields = "");
// Returns false when the file cannot be written.
bool write_run_report(const std::string& path, const VarSession& session, const std::string& extra_fields = "");

}  // namespace vs::gui
