// load_checkpoint: safetensors, or a PyTorch zip checkpoint read without Python.
//
// A torch.save (>= 1.6) file is a zip of stored records (var.md §5):
//   <stem>/data.pkl    the pickled object (a state dict, or a dict holding one)
//   <stem>/data/<key>  raw little-endian storages, named by the pickle's persistent ids
//   <stem>/version, and on newer torch <stem>/byteorder, <stem>/.data/serialization_id
// The pickle is read by our pickle-subset reader (pickle_reader.h), which returns tensor
// references; here they are resolved against the storages and widened to float32.
#include "core/io/checkpoint.h"

#include <cstring>
#include <fstream>

#include "core/error.h"
#include "core/finite_values.h"
#include "core/io/half.h"
#include "core/io/input_file.h"
#include "core/io/pickle_reader.h"
#include "core/io/safetensors.h"
#include "core/io/zip_reader.h"
#include "core/memory_budget.h"
#include "core/printable.h"

namespace vs::io {
namespace {

namespace pk = pickle;

// Largest view that repeats its storage's elements (stride 0), in elements.
constexpr int64_t kMaxBroadcastElements = int64_t(1) << 26;

// Checked a*b and a+b on non-negative int64; false on overflow.
bool mul_ok(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }
bool add_ok(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

template <typename T>
T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // the storages are little-endian, as is every host we build for
  return v;
}

float load_element(const uint8_t* p, const std::string& dtype) {
  if (dtype == "F32") return load_le<float>(p);
  if (dtype == "F64") return static_cast<float>(load_le<double>(p));
  if (dtype == "F16") return f16_to_float(load_le<uint16_t>(p));
  if (dtype == "BF16") return bf16_to_float(load_le<uint16_t>(p));
  if (dtype == "I64") return static_cast<float>(load_le<int64_t>(p));
  if (dtype == "I32") return static_cast<float>(load_le<int32_t>(p));
  if (dtype == "I16") return static_cast<float>(load_le<int16_t>(p));
  if (dtype == "I8") return static_cast<float>(load_le<int8_t>(p));
  if (dtype == "U8") return static_cast<float>(*p);
  return *p ? 1.0f : 0.0f;  // BOOL
}

// Widens `count` consecutive elements starting at `src` into `dst`.
template <typename Load>
void widen(const uint8_t* src, int elem_size, int64_t count, float* dst, Load load) {
#pragma omp parallel for schedule(static) if (count > (int64_t(1) << 20))
  for (int64_t i = 0; i < count; ++i) dst[i] = load(src + i * elem_size);
}

void widen_contiguous(const uint8_t* src, const pk::StorageRef& s, int64_t count, float* dst) {
  if (s.dtype == "F32") {
    std::memcpy(dst, src, static_cast<size_t>(count) * sizeof(float));
  } else if (s.dtype == "F16") {
    widen(src, 2, count, dst, [](const uint8_t* p) { return f16_to_float(load_le<uint16_t>(p)); });
  } else if (s.dtype == "BF16") {
    widen(src, 2, count, dst, [](const uint8_t* p) { return bf16_to_float(load_le<uint16_t>(p)); });
  } else {
    const std::string dtype = s.dtype;
    widen(src, s.elem_size, count, dst,
          [&dtype](const uint8_t* p) { return load_element(p, dtype); });
  }
}

bool is_row_major(const pk::TensorRef& t) {
  int64_t expected = 1;
  for (size_t i = t.shape.size(); i-- > 0;) {
    if (t.shape[i] != 1 && t.stride[i] != expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

class TorchZipLoader {
 public:
  TorchZipLoader(const std::string& path, const std::string& nested_key)
      : path_(path), nested_key_(nested_key), zip_(ZipArchive::open(path)) {}

  Checkpoint load() {
    find_records();
    // Tied weights and narrow dtypes (F16, U8, BOOL) legitimately widen a few times.
    int64_t archive_bytes = 0;
    for (const ZipEntry& e : zip_.entries()) archive_bytes += static_cast<int64_t>(e.size);
    element_budget_ = 2 * archive_bytes + kMaxBroadcastElements;
    const ZipEntry& pkl = *zip_.find(prefix_ + "data.pkl");
    doc_ = pk::parse(path_ + ": " + pkl.name, zip_.data(pkl), pkl.size);
    const pk::Value& dict = state_dict();
    Checkpoint ck;
    ck.path = path_;
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
      const pk::Value& key = doc_.at(dict.items[i]);
      const pk::Value& value = doc_.at(dict.items[i + 1]);
      if (key.kind != pk::Kind::String) fail("the state dict has a key that is not a string");
      if (value.kind != pk::Kind::Tensor)
        fail("state-dict entry " + printable_name(key.text) + " is not a tensor");
      const pk::TensorRef& ref = doc_.tensors[static_cast<size_t>(value.index)];
      ck.tensors[key.text] = to_float(key.text, ref);
      check_weight_values(ck.tensors[key.text], key.text, path_ + ": tensor " + printable_name(key.text));
      if (const ZipEntry* storage = zip_.find(prefix_ + "data/" + doc_.storages[ref.storage].key))
        zip_.release(*storage);
      ck.dtypes[key.text] = doc_.storages[ref.storage].dtype;
    }
    return ck;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(path_ + ": " + what); }

  // Finds "<stem>/data.pkl" and checks the archive is a plain torch.save one.
  void find_records() {
    std::vector<std::string> pickles;
    for (const ZipEntry& e : zip_.entries()) {
      const std::string& n = e.name;
      const size_t slash = n.find('/');
      if (n == "data.pkl" || (slash != std::string::npos && n.substr(slash + 1) == "data.pkl"))
        pickles.push_back(n);
    }
    if (pickles.empty())
      fail("zip archive has no '<stem>/data.pkl' record; not a torch.save checkpoint");
    if (pickles.size() > 1)
      fail("zip archive has " + std::to_string(pickles.size()) + " data.pkl records ('" +
           pickles[0] + "', '" + pickles[1] + "'); expected one");
    prefix_ = pickles[0].substr(0, pickles[0].size() - std::strlen("data.pkl"));
    if (zip_.find(prefix_ + "constants.pkl"))
      fail(
          "is a TorchScript archive (torch.jit.save); save the state dict with "
          "torch.save(model.state_dict(), path) instead");
    if (const ZipEntry* order = zip_.find(prefix_ + "byteorder")) {
      const std::string value(reinterpret_cast<const char*>(zip_.data(*order)), order->size);
      if (value != "little")
        fail("storages are '" + value + "'-endian; only little-endian is supported");
    }
  }

  bool has_tensor_values(const pk::Value& dict) const {
    for (size_t i = 1; i < dict.items.size(); i += 2)
      if (doc_.at(dict.items[i]).kind == pk::Kind::Tensor) return true;
    return false;
  }

  std::string top_level_keys(const pk::Value& dict) const {
    std::string keys;
    size_t shown = 0;
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
      const pk::Value& k = doc_.at(dict.items[i]);
      if (shown == 20) {
        keys += ", ...";
        break;
      }
      keys += (shown++ ? ", " : "") + (k.kind == pk::Kind::String ? "'" + k.text + "'" : "?");
    }
    return "[" + keys + "]";
  }

  // The state dict: the top-level dict when it holds tensors; else the dict under
  // nested_key, or under "model" / "state_dict" when nested_key is empty.
  const pk::Value& state_dict() const {
    const pk::Value& root = doc_.at(doc_.root);
    if (root.kind != pk::Kind::Dict) fail("the pickle holds no dict of tensors");
    if (!nested_key_.empty()) {
      const pk::Value* nested = doc_.dict_get(root, nested_key_);
      if (!nested || nested->kind != pk::Kind::Dict)
        fail("no state dict under key '" + nested_key_ + "'; top-level keys are " +
             top_level_keys(root));
      return *nested;
    }
    if (has_tensor_values(root)) return root;
    for (const char* key : {"model", "state_dict"}) {
      const pk::Value* nested = doc_.dict_get(root, key);
      if (nested && nested->kind == pk::Kind::Dict && has_tensor_values(*nested)) return *nested;
    }
    fail("no state dict found: top-level keys are " + top_level_keys(root) +
         "; name the key that holds the tensors (nested_key)");
  }

  Tensor to_float(const std::string& key, const pk::TensorRef& t) {
    const pk::StorageRef& s = doc_.storages[t.storage];
    const std::string record = prefix_ + "data/" + s.key;
    const ZipEntry* entry = zip_.find(record);
    if (!entry) fail("tensor " + printable_name(key) + ": storage record '" + record + "' is missing");
    int64_t storage_bytes = 0;
    if (!mul_ok(s.numel, s.elem_size, &storage_bytes) ||
        static_cast<uint64_t>(storage_bytes) != entry->size)
      fail("tensor " + printable_name(key) + ": storage record '" + record + "' holds " +
           std::to_string(entry->size) + " bytes, expected " + std::to_string(s.numel) + " x " +
           std::to_string(s.elem_size) + " (" + s.dtype + ")");

    // Elements and the last storage element the tensor touches, overflow-checked.
    int64_t count = 1, last = t.offset;
    bool ok = true;
    for (size_t i = 0; i < t.shape.size() && ok; ++i) {
      int64_t span = 0;
      ok = mul_ok(count, t.shape[i], &count) &&
           (t.shape[i] == 0 ||
            (mul_ok(t.shape[i] - 1, t.stride[i], &span) && add_ok(last, span, &last)));
    }
    if (!ok) fail("tensor " + printable_name(key) + ": shape " + shape_to_string(t.shape) + " overflows");
    if (count > 0 && last >= s.numel)
      fail("tensor " + printable_name(key) + ": shape " + shape_to_string(t.shape) + ", stride " +
           shape_to_string(t.stride) + " at offset " + std::to_string(t.offset) +
           " needs storage element " + std::to_string(last) + " but storage '" + s.key + "' has " +
           std::to_string(s.numel));

    // A view may repeat elements (stride 0) and many keys may share one storage, so a
    // small file could ask for any amount of memory; bound the output by the input.
    if (count > s.numel && count > kMaxBroadcastElements)
      fail("tensor " + printable_name(key) + ": shape " + shape_to_string(t.shape) + " repeats the " +
           std::to_string(s.numel) + " elements of its storage into " + std::to_string(count) +
           "; such broadcast views are refused above " + std::to_string(kMaxBroadcastElements));
    // An empty tensor's dims are bounded by nothing above.
    if (count == 0) check_shape_extent(t.shape, path_ + ": tensor " + printable_name(key));
    elements_out_ += count;
    if (elements_out_ > element_budget_)
      fail("tensors expand to more than " + std::to_string(element_budget_) +
           " elements, far more than the archive holds (storages referenced many times?)");

    Tensor out;
    out.shape = t.shape;
    out.data.resize(static_cast<size_t>(count));
    if (count == 0) return out;
    const uint8_t* base = zip_.data(*entry);
    if (is_row_major(t)) {
      widen_contiguous(base + t.offset * s.elem_size, s, count, out.ptr());
      return out;
    }
    // A saved view (e.g. a transpose): gather in row-major order of the logical shape.
    const size_t rank = t.shape.size();
    std::vector<int64_t> index(rank, 0);
    for (int64_t n = 0; n < count; ++n) {
      int64_t element = t.offset;
      for (size_t d = 0; d < rank; ++d) element += index[d] * t.stride[d];
      out.data[static_cast<size_t>(n)] = load_element(base + element * s.elem_size, s.dtype);
      for (size_t d = rank; d-- > 0;) {
        if (++index[d] < t.shape[d]) break;
        index[d] = 0;
      }
    }
    return out;
  }

  std::string path_, nested_key_, prefix_;
  ZipArchive zip_;
  pk::Document doc_;
  int64_t elements_out_ = 0;
  int64_t element_budget_ = 0;  // set from the archive's size in load()
};

Checkpoint load_safetensors(const std::string& path) {
  const SafetensorsFile file = SafetensorsFile::open(path);
  Checkpoint ck;
  ck.path = path;
  ck.metadata = file.metadata();
  for (const TensorInfo& info : file.tensors()) {
    ck.tensors[info.name] = file.read_float(info.name);
    check_weight_values(ck.tensors[info.name], info.name, path + ": tensor " + printable_name(info.name));
    file.release(info.name);
    ck.dtypes[info.name] = dtype_name(info.dtype);
  }
  return ck;
}

// The first `n` bytes of the file (fewer if it is shorter).
std::string file_head(const std::string& path, size_t n) {
  check_regular_file(path, "checkpoint");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  std::string head(n, '\0');
  in.read(&head[0], static_cast<std::streamsize>(n));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

}  // namespace

const Tensor& Checkpoint::get(const std::string& key, const Shape& expected) const {
  const auto it = tensors.find(key);
  if (it == tensors.end()) {
    // Point at the nearest key by shared prefix: most misses are a renamed module.
    std::string nearest;
    size_t best = 0;
    for (const auto& [name, tensor] : tensors) {
      size_t common = 0;
      while (common < name.size() && common < key.size() && name[common] == key[common]) ++common;
      if (common > best) best = common, nearest = name;
    }
    throw Error(path + ": tensor " + printable_name(key) + " is missing (" + std::to_string(tensors.size()) +
                " tensors in the file" +
                (nearest.empty() ? "" : "; nearest key " + printable_name(nearest)) + ")");
  }
  if (!expected.empty() && it->second.shape != expected)
    throw Error(path + ": tensor " + printable_name(key) + " has shape " + shape_to_string(it->second.shape) +
                ", expected " + shape_to_string(expected));
  return it->second;
}

int64_t Checkpoint::dim(const std::string& key, int i) const {
  const Tensor& t = get(key);
  if (i < 0 || i >= t.rank())
    throw Error(path + ": tensor " + printable_name(key) + " has shape " + t.shape_str() + ", expected at least " +
                std::to_string(i + 1) + " dimensions");
  return t.shape[size_t(i)];
}

Checkpoint load_checkpoint(const std::string& path, const std::string& nested_key) {
  const std::string head = file_head(path, 512);
  if (head.empty()) throw Error(path + ": file is empty");
  if (head.compare(0, 4, "PK\x03\x04") == 0 || head.compare(0, 4, "PK\x05\x06") == 0)
    return TorchZipLoader(path, nested_key).load();
  // Pre-1.6 torch.save wrote a bare pickle stream (PROTO 2, then a magic number), older
  // still a tar. A safetensors file may start with 0x80 too, but has '{' at byte 8.
  const bool legacy_pickle = static_cast<uint8_t>(head[0]) == 0x80 && head.size() > 1 &&
                             head[1] >= 2 && head[1] <= 5 && (head.size() < 9 || head[8] != '{');
  const bool legacy_tar = head.size() >= 262 && head.compare(257, 5, "ustar") == 0;
  if (legacy_pickle || legacy_tar)
    throw Error(path +
                ": legacy torch.save format (pre-1.6) is not supported; re-save with torch>=1.6");
  return load_safetensors(path);
}

}  // namespace vs::io
