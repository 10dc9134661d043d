// The committed hostile corpus (tests/data/hostile_pickle/, written by
// tools/make_hostile_pickle.py): code-execution attempts, corrupt pickles, inconsistent
// tensors and broken zips. Each file must be refused with a vs::Error that names the file
// and says what is wrong (MANIFEST gives a substring of each message); none may crash,
// hang, or escape as another exception type.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/pickle_reader.h"

namespace vs::io {
namespace {

const std::string kCorpus = std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/hostile_pickle/";

std::map<std::string, std::string> read_manifest() {
  std::ifstream in(kCorpus + "MANIFEST");
  std::map<std::string, std::string> expected;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) expected[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return expected;
}

std::set<std::string> files_in(const std::string& folder, const std::string& prefix) {
  std::set<std::string> names;
  if (DIR* dir = opendir(folder.c_str())) {
    while (const dirent* e = readdir(dir)) {
      const std::string name = e->d_name;
      if (name != "." && name != ".." && name != "MANIFEST" && name != "raw")
        names.insert(prefix + name);
    }
    closedir(dir);
  }
  return names;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string data = s.str();
  return std::vector<uint8_t>(data.begin(), data.end());
}

TEST(HostilePickle, ManifestCoversEveryFile) {
  const auto expected = read_manifest();
  std::set<std::string> files = files_in(kCorpus, "");
  const std::set<std::string> raw = files_in(kCorpus + "raw", "raw/");
  files.insert(raw.begin(), raw.end());
  ASSERT_GT(files.size(), 60u);
  for (const std::string& f : files) EXPECT_TRUE(expected.count(f)) << f << " is not in MANIFEST";
  for (const auto& [f, msg] : expected)
    EXPECT_TRUE(files.count(f)) << f << " is in MANIFEST but missing";
}

TEST(HostilePickle, EveryArchiveIsRefusedWithItsReason) {
  for (const auto& [name, substring] : read_manifest()) {
    if (name.rfind("raw/", 0) == 0) continue;
    const std::string path = kCorpus + name;
    std::string message;
    try {
      load_checkpoint(path);
    } catch (const Error& e) {
      message = e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": escaped as a non-vs::Error: " << e.what();
      continue;
    }
    EXPECT_EQ(message.rfind(path, 0), 0u)
        << name << ": message does not start with the file: " << message;
    EXPECT_NE(message.find(substring), std::string::npos)
        << name << ": expected '" << substring << "' in: " << message;
  }
}

// The same pickles straight into the VM (no zip around them): the fuzzer's seed corpus.
TEST(HostilePickle, EveryRawPickleIsRefusedByTheVm) {
  for (const auto& [name, substring] : read_manifest()) {
    if (name.rfind("raw/", 0) != 0) continue;
    const std::vector<uint8_t> bytes = read_bytes(kCorpus + name);
    std::string message;
    try {
      pickle::parse(name, bytes.data(), bytes.size());
      ADD_FAILURE() << name << ": parsed";
    } catch (const Error& e) {
      message = e.what();
    }
    EXPECT_EQ(message.rfind(name + ": pickle: ", 0), 0u) << message;
    EXPECT_NE(message.find(substring), std::string::npos)
        << name << ": expected '" << substring << "' in: " << message;
  }
}

// No global outside the whitelist is ever accepted, however it is spelled.
TEST(HostilePickle, GlobalsOutsideTheWhitelistAreRefused) {
  const char* names[] = {"os\nsystem\n",
                         "torch\nload\n",
                         "torch._utils\n_rebuild_tensor\n",
                         "collections\nOrderedDictX\n",
                         "collections.OrderedDict\n\n",
                         "torch\nFloatStorage \n",
                         "numpy.core.multiarray\n_reconstruct\n"};
  for (const char* global : names) {
    std::string pkl = std::string("\x80\x02", 2) + "c" + global + ".";
    const std::string msg = [&] {
      try {
        pickle::parse("g.pkl", reinterpret_cast<const uint8_t*>(pkl.data()), pkl.size());
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string();
    }();
    EXPECT_NE(msg.find("is not allowed"), std::string::npos) << global << " -> " << msg;
  }
}

}  // namespace
}  // namespace vs::io
