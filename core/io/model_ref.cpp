#include "core/io/model_ref.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"
#include "core/io/input_file.h"

namespace vs::io {

namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string stem_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::string executable_directory() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "";
  return directory_of(std::string(buffer, size_t(n)));
}

std::vector<std::string> model_directories() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("VARSCOPE_MODELS_DIR"); env && *env) dirs.push_back(env);
  // An installed copy (cmake --install): <prefix>/bin/varscope and <prefix>/share/varscope/models.
  if (const std::string exe = executable_directory(); !exe.empty()) {
    const std::string installed = directory_of(exe) + "/share/varscope/models";
    struct stat st {};
    if (::stat(installed.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) dirs.push_back(installed);
  }
  dirs.push_back("assets/models");
#ifdef VARSCOPE_ASSETS_DIR
  dirs.push_back(std::string(VARSCOPE_ASSETS_DIR) + "/models");  // a build run from elsewhere
#endif
  if (const std::string user = user_models_directory(); !user.empty()) dirs.push_back(user);
  return dirs;
}

std::string user_models_directory() {
  // The XDG base-directory rule varscope-train follows (tools/train/varscope_train.py).
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return std::string(data) + "/varscope/models";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/varscope/models";
  return {};
}

std::vector<std::string> shipped_model_names() {
  std::vector<std::string> names;
  for (const std::string& dir : model_directories()) {
    DIR* d = opendir(dir.c_str());
    if (!d) continue;
    while (const dirent* e = readdir(d)) {
      const std::string file = e->d_name;
      if (!ends_with(file, ".safetensors") || ends_with(file, "-vae.safetensors")) continue;
      const std::string stem = file.substr(0, file.size() - 12);
      if (is_file(dir + "/" + stem + "-vae.safetensors") &&
          std::find(names.begin(), names.end(), stem) == names.end())
        names.push_back(stem);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

ModelRef resolve_model(const std::string& name_or_path, const std::string& vae_override) {
  if (name_or_path.empty()) throw Error("--model is empty; give a model name or a checkpoint path");
  ModelRef ref;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos || name_or_path.find('.') != std::string::npos;
  if (looks_like_path || is_file(name_or_path)) {
    check_regular_file(name_or_path, "checkpoint");  // missing, or a pipe / folder / device: said as such
    ref.name = stem_of(name_or_path);
    ref.model_path = name_or_path;
    const std::string beside = directory_of(name_or_path) + "/" + ref.name + "-vae.safetensors";
    if (is_file(beside)) ref.vae_path = beside;
  } else {
    for (const std::string& dir : model_directories()) {
      const std::string model = dir + "/" + name_or_path + ".safetensors";
      if (!is_file(model)) continue;
      ref.name = name_or_path;
      ref.model_path = model;
      const std::string vae = dir + "/" + name_or_path + "-vae.safetensors";
      if (is_file(vae)) ref.vae_path = vae;
      break;
    }
    if (ref.model_path.empty()) {
      const std::vector<std::string> names = shipped_model_names();
      throw Error("unknown model '" + name_or_path + "': known models are " +
                  (names.empty() ? std::string("(none found in ") + join(model_directories()) + ")" : join(names)) +
                  "; or give a checkpoint path");
    }
  }
  if (!vae_override.empty()) ref.vae_path = vae_override;
  ref.kind = detect_model_kind(ref.model_path);
  if (ref.kind == ModelKind::kUnknown)
    throw Error(ref.model_path + ": not a VAR, FlowAR or classifier checkpoint (no word_embed/class_emb, z_proj or classifier metadata)");
  return ref;
}

}  // namespace vs::io
