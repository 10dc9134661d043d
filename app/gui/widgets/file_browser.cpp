#include "app/gui/widgets/file_browser.h"

#include <imgui.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

namespace vs::gui {

namespace {

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::vector<std::string>& FileBrowser::recent_folders() {
  static std::vector<std::string> folders;
  return folders;
}

void FileBrowser::remember_folder(const std::string& folder) {
  auto& r = recent_folders();
  r.erase(std::remove(r.begin(), r.end(), folder), r.end());
  r.insert(r.begin(), folder);
  if (r.size() > 8) r.resize(8);
}

void FileBrowser::open(const std::string& title, Mode mode, const std::string& start, std::vector<std::string> extensions) {
  title_ = title, mode_ = mode, extensions_ = std::move(extensions);
  std::string folder = start.empty() ? absolute_path("") : absolute_path(start);
  selected_.clear();
  if (!is_folder(folder)) {
    const size_t slash = folder.rfind('/');
    if (mode_ == Mode::kFile && slash != std::string::npos) selected_ = folder.substr(slash + 1);
    folder = parent_folder(folder);
    if (!is_folder(folder)) folder = absolute_path(""), selected_.clear();
  }
  go(folder);
  open_requested_ = true;
}

void FileBrowser::go(const std::string& folder) {
  listing_ = list_folder(folder, extensions_);
  std::snprintf(path_, sizeof path_, "%s", listing_.folder.c_str());
  if (std::none_of(listing_.entries.begin(), listing_.entries.end(),
                   [&](const FolderEntry& e) { return !e.is_folder && e.name == selected_; }))
    selected_.clear();
}

bool FileBrowser::draw(std::string* chosen) {
  const std::string id = title_ + "##file browser";
  if (open_requested_) ImGui::OpenPopup(id.c_str()), open_requested_ = false;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize({std::min(760.0f, viewport->WorkSize.x * 0.9f), std::min(520.0f, viewport->WorkSize.y * 0.85f)},
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos({viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y / 2},
                          ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowBgAlpha(1.0f);  // opaque: the list must not show the panels through it
  if (!ImGui::BeginPopupModal(id.c_str())) return false;
  bool done = false;
  if (ImGui::Button("Up")) go(parent_folder(listing_.folder));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("recent ▾").x - 40);
  if (ImGui::InputText("##path", path_, sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue)) {
    const std::string typed = absolute_path(path_);
    if (is_folder(typed)) go(typed);
    else if (mode_ == Mode::kFile) *chosen = typed, done = true;  // a file typed in full
    else go(typed);  // shows the error
  }
  ImGui::SameLine();
  if (ImGui::BeginCombo("##recent", "recent", ImGuiComboFlags_NoPreview | ImGuiComboFlags_PopupAlignLeft)) {
    for (const std::string& f : std::vector<std::string>(recent_folders()))
      if (ImGui::Selectable(f.c_str())) go(f);
    if (recent_folders().empty()) ImGui::TextDisabled("no recent folders");
    ImGui::EndCombo();
  }
  if (!listing_.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("%s", listing_.error.c_str());
    ImGui::PopStyleColor();
  }
  const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y;
  if (ImGui::BeginChild("entries", {0, -footer}, true)) {
    for (const FolderEntry& e : std::vector<FolderEntry>(listing_.entries)) {
      const std::string label = e.is_folder ? e.name + "/" : e.name;
      if (ImGui::Selectable(label.c_str(), !e.is_folder && e.name == selected_, ImGuiSelectableFlags_AllowDoubleClick |
                                                                                     ImGuiSelectableFlags_SpanAllColumns)) {
        const std::string full = join_path(listing_.folder, e.name);
        if (e.is_folder && ImGui::IsMouseDoubleClicked(0)) go(full);
        else if (e.is_folder) selected_.clear(), std::snprintf(path_, sizeof path_, "%s", full.c_str());
        else selected_ = e.name;
        if (!e.is_folder && ImGui::IsMouseDoubleClicked(0) && mode_ == Mode::kFile) *chosen = full, done = true;
      }
      if (!e.is_folder) {
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize("000.0 MB").x);
        ImGui::TextDisabled("%s", size_text(e.bytes).c_str());
      }
    }
    if (listing_.entries.empty() && listing_.error.empty())
      ImGui::TextDisabled(mode_ == Mode::kFile ? "no sub-folders and no files of the accepted kinds here"
                                                : "no sub-folders here");
  }
  ImGui::EndChild();
  const std::string target = mode_ == Mode::kFolder ? listing_.folder
                             : selected_.empty()   ? std::string()
                                                   : join_path(listing_.folder, selected_);
  ImGui::TextDisabled("%s", target.empty() ? "select a file" : target.c_str());
  const bool can = !target.empty() && listing_.error.empty();
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button(mode_ == Mode::kFolder ? "Use this folder" : "Open")) *chosen = target, done = true;
  if (!can) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  if (done) {
    remember_folder(mode_ == Mode::kFolder ? *chosen : parent_folder(*chosen));
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
  return done;
}

}  // namespace vs::gui
