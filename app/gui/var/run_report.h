// --report-json: the VAR session's state at exit as one JSON object, so headless tests can
// check what the UI showed (model opened or the loader's error, scales generated, the
// strip's selected scale).
#pragma once
#include <string>

#include "app/gui/var/var_session.h"

namespace vs::gui {

std::string run_report_json(const VarSession& session);
// Returns false when the file cannot be written.
bool write_run_report(const std::string& path, const VarSession& session);

}  // namespace vs::gui
