// Where the explorer's exports go: one folder for every CSV, JSON and PNG export (chosen
// with File ▸ Export folder…, persisted), the working folder at start until then. Exports
// never overwrite: a name already taken gets "-2", "-3", … before its extension. Messages
// name the full path.
#pragma once
#include <string>

namespace vs::gui {

void set_export_folder(const std::string& folder);
const std::string& export_folder();  // absolute

// A full path in the export folder for "varscope-<what>-<YYYYmmdd-HHMMSS>.<extension>"
// that names no existing file.
std::string export_path(const std::string& what, const std::string& extension);
// `path` itself when nothing is there, else the first free "<stem>-N<ext>".
std::string unused_path(const std::string& path);

}  // namespace vs::gui
