#include "app/gui/shell/app.h"

#include <epoxy/gl.h>
// epoxy first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // FindWindowByName: is a place's window known yet
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/shell/fonts.h"
#include "app/gui/shell/layout.h"
#include "app/gui/shell/shortcuts.h"
#include "app/gui/widgets/file_browser.h"
#include "core/printable.h"
#include "app/gui/panels/own_image_panel.h"
#include "app/gui/panels/accelerate_panel.h"
#include "app/gui/panels/criterion_panel.h"
#include "app/gui/panels/attention_panel.h"
#include "app/gui/panels/class_seed_grid_panel.h"
#include "app/gui/panels/compare_panel.h"
#include "app/gui/panels/generation_panel.h"
#include "app/gui/panels/norm_gauges_panel.h"
#include "app/gui/panels/scale_strip_panel.h"
#include "app/gui/panels/phase_transition_panel.h"
#include "app/gui/panels/runtime_scaling_panel.h"
#include "app/gui/panels/threshold_theory_panel.h"
#include "app/gui/lessons/lessons_panel.h"
#include "app/gui/shell/screenshot.h"
#include "app/gui/export/export_folder.h"
#include "app/gui/export/run_report.h"
#include "app/gui/session/session.h"
#include "app/gui/shell/settings.h"

namespace vs::gui {

// The longest wait between two frames while workers run and nothing else happens.
constexpr double kBusyRedrawSeconds = 1.0 / 15;
// The shortest gap between two frames that only show worker results (input draws at once).
constexpr double kBusyMinFrameSeconds = 1.0 / 20;

namespace {

std::string g_glfw_error;  // last GLFW error, for the one-line failure messages

// Set by any window event (input, resize, expose): the idle loop renders only then.
bool g_event_seen = false;
// Files dropped on the window since the last frame (GLFW calls back on the UI thread).
std::vector<std::string> g_dropped;
// Key presses since the last frame, in order (shortcuts.h: why not the keys' state).
KeyQueue g_keys;
// Set by SIGINT/SIGTERM, so a terminal Ctrl+C still saves the settings.
volatile std::sig_atomic_t g_stop_signal = 0;

// Installed before ImGui's backend, which chains to them for the events it handles too.
void watch_window_events(GLFWwindow* window) {
  glfwSetCursorPosCallback(window, [](GLFWwindow*, double, double) { g_event_seen = true; });
  glfwSetMouseButtonCallback(window, [](GLFWwindow*, int, int, int) { g_event_seen = true; });
  glfwSetScrollCallback(window, [](GLFWwindow*, double, double) { g_event_seen = true; });
  glfwSetKeyCallback(window, [](GLFWwindow*, int key, int, int action, int mods) {
    if (action == GLFW_PRESS || action == GLFW_REPEAT) g_keys.push({key, mods});
    g_event_seen = true;
  });
  glfwSetCharCallback(window, [](GLFWwindow*, unsigned) { g_event_seen = true; });
  glfwSetWindowFocusCallback(window, [](GLFWwindow*, int) { g_event_seen = true; });
  glfwSetCursorEnterCallback(window, [](GLFWwindow*, int) { g_event_seen = true; });
  glfwSetFramebufferSizeCallback(window, [](GLFWwindow*, int, int) { g_event_seen = true; });
  glfwSetWindowRefreshCallback(window, [](GLFWwindow*) { g_event_seen = true; });
  glfwSetDropCallback(window, [](GLFWwindow*, int count, const char** paths) {
    for (int i = 0; i < count; ++i) g_dropped.push_back(paths[i]);
    g_event_seen = true;
  });
}

// The window a place is drawn in: its title (ImGui's id) by place key.
const char* place_title(const std::string& place) {
  if (place == "generation") return "Generation";
  if (place == "scales") return "Scales";
  if (place == "inspector") return "Inspector";
  if (place == "gauges") return "Norms vs threshold";
  if (place == "theory") return "Threshold & theory";
  if (place == "scaling") return "Runtime scaling";
  if (place == "phase") return "Phase transition";
  return "Panel";
}

struct PanelSlot {
  std::unique_ptr<Panel> panel;
  bool visible = true;
  std::string workspace;  // "var", "theory" or "lessons"
  std::string place;      // the window it is drawn in; panels sharing a place are its tabs
  PixelRect last_rect;    // where its window was drawn last frame, in framebuffer pixels
  bool shown = false;     // drawn last frame (its tab in front)
  bool bring_front = false;  // select its tab on the next frame
};

class App {
 public:
  explicit App(const AppOptions& options) : options_(options) {}
  int run();

 private:
  bool headless() const { return options_.frames > 0; }
  void draw_frame();
  // The place's window: its visible panels as tabs (one panel: no tab bar).
  void draw_place(const std::string& place, ImVec2 area_pos, ImVec2 area_size);
  // The panel table: each panel with its initial visibility, workspace and place.
  void add_panel(std::unique_ptr<Panel> panel, bool visible, std::string workspace, std::string place) {
    PanelSlot slot;
    slot.panel = std::move(panel), slot.visible = visible;
    slot.workspace = std::move(workspace), slot.place = std::move(place);
    panels_.push_back(std::move(slot));
  }
  // Makes the panel visible, in its workspace, with its tab in front.
  void show_panel(const Panel* panel);
  void draw_menu_bar();
  // Lessons: the lesson on the left, the panel its chapter names (companion) on the right.
  void draw_lessons(ImVec2 area_pos, ImVec2 area_size);
  void draw_status_bar();
  bool any_busy() const;
  void load_settings();
  void save_settings();

  AppOptions options_;
  GLFWwindow* window_ = nullptr;
  std::vector<PanelSlot> panels_;
  Settings settings_;
  std::string settings_dir_, settings_path_, ini_path_;  // empty: nothing is read or kept
  bool reset_layout_ = false;
  bool save_window_png_ = false;
  int save_panel_png_ = -1;  // index into panels_ of a panel to save, -1: none
  bool show_about_ = false;
  std::string status_;
  float menu_height_ = 0;
  std::string workspace_;
  FileBrowser export_browser_;  // File ▸ Export folder…
  ImVec2 last_area_{0, 0};  // the work area of the last frame (to follow a resize)
  float content_scale_ = 1;  // the monitor's content scale: widgets and minimum widths grow with it
  std::shared_ptr<Session> session_;
  GenerationPanel* generation_ = nullptr;  // owned by panels_
  ScaleStripPanel* strip_ = nullptr;
  NormGaugesPanel* gauges_ = nullptr;
  // Space / ← / → and their View-menu items.
  void toggle_strip_play() { strip_->toggle_play(); }
  void step_strip(int delta) { strip_->step_by(delta); }
  // Every panel's report_fields() as one "panels" JSON member.
  std::string panels_report() const;
  OwnImagePanel* own_image_ = nullptr;
  LessonsPanel* lessons_ = nullptr;
  std::string lessons_layout_;  // companion, presenter and area of the last lessons layout
  int lessons_setup_applied_ = 0;  // the lesson's companion_setup_serial() given to its panel
  ComparePanel* compare_ = nullptr;
  void show_own_image();
  // --keys (headless): presses the keys due at this frame (frames_drawn before it); true
  // while some are still to come or just pressed (the run must not end before they act).
  bool press_due_keys(int frames_drawn);
  int idle_frames_ = 0;  // frames since the run would have ended without --keys
  size_t next_key_ = 0;
};

bool App::press_due_keys(int frames_drawn) {
  // Frames count from the first one after --frames with nothing running in the background
  // (where the run would otherwise end), so "frame 2" means "two frames after the
  // generation (or comparison) finished", however long that took; an idle frame before a
  // generation has started must not start the count. From then on every frame counts (a
  // playing strip is busy too). Due keys enter the same queue as a user's.
  if (idle_frames_ > 0 || (frames_drawn >= options_.frames && !any_busy())) ++idle_frames_;
  const auto& keys = options_.keys;
  while (next_key_ < keys.size() && keys[next_key_].frame <= idle_frames_) {
    const KeyPress::Key key = keys[next_key_].key;
    g_keys.push({key == KeyPress::Key::kLeft ? GLFW_KEY_LEFT : key == KeyPress::Key::kRight ? GLFW_KEY_RIGHT : GLFW_KEY_SPACE, 0});
    ++next_key_;
  }
  return next_key_ < keys.size();
}

void App::show_panel(const Panel* panel) {
  for (auto& slot : panels_)
    if (slot.panel.get() == panel) {
      workspace_ = slot.workspace;
      slot.visible = slot.bring_front = true;
      ImGui::SetWindowFocus(place_title(slot.place));
    }
}

void App::show_own_image() { show_panel(own_image_); }

std::string App::panels_report() const {
  // visible: ticked in the View menu (a window or a tab exists); shown: drawn in the last
  // frame (its tab in front, its workspace on screen).
  std::string j = "\"panels\": {";
  bool first = true;
  for (const auto& slot : panels_) {
    const std::string fields = slot.panel->report_fields();
    j += std::string(first ? "" : ", ") + "\"" + slot.panel->key() + "\": {\"visible\": " +
         (slot.visible ? "true" : "false") + ", \"shown\": " + (slot.shown ? "true" : "false") +
         (fields.empty() ? "" : ", " + fields) + "}";
    first = false;
  }
  return j + "}";
}

bool App::any_busy() const {
  for (const auto& slot : panels_)
    if (slot.panel->busy()) return true;
  return false;
}

void App::load_settings() {
  // Screenshots must not depend on a user's layout: a headless run reads settings only
  // from a folder it is given (--config-dir).
  const std::string dir = options_.config_dir.empty() ? config_directory() : options_.config_dir;
  if ((headless() && options_.config_dir.empty()) || dir.empty()) return;
  settings_dir_ = dir;
  make_directories(dir);  // ImGui saves imgui.ini there during the session, not only at exit
  settings_path_ = dir + "/settings.ini";
  if (!headless()) ini_path_ = dir + "/imgui.ini";  // a headless run lays out for its --size
  settings_.load(settings_path_);
  if (const std::string folder = settings_.get("export.folder", ""); !folder.empty()) set_export_folder(folder);
  const std::string recent = settings_.get("files.recent_folders", "");
  for (size_t begin = 0; begin < recent.size();) {
    const size_t bar = std::min(recent.find('|', begin), recent.size());
    if (bar > begin) FileBrowser::recent_folders().push_back(recent.substr(begin, bar - begin));
    begin = bar + 1;
  }
  if (!headless()) {  // a headless run keeps its --size
    options_.width = settings_.get_int("window.width", options_.width);
    options_.height = settings_.get_int("window.height", options_.height);
  }
}

void App::save_settings() {
  if (settings_path_.empty()) return;
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  settings_.set_int("window.width", w);
  settings_.set_int("window.height", h);
  settings_.set("app.workspace", workspace_);
  settings_.set("export.folder", export_folder());
  std::string recent;
  for (const std::string& f : FileBrowser::recent_folders()) recent += (recent.empty() ? "" : "|") + f;
  settings_.set("files.recent_folders", recent);
  for (const auto& slot : panels_) {
    settings_.set_bool(std::string(slot.panel->key()) + ".visible", slot.visible);
    slot.panel->save(settings_);
  }
  settings_.save(settings_path_);
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open model…", "Ctrl+O")) workspace_ = "var", generation_->browse_model();
    if (ImGui::MenuItem("Open image…")) show_own_image(), own_image_->browse();
    if (ImGui::MenuItem("Export folder…"))
      export_browser_.open("Export folder", FileBrowser::Mode::kFolder, export_folder());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("exports go to %s", export_folder().c_str());
    if (ImGui::MenuItem("Generate", "Ctrl+G")) generation_->generate();
    ImGui::Separator();
    if (ImGui::MenuItem("Save window as PNG", "Ctrl+S")) save_window_png_ = true;
    if (ImGui::MenuItem("Export run as CSV + JSON", nullptr, false, !session_->frames().empty()))
      status_ = gauges_->export_run();
    if (ImGui::BeginMenu("Save panel as PNG")) {
      for (size_t i = 0; i < panels_.size(); ++i)
        if (ImGui::MenuItem(panels_[i].panel->title(), nullptr, false, panels_[i].last_rect.width > 0))
          save_panel_png_ = int(i);
      ImGui::EndMenu();
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) glfwSetWindowShouldClose(window_, GLFW_TRUE);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Workspace: VAR generation", nullptr, workspace_ == "var")) workspace_ = "var";
    if (ImGui::MenuItem("Workspace: complexity theory", nullptr, workspace_ == "theory")) workspace_ = "theory";
    if (ImGui::MenuItem("Workspace: Lessons", nullptr, workspace_ == "lessons")) workspace_ = "lessons";
    ImGui::Separator();
    for (auto& slot : panels_)
      if (slot.workspace == workspace_ && ImGui::MenuItem(slot.panel->title(), nullptr, slot.visible)) {
        slot.visible = !slot.visible;
        slot.bring_front = slot.visible;
      }
    ImGui::Separator();
    if (ImGui::MenuItem("Play / pause scales", "Space")) toggle_strip_play();
    if (ImGui::MenuItem("Previous scale", "Left")) step_strip(-1);
    if (ImGui::MenuItem("Next scale", "Right")) step_strip(1);
    ImGui::Separator();
    if (ImGui::MenuItem("Reset layout")) reset_layout_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("About VARScope")) show_about_ = true;
    ImGui::EndMenu();
  }
  menu_height_ = ImGui::GetWindowSize().y;
  ImGui::EndMainMenuBar();
}

void App::draw_status_bar() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const float height = ImGui::GetFrameHeight();
  ImGui::SetNextWindowPos({viewport->WorkPos.x, viewport->WorkPos.y + viewport->WorkSize.y - height});
  ImGui::SetNextWindowSize({viewport->WorkSize.x, height});
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {8, 2});
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  if (ImGui::Begin("##status", nullptr, flags)) {
    const std::string right = "VARScope · " + std::string(fonts().dejavu ? "DejaVu" : "default font") +
                              " · " + std::to_string(int(ImGui::GetIO().Framerate + 0.5f)) + " fps";
    // A long message is cut to the room left of the right-hand text, the whole of it on hover.
    const std::string text = status_.empty() ? (any_busy() ? "working…" : "idle") : status_;
    const float room = ImGui::GetWindowWidth() - ImGui::CalcTextSize(right.c_str()).x - 40;
    std::string shown = text;
    while (shown.size() > 1 && ImGui::CalcTextSize((shown + "…").c_str()).x > room) shown.pop_back();
    if (shown.size() < text.size()) {
      while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();  // whole UTF-8 characters
      shown += "…";
    }
    ImGui::TextDisabled("%s", shown.c_str());
    if (shown.size() != text.size() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(right.c_str()).x - 12);
    ImGui::TextDisabled("%s", right.c_str());
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
}

void App::draw_place(const std::string& place, ImVec2 area_pos, ImVec2 area_size) {
  std::vector<PanelSlot*> members;
  for (auto& slot : panels_)
    if (slot.place == place && slot.workspace == workspace_ && slot.visible) members.push_back(&slot);
  if (members.empty()) return;
  const LayoutRect home = default_place_rect(place, area_size.x, area_size.y, content_scale_);
  const char* title = place_title(place);
  if (reset_layout_ || !ImGui::FindWindowByName(title)) {
    ImGui::SetNextWindowPos({area_pos.x + home.x, area_pos.y + home.y}, reset_layout_ ? ImGuiCond_Always : ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({home.w, home.h}, reset_layout_ ? ImGuiCond_Always : ImGuiCond_FirstUseEver);
  } else if (ImGuiWindow* window = ImGui::FindWindowByName(title);
             window && last_area_.x > 0 && (last_area_.x != area_size.x || last_area_.y != area_size.y)) {
    // The main window was resized: keep the place where it was relative to the work area.
    const LayoutRect was{window->Pos.x - area_pos.x, window->Pos.y - area_pos.y, window->Size.x, window->Size.y};
    const LayoutRect now = rescale_rect(was, last_area_.x, last_area_.y, area_size.x, area_size.y);
    ImGui::SetNextWindowPos({area_pos.x + now.x, area_pos.y + now.y});
    ImGui::SetNextWindowSize({now.w, now.h});
  }
  bool open = true;
  if (ImGui::Begin(title, &open, ImGuiWindowFlags_NoCollapse)) {
    const bool tabs = std::count_if(panels_.begin(), panels_.end(), [&](const PanelSlot& s) {
                        return s.place == place && s.workspace == workspace_;
                      }) > 1;
    if (!tabs) {
      members.front()->panel->draw();
      members.front()->shown = true;
    } else if (ImGui::BeginTabBar("##tabs", ImGuiTabBarFlags_AutoSelectNewTabs)) {
      for (PanelSlot* slot : members) {
        const ImGuiTabItemFlags flags = slot->bring_front ? ImGuiTabItemFlags_SetSelected : 0;
        slot->bring_front = false;
        if (ImGui::BeginTabItem(slot->panel->title(), &slot->visible, flags)) {
          slot->panel->draw();
          slot->shown = true;
          ImGui::EndTabItem();
        }
      }
      ImGui::EndTabBar();
    }
  }
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  const ImVec2 fb_scale = ImGui::GetIO().DisplayFramebufferScale;
  for (PanelSlot* slot : members)
    slot->last_rect = {int(pos.x * fb_scale.x), int(pos.y * fb_scale.y), int(size.x * fb_scale.x), int(size.y * fb_scale.y)};
  ImGui::End();
  if (!open)  // the window's close button hides every panel in it
    for (PanelSlot* slot : members) slot->visible = false;
}

void App::draw_lessons(ImVec2 area_pos, ImVec2 area_size) {
  PanelSlot* lesson = nullptr;
  PanelSlot* beside = nullptr;
  const std::string companion = lessons_->companion();
  for (auto& slot : panels_) {
    if (slot.panel.get() == lessons_) lesson = &slot;
    else if (!companion.empty() && companion == slot.panel->key()) beside = &slot;
  }
  // Re-place both windows whenever the chapter's companion, presenter mode, the lesson's
  // View tick or the area changes; the user may move them in between.
  const std::string layout = companion + (lessons_->presenter() ? "|p|" : "|n|") + (lesson->visible ? "v|" : "h|") +
                             std::to_string(int(area_size.x)) + "x" + std::to_string(int(area_size.y));
  const ImGuiCond cond = reset_layout_ || layout != lessons_layout_ ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  lessons_layout_ = layout;
  // View ▸ Lessons unticked: the companion alone.
  const float lesson_w = !lesson->visible ? 0
                         : beside         ? std::floor(area_size.x * (lessons_->presenter() ? 0.6f : 0.55f))
                                          : area_size.x;
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  auto remember_rect = [&](PanelSlot* slot) {  // for File ▸ Save panel as PNG
    const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    slot->last_rect = {int(pos.x * fb.x), int(pos.y * fb.y), int(size.x * fb.x), int(size.y * fb.y)};
  };
  if (lesson->visible) {
    ImGui::SetNextWindowPos(area_pos, cond);
    ImGui::SetNextWindowSize({lesson_w, area_size.y}, cond);
    if (ImGui::Begin("Lessons", nullptr, ImGuiWindowFlags_NoCollapse)) lesson->panel->draw(), lesson->shown = true;
    remember_rect(lesson);
    ImGui::End();
  }
  if (!beside) return;
  if (lessons_->companion_setup_serial() != lessons_setup_applied_) {
    beside->panel->load(lessons_->companion_setup());
    lessons_setup_applied_ = lessons_->companion_setup_serial();
  }
  ImGui::SetNextWindowPos({area_pos.x + lesson_w, area_pos.y}, cond);
  ImGui::SetNextWindowSize({area_size.x - lesson_w, area_size.y}, cond);
  const std::string title = std::string(beside->panel->title()) + "###lesson_companion";
  if (ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoCollapse)) beside->panel->draw(), beside->shown = true;
  remember_rect(beside);
  ImGui::End();
}

void App::draw_frame() {
  const bool text_input = ImGui::GetIO().WantTextInput;
  for (const KeyEvent& key : g_keys.take()) {
    // Lessons: PageUp/PageDown and ←/→ step chapters instead of scales.
    if (workspace_ == "lessons" && !text_input && key.mods == 0) {
      if (key.key == GLFW_KEY_PAGE_UP || key.key == GLFW_KEY_LEFT) { lessons_->step_chapter(-1); continue; }
      if (key.key == GLFW_KEY_PAGE_DOWN || key.key == GLFW_KEY_RIGHT) { lessons_->step_chapter(1); continue; }
    }
    switch (shortcut_of(key, text_input)) {
      case Shortcut::kQuit: glfwSetWindowShouldClose(window_, GLFW_TRUE); break;
      case Shortcut::kSaveWindow: save_window_png_ = true; break;
      case Shortcut::kGenerate: generation_->generate(); break;
      case Shortcut::kOpenModel: workspace_ = "var", generation_->browse_model(); break;
      case Shortcut::kPlayPause: toggle_strip_play(); break;
      case Shortcut::kPreviousScale: step_strip(-1); break;
      case Shortcut::kNextScale: step_strip(1); break;
      case Shortcut::kNone: break;
    }
  }
  if (!g_dropped.empty()) {
    workspace_ = "var";
    // Images go to "Your image"; anything else is a checkpoint for the model opener.
    std::vector<std::string> checkpoints;
    for (const std::string& path : g_dropped) {
      if (!looks_like_image(path)) checkpoints.push_back(path);
      else own_image_->open_image(path), show_own_image();
    }
    if (!checkpoints.empty()) generation_->on_drop(checkpoints);
    g_dropped.clear();
  }

  draw_menu_bar();
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeight();
  // WorkPos learns of the menu bar only on the next frame; the first frame places the
  // windows (FirstUseEver), so take the menu bar's height from this frame instead.
  const ImVec2 area_pos{viewport->Pos.x, viewport->Pos.y + menu_height_};
  const ImVec2 area_size{viewport->Size.x, viewport->Size.y - menu_height_ - status_h};

  if (reset_layout_)  // before the windows, so hidden panels get their default place too
    for (auto& slot : panels_)
      slot.visible = slot.panel->key() != std::string("compare") && slot.panel->key() != std::string("own_image") &&
                     slot.panel->key() != std::string("grid");
  const bool solo = !options_.panel.empty();
  for (auto& slot : panels_) {
    slot.shown = false;
    // The theory panels start their sweeps on first update: keep them asleep while their
    // workspace is not shown, so they do not compete with a generation for the cores. The
    // generation panels always update (the generation panel drives the shared session).
    const bool companion = workspace_ == "lessons" && lessons_->companion() == slot.panel->key();
    if (slot.workspace == "var" || slot.panel->busy() || companion ||
        (solo ? options_.panel == slot.panel->key() : slot.workspace == workspace_))
      slot.panel->update();
  }
  if (solo) {
    for (auto& slot : panels_) {
      if (options_.panel != slot.panel->key()) continue;
      ImGui::SetNextWindowPos(area_pos);
      ImGui::SetNextWindowSize(area_size);
      const ImGuiWindowFlags flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                     ImGuiWindowFlags_NoSavedSettings;
      if (ImGui::Begin(slot.panel->title(), nullptr, flags)) slot.panel->draw(), slot.shown = true;
      ImGui::End();
    }
  } else if (workspace_ == "lessons") {
    draw_lessons(area_pos, area_size);
  } else {
    std::vector<std::string> places;
    for (const auto& slot : panels_)
      if (slot.workspace == workspace_ && std::find(places.begin(), places.end(), slot.place) == places.end())
        places.push_back(slot.place);
    for (const std::string& place : places) draw_place(place, area_pos, area_size);
  }
  last_area_ = area_size;
  reset_layout_ = false;

  if (show_about_) {
    ImGui::OpenPopup("About VARScope");
    show_about_ = false;
  }
  if (ImGui::BeginPopupModal("About VARScope", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("VARScope: an explorer of visual autoregressive attention and its fine-grained complexity.");
    ImGui::TextDisabled("Settings: %s", settings_path_.empty() ? "(not saved in this mode)" : settings_path_.c_str());
    if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  std::string folder;
  if (export_browser_.draw(&folder)) {
    set_export_folder(folder);
    status_ = "exports go to " + export_folder();
  }
  draw_status_bar();
}

int App::run() {
  glfwSetErrorCallback([](int, const char* description) { g_glfw_error = description ? description : ""; });
  if (!glfwInit()) {
    std::fprintf(stderr, "varscope: no display: set DISPLAY or run under xvfb-run\n");
    return 3;
  }
  load_settings();
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  // Headless: the framebuffer must be exactly the requested size, whatever the WM does.
  if (headless()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  window_ = glfwCreateWindow(options_.width, options_.height, "VARScope", nullptr, nullptr);
  if (!window_) {
    std::fprintf(stderr, "varscope: cannot create an OpenGL 3.3 core window (%s); try varscope-cli\n",
                 g_glfw_error.c_str());
    glfwTerminate();
    return 4;
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(headless() ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = ini_path_.empty() ? nullptr : ini_path_.c_str();
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.WindowPadding = {10, 8};
  style.ItemSpacing = {8, 5};
  float scale_x = 1, scale_y = 1;
  glfwGetWindowContentScale(window_, &scale_x, &scale_y);
  // --ui-scale overrides what the monitor reports (remote desktops often report 1 on HiDPI).
  const float scale = options_.ui_scale > 0 ? options_.ui_scale : std::max(1.0f, std::max(scale_x, scale_y));
  style.ScaleAllSizes(scale);
  content_scale_ = scale;
  load_fonts(scale);
  watch_window_events(window_);
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  std::signal(SIGINT, [](int) { g_stop_signal = 1; });
  std::signal(SIGTERM, [](int) { g_stop_signal = 1; });
  ImGui_ImplOpenGL3_Init("#version 330 core");

  auto wake = [] { glfwPostEmptyEvent(); };
  session_ = std::make_shared<Session>(wake);
  session_->selection.scale = options_.select_step;
  session_->selection.block = options_.select_layer;
  session_->selection.head = options_.select_head;
  session_->selection.query = options_.select_query;
  // The panel table: one panel per role, all reading the one session.
  auto generation = std::make_unique<GenerationPanel>(session_, options_);
  auto strip = std::make_unique<ScaleStripPanel>(session_);
  auto gauges = std::make_unique<NormGaugesPanel>(session_);
  generation_ = generation.get(), strip_ = strip.get(), gauges_ = gauges.get();
  add_panel(std::move(generation), true, "var", "generation");
  add_panel(std::move(strip), true, "var", "scales");
  add_panel(std::make_unique<AttentionPanel>(session_), true, "var", "inspector");
  add_panel(std::move(gauges), true, "var", "gauges");
  // Shares the attention inspector's place; opened from View (or by --compare).
  auto compare = std::make_unique<ComparePanel>(session_, wake, options_.compare_spec,
                                               options_.compare_view == "maps");
  compare_ = compare.get();
  add_panel(std::move(compare), false, "var", "inspector");
  // The practical speed-ups against the exact run; a tab of the inspector, opened from View (or by --accel).
  add_panel(std::make_unique<AcceleratePanel>(session_, wake, options_.accel_spec), !options_.accel_spec.empty(),
                     "var", "inspector");
  // The bounded-entry criterion over the whole model; a tab of the inspector (View, or --criterion N).
  add_panel(std::make_unique<CriterionPanel>(session_, generation_, wake, options_.criterion_samples),
            options_.criterion_samples > 0, "var", "inspector");
  // Over the strip and the inspector; opened by File ▸ Open image…, a dropped image or --image.
  auto own_image = std::make_unique<OwnImagePanel>(session_, generation_, wake, options_);
  own_image_ = own_image.get();
  add_panel(std::move(own_image), false, "var", "scales");
  // A tab beside the strip; opened from View (or by --grid).
  add_panel(std::make_unique<ClassSeedGridPanel>(session_, generation_, wake, options_.grid), !options_.grid.empty(),
            "var", "scales");
  add_panel(std::make_unique<ThresholdTheoryPanel>(wake), true, "theory", "theory");
  // The sweeps' last results are kept beside the settings (not in headless runs).
  const std::string sweeps = settings_dir_.empty() ? "" : settings_dir_ + "/sweeps/";
  add_panel(std::make_unique<RuntimeScalingPanel>(wake, sweeps.empty() ? "" : sweeps + "scaling.json"), true, "theory",
            "scaling");
  add_panel(std::make_unique<PhaseTransitionPanel>(wake, sweeps.empty() ? "" : sweeps + "phase.json"), true, "theory",
            "phase");
  auto lessons = std::make_unique<LessonsPanel>(session_, generation_, wake, options_.lesson, options_.run_lesson,
                                                options_.presenter);
  lessons_ = lessons.get();
  add_panel(std::move(lessons), true, "lessons", "lesson");
  workspace_ = headless() ? options_.workspace : settings_.get("app.workspace", options_.workspace);
  if (options_.lesson > 0) workspace_ = "lessons";
  if (workspace_ != "var" && workspace_ != "theory" && workspace_ != "lessons") workspace_ = "var";
  for (auto& slot : panels_) {
    slot.visible = settings_.get_bool(std::string(slot.panel->key()) + ".visible", slot.visible);
    if (slot.panel->key() == std::string("compare") && !options_.compare_spec.empty()) slot.visible = slot.bring_front = true;
    if (slot.panel->key() == std::string("accelerate") && !options_.accel_spec.empty()) slot.visible = slot.bring_front = true;
    if (slot.panel->key() == std::string("criterion") && options_.criterion_samples > 0) slot.visible = slot.bring_front = true;
    if (slot.panel->key() == std::string("grid") && !options_.grid.empty()) slot.visible = slot.bring_front = true;
    if (slot.panel.get() == own_image_ && !options_.image_path.empty()) slot.visible = slot.bring_front = true;
    slot.panel->load(settings_);
  }

  int exit_code = 0;
  int frame = 0;
  // The frame rate kept while a generation runs (the goal is ≥ 30 fps): frames whose
  // previous frame also fell in a generation, and the time between them. Printed at exit.
  int generating_frames = 0;
  double generating_s = 0;
  bool was_generating = false;
  auto last_frame_end = std::chrono::steady_clock::now();
  int settle_frames = 3;  // frames still to draw after the last event, so ImGui settles
  const auto start = std::chrono::steady_clock::now();
  while (!glfwWindowShouldClose(window_) && !g_stop_signal) {
    if (any_busy()) {
      // Workers publish and wake us, and input wakes us: a frame then follows at once. With
      // nothing new, redraw at most 15 times a second — a continuous 60 Hz redraw under
      // software OpenGL took most of a core from the two the generation needs (issue 13).
      // Headless runs wait the same way, so their timings are the interactive ones.
      glfwWaitEventsTimeout(kBusyRedrawSeconds);
      // A worker's results can come faster than frames are worth drawing: coalesce them to
      // one frame per kBusyMinFrameSeconds unless the user is doing something (input
      // draws at once), so a short generation is not slowed by a redraw per scale.
      for (;;) {
        const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_frame_end).count();
        if (g_event_seen || g_stop_signal || since >= kBusyMinFrameSeconds) break;
        glfwWaitEventsTimeout(kBusyMinFrameSeconds - since);
      }
      settle_frames = 3;                 // and the frames after the last result
    } else if (headless()) {
      glfwPollEvents();
    } else if (settle_frames > 0) {
      glfwPollEvents();
      --settle_frames;
    } else {
      // Idle: sleep until a window event and draw nothing on a bare timeout; the timeout
      // only lets a stop signal through.
      g_event_seen = false;
      glfwWaitEventsTimeout(0.5);
      if (!g_event_seen && !any_busy()) continue;
      settle_frames = 3;
    }
    if (g_event_seen) settle_frames = 3, g_event_seen = false;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Headless: Xvfb parks its pointer mid-screen; keep it out so screenshots show no hover.
    if (headless()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    const bool keys_pending = headless() && press_due_keys(frame);
    ImGui::NewFrame();
    // --browse: once every window has appeared (ImGui 1.86 asserts when a window first
    // appears behind an open modal).
    if (frame == 2 && !options_.browse.empty()) {
      if (options_.browse == "model") generation_->browse_model();
      if (options_.browse == "image") show_own_image(), own_image_->browse();
      if (options_.browse == "export") export_browser_.open("Export folder", FileBrowser::Mode::kFolder, export_folder());
    }
    draw_frame();
    ImGui::Render();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window_, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (save_window_png_ || save_panel_png_ >= 0) {
      const bool whole = save_window_png_;
      PixelRect rect{0, 0, fb_w, fb_h};
      std::string what = "window";
      if (!whole) rect = panels_[save_panel_png_].last_rect, what = panels_[save_panel_png_].panel->key();
      save_window_png_ = false, save_panel_png_ = -1;
      const std::string name = export_path(what, "png");
      try {
        write_framebuffer_png(name, rect, fb_w, fb_h);
        status_ = "saved " + name;
      } catch (const std::exception& e) {
        status_ = e.what();
      }
    }
    ++frame;
    if (headless() && frame >= options_.frames) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      // Keys still to press: once the workers have first rested their frames are counting
      // (a bounded wait); until then --wait-workers bounds it.
      const bool keys_counting = keys_pending && idle_frames_ > 0;
      const bool keep_waiting = keys_counting || (any_busy() ? elapsed < options_.wait_workers_s : keys_pending);
      if (!keep_waiting) {
        if (!options_.screenshot_path.empty()) {
          try {
            write_framebuffer_png(options_.screenshot_path, {0, 0, fb_w, fb_h}, fb_w, fb_h);
          } catch (const std::exception& e) {
            std::fprintf(stderr, "varscope: %s\n", e.what());
            exit_code = 5;
          }
        }
        glfwSetWindowShouldClose(window_, GLFW_TRUE);
      }
    }
    glfwSwapBuffers(window_);
    const auto frame_end = std::chrono::steady_clock::now();
    const bool generating = session_->generating() || own_image_->regenerating();
    if (generating && was_generating)
      ++generating_frames, generating_s += std::chrono::duration<double>(frame_end - last_frame_end).count();
    was_generating = generating, last_frame_end = frame_end;
  }

  save_settings();
  if (generating_frames > 0 && generating_s > 0)
    std::fprintf(stderr, "varscope: %d frames in %.2f s while generating: %.1f fps\n", generating_frames, generating_s,
                 generating_frames / generating_s);
  if (!options_.image_path.empty()) std::fprintf(stderr, "varscope: %s\n", printable_message(own_image_->summary()).c_str());
  // A headless run that could not do what it was asked ends non-zero, one line on stderr,
  // like the CLI (an interactive session shows these in its panels instead).
  if (headless() && exit_code == 0) {
    std::string failure;
    if (!session_->load_error().empty()) failure = "cannot open the model: " + session_->load_error();
    else if (!session_->generation_error().empty()) failure = "generation failed: " + session_->generation_error();
    else if (!options_.image_path.empty() && own_image_->failed()) failure = "your image failed (see above)";
    if (!failure.empty()) {
      if (failure.rfind("your image", 0) != 0) std::fprintf(stderr, "varscope: %s\n", printable_message(failure).c_str());
      exit_code = 6;
    }
  }
  const std::string compare_field = compare_->report_field();
  if (!options_.report_json.empty() &&
      !write_run_report(options_.report_json, *session_, compare_field + ",\n  " + panels_report()))
    std::fprintf(stderr, "varscope: cannot write %s\n", options_.report_json.c_str());
  panels_.clear();  // joins the workers before the context goes away
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return exit_code;
}

}  // namespace

int run_app(const AppOptions& options) { return App(options).run(); }

}  // namespace vs::gui
