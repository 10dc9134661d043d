#include "app/gui/session/model_discovery.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/io/model_ref.h"

namespace vs::gui {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A regular file, decided by stat(): opening a named pipe to probe it would block for ever.
bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::string ModelPaths::label() const {
  const size_t slash = var_path.rfind('/');
  return slash == std::string::npos ? var_path : var_path.substr(slash + 1);
}

std::vector<ModelPaths> find_shipped_models(const std::vector<std::string>& directories) {
  std::vector<ModelPaths> found;
  std::vector<std::string> seen_names;
  for (const std::string& dir : directories) {
    DIR* d = opendir(dir.c_str());
    if (!d) continue;
    std::vector<std::string> names;
    while (const dirent* e = readdir(d)) names.push_back(e->d_name);
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (!ends_with(name, ".safetensors") || ends_with(name, "-vae.safetensors")) continue;
      const std::string stem = name.substr(0, name.size() - 12);
      const std::string vae = dir + "/" + stem + "-vae.safetensors";
      if (!file_exists(vae)) continue;
      if (std::find(seen_names.begin(), seen_names.end(), name) != seen_names.end()) continue;
      seen_names.push_back(name);
      ModelPaths paths{dir + "/" + name, vae, ""};
      try {
        paths.kind = io::detect_model_kind(paths.var_path);
      } catch (const Error&) {
        paths.kind = io::ModelKind::kUnknown;  // opening it shows the loader's error
      }
      found.push_back(paths);
    }
  }
  return found;
}

int default_model_index(const std::vector<ModelPaths>& shipped) {
  for (io::ModelKind kind : {io::ModelKind::kVarTransformer, io::ModelKind::kFlowAr})
    for (size_t i = 0; i < shipped.size(); ++i)
      if (shipped[i].kind == kind) return int(i);
  return -1;
}

std::vector<std::string> default_model_directories() { return io::model_directories(); }

std::string serialize_recent(const std::vector<ModelPaths>& recent) {
  std::string text;
  for (const ModelPaths& p : recent) {
    if (!text.empty()) text += '|';
    text += p.var_path + ';' + p.vae_path + ';' + p.patch_nums;
  }
  return text;
}

std::vector<ModelPaths> parse_recent(const std::string& text) {
  std::vector<ModelPaths> recent;
  if (text.empty()) return recent;
  for (const std::string& entry : split(text, '|')) {
    const std::vector<std::string> f = split(entry, ';');
    if (f.size() != 3 || f[0].empty()) continue;
    recent.push_back({f[0], f[1], f[2]});
  }
  return recent;
}

void remember_recent(std::vector<ModelPaths>& recent, const ModelPaths& paths, size_t limit) {
  recent.erase(std::remove(recent.begin(), recent.end(), paths), recent.end());
  recent.insert(recent.begin(), paths);
  if (recent.size() > limit) recent.resize(limit);
}

std::vector<int> parse_patch_nums(const std::string& text) {
  std::vector<int> nums;
  if (text.empty()) return nums;
  for (const std::string& part : split(text, ',')) {
    char* end = nullptr;
    const long v = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v < 1 || v > 64)
      throw Error("patch nums: expected comma-separated sides in [1, 64], e.g. 1,2,3,4,5,6,8; got '" + text + "'");
    nums.push_back(int(v));
  }
  return nums;
}

bool looks_like_vae(const std::string& path) {
  const size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return name.find("vae") != std::string::npos;
}

}  // namespace vs::gui
