// The pickle stack machine (opcodes as in CPython's Lib/pickletools.py), restricted to what
// torch.save writes for a state dict: protocol-2 containers, ints, floats, strings, the
// memo, GLOBAL + REDUCE of whitelisted names, BINPERSID storages and BUILD of OrderedDict
// attributes. Values live in an arena (Document::values) and refer to each other by index,
// so a shared or even self-referencing object costs nothing and cannot leak.
#include "core/io/pickle_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "core/memory_budget.h"
#include "core/printable.h"

namespace vs::io::pickle {
namespace {

constexpr size_t kMaxStack = size_t(1) << 20;   // values on the stack
constexpr size_t kMaxMarks = size_t(1) << 16;   // open MARKs (nesting depth)
constexpr size_t kMaxMemo = size_t(1) << 22;    // memo entries
// Objects built in all. Each costs ~100 bytes however short its opcode (NONE, POP: two
// bytes), so the count, not the file's size, bounds memory: 2^22 objects (~0.4 GB) hold a
// state dict of ~200,000 tensors, 100 times the largest official checkpoint. At 2^26 a
// 67 MB pickle took 5.2 GB and 39 s before it was refused.
constexpr size_t kMaxValues = size_t(1) << 22;
constexpr size_t kMaxRank = 64;                 // tensor dimensions
constexpr size_t kMaxGlobalLine = 256;          // "module\n" / "name\n" of GLOBAL

struct StorageType {
  const char* global;
  const char* dtype;
  int elem_size;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", "F32", 4}, {"torch.DoubleStorage", "F64", 8},
    {"torch.HalfStorage", "F16", 2},  {"torch.BFloat16Storage", "BF16", 2},
    {"torch.LongStorage", "I64", 8},  {"torch.IntStorage", "I32", 4},
    {"torch.ShortStorage", "I16", 2}, {"torch.CharStorage", "I8", 1},
    {"torch.ByteStorage", "U8", 1},   {"torch.BoolStorage", "BOOL", 1},
};
constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr const char* kRebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";

const StorageType* storage_type(const std::string& global) {
  for (const StorageType& t : kStorageTypes)
    if (global == t.global) return &t;
  return nullptr;
}

bool whitelisted(const std::string& global) {
  return global == kOrderedDict || global == kRebuildTensor || global == kRebuildParameter ||
         global == kRebuildParameterWithState || storage_type(global) != nullptr;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
  }
  return "?";
}

class Machine {
 public:
  Machine(const std::string& label, const uint8_t* bytes, size_t size)
      : label_(label), bytes_(bytes), size_(size) {}

  Document run() {
    while (true) {
      if (pos_ >= size_) fail("truncated pickle: no STOP opcode before the end of the data");
      op_pos_ = pos_;
      const uint8_t op = bytes_[pos_++];
      if (op == '.') break;
      step(op);
    }
    if (stack_.size() != 1 || !marks_.empty())
      fail("STOP with " + std::to_string(stack_.size()) + " values on the stack and " +
           std::to_string(marks_.size()) + " open marks (expected 1 and 0)");
    doc_.root = stack_.back();
    return std::move(doc_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(label_ + ": pickle: " + what + " (offset " + std::to_string(op_pos_) + ")");
  }

  // ---- reading the byte stream --------------------------------------------------------
  const uint8_t* take(uint64_t n) {
    if (n > size_ - pos_)
      fail("truncated pickle: needs " + std::to_string(n) + " bytes, " +
           std::to_string(size_ - pos_) + " left");
    const uint8_t* p = bytes_ + pos_;
    pos_ += static_cast<size_t>(n);
    return p;
  }
  uint64_t read_le(int n) {
    const uint8_t* p = take(n);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  std::string read_text(uint64_t n) {
    const uint8_t* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
  }
  std::string read_line() {
    const size_t limit = std::min(size_ - pos_, kMaxGlobalLine);
    const void* nl = std::memchr(bytes_ + pos_, '\n', limit);
    if (!nl && limit < kMaxGlobalLine) fail("truncated pickle: GLOBAL name not terminated");
    if (!nl) fail("GLOBAL name not terminated within " + std::to_string(limit) + " bytes");
    const size_t n = static_cast<const uint8_t*>(nl) - (bytes_ + pos_);
    std::string line = read_text(n);
    ++pos_;
    return line;
  }

  // ---- the arena and the stack --------------------------------------------------------
  uint32_t add(Value v) {
    if (doc_.values.size() >= kMaxValues)
      fail("more than " + std::to_string(kMaxValues) + " objects");
    doc_.values.push_back(std::move(v));
    return static_cast<uint32_t>(doc_.values.size() - 1);
  }
  uint32_t add(Kind kind, int64_t index = 0) {
    Value v;
    v.kind = kind;
    v.index = index;
    return add(std::move(v));
  }
  void push(uint32_t v) {
    if (stack_.size() >= kMaxStack) fail("stack deeper than " + std::to_string(kMaxStack));
    stack_.push_back(v);
  }
  uint32_t pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    const uint32_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  uint32_t top() const {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  // Values above the innermost MARK may be popped; those below belong to the enclosing
  // container and must stay (CPython keeps them in a separate metastack).
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<uint32_t> pop_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<uint32_t> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  Value& value(uint32_t i) { return doc_.values[i]; }
  Value& expect(uint32_t i, Kind kind, const char* what) {
    if (value(i).kind != kind)
      fail(std::string(what) + ": expected " + kind_name(kind) + ", found " +
           kind_name(value(i).kind));
    return value(i);
  }
  int64_t expect_int(uint32_t i, const char* what) {
    const Value& v = value(i);
    if (v.kind != Kind::Int && v.kind != Kind::Bool)
      fail(std::string(what) + ": expected int, found " + kind_name(v.kind));
    return v.index;
  }

  uint32_t make_container(Kind kind, std::vector<uint32_t> items) {
    Value v;
    v.kind = kind;
    v.items = std::move(items);
    return add(std::move(v));
  }
  void memo_put(uint64_t index) {
    if (memo_.size() >= kMaxMemo && !memo_.count(static_cast<uint32_t>(index)))
      fail("memo larger than " + std::to_string(kMaxMemo) + " entries");
    memo_[static_cast<uint32_t>(index)] = top();
  }
  void memo_get(uint64_t index) {
    const auto it = memo_.find(static_cast<uint32_t>(index));
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
    push(it->second);
  }
  void push_global(std::string module, std::string name) {
    const std::string global = module + "." + name;
    if (!whitelisted(global)) fail("global " + printable_name(global) + " is not allowed");
    Value v;
    v.kind = Kind::Global;
    v.text = global;
    push(add(std::move(v)));
  }
  void push_text(Kind kind, uint64_t length) {
    Value v;
    v.kind = kind;
    v.text = read_text(length);
    push(add(std::move(v)));
  }
  void push_int(int64_t i) { push(add(Kind::Int, i)); }

  // LONG1 / LONG4: little-endian two's complement of n bytes; we keep what fits int64.
  void push_long(uint64_t n) {
    if (n > 8) fail("integer of " + std::to_string(n) + " bytes does not fit int64");
    const uint8_t* p = take(n);
    uint64_t v = 0;
    for (uint64_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);  // sign-extend
    push_int(static_cast<int64_t>(v));
  }

  void set_items(uint32_t dict, const std::vector<uint32_t>& kv) {
    if (kv.size() % 2) fail("SETITEMS with an odd number of values");
    Value& d = value(dict);
    if (d.kind != Kind::Dict) fail(std::string("SETITEM on ") + kind_name(d.kind));
    d.items.insert(d.items.end(), kv.begin(), kv.end());
  }
  void append_items(uint32_t list, const std::vector<uint32_t>& items) {
    Value& l = value(list);
    if (l.kind != Kind::List) fail(std::string("APPEND on ") + kind_name(l.kind));
    l.items.insert(l.items.end(), items.begin(), items.end());
  }

  // ('storage', torch.<T>Storage, key, location, numel)
  void persistent_load(uint32_t pid) {
    const std::vector<uint32_t> f = expect(pid, Kind::Tuple, "persistent id").items;
    if (f.size() != 5)
      fail("persistent id has " + std::to_string(f.size()) + " fields, expected 5");
    if (expect(f[0], Kind::String, "persistent id tag").text != "storage")
      fail("persistent id tag " + printable_name(value(f[0]).text) + " is not 'storage'");
    const StorageType* type = storage_type(expect(f[1], Kind::Global, "storage type").text);
    if (!type) fail(printable_name(value(f[1]).text) + " is not a storage type");
    const std::string key = expect(f[2], Kind::String, "storage key").text;
    expect(f[3], Kind::String, "storage location");
    const int64_t numel = expect_int(f[4], "storage size");
    if (key.empty() || key.find('/') != std::string::npos || key.find('\0') != std::string::npos)
      fail("storage key " + printable_name(key) + " is not a plain record name");
    if (numel < 0) fail("storage " + printable_name(key) + " has negative size " + std::to_string(numel));
    auto it = storage_by_key_.find(key);
    if (it == storage_by_key_.end()) {
      doc_.storages.push_back({key, type->dtype, type->elem_size, numel});
      it = storage_by_key_.emplace(key, doc_.storages.size() - 1).first;
    }
    const StorageRef& s = doc_.storages[it->second];
    if (s.dtype != type->dtype || s.numel != numel)
      fail("storage " + printable_name(key) + " is referenced as " + s.dtype + "[" + std::to_string(s.numel) +
           "] and as " + type->dtype + "[" + std::to_string(numel) + "]");
    push(add(Kind::Storage, static_cast<int64_t>(it->second)));
  }

  std::vector<int64_t> int_tuple(uint32_t i, const char* what) {
    const std::vector<uint32_t> items = expect(i, Kind::Tuple, what).items;
    if (items.size() > kMaxRank) fail(std::string(what) + " has more than 64 dimensions");
    std::vector<int64_t> out;
    for (uint32_t item : items) {
      const int64_t v = expect_int(item, what);
      if (v < 0) fail(std::string(what) + " has a negative entry " + std::to_string(v));
      out.push_back(v);
    }
    return out;
  }

  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
  //                    backward_hooks[, metadata])
  uint32_t rebuild_tensor(const std::vector<uint32_t>& args) {
    if (args.size() != 6 && args.size() != 7)
      fail("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + std::to_string(args.size()));
    TensorRef t;
    t.storage = static_cast<uint32_t>(expect(args[0], Kind::Storage, "tensor storage").index);
    t.offset = expect_int(args[1], "tensor storage offset");
    if (t.offset < 0) fail("negative storage offset " + std::to_string(t.offset));
    t.shape = int_tuple(args[2], "tensor size");
    t.stride = int_tuple(args[3], "tensor stride");
    if (t.shape.size() != t.stride.size())
      fail("tensor size has " + std::to_string(t.shape.size()) + " dims but stride has " +
           std::to_string(t.stride.size()));
    doc_.tensors.push_back(std::move(t));
    return add(Kind::Tensor, static_cast<int64_t>(doc_.tensors.size() - 1));
  }

  void reduce(uint32_t callable, uint32_t args_index) {
    const std::string name = expect(callable, Kind::Global, "REDUCE callable").text;
    const std::vector<uint32_t> args = expect(args_index, Kind::Tuple, "REDUCE arguments").items;
    if (name == kOrderedDict) {
      if (!args.empty()) fail("OrderedDict with constructor arguments is not supported");
      push(make_container(Kind::Dict, {}));
    } else if (name == kRebuildTensor) {
      push(rebuild_tensor(args));
    } else if (name == kRebuildParameter || name == kRebuildParameterWithState) {
      // (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor for us.
      if (args.size() != (name == kRebuildParameter ? 3u : 4u))
        fail(name + " got " + std::to_string(args.size()) + " arguments");
      expect(args[0], Kind::Tensor, "parameter data");
      push(args[0]);
    } else {
      fail("global " + printable_name(name) + " cannot be called");
    }
  }

  void step(uint8_t op) {
    switch (op) {
      case 0x80: {  // PROTO
        const uint64_t proto = read_le(1);
        if (proto < 2 || proto > 5)
          fail("pickle protocol " + std::to_string(proto) + " is not supported");
        break;
      }
      case 0x95: {  // FRAME: a length hint; the framed opcodes follow inline
        const uint64_t n = read_le(8);
        if (n > size_ - pos_) fail("FRAME of " + std::to_string(n) + " bytes runs past the end");
        break;
      }
      case '}': push(make_container(Kind::Dict, {})); break;   // EMPTY_DICT
      case ']': push(make_container(Kind::List, {})); break;   // EMPTY_LIST
      case ')': push(make_container(Kind::Tuple, {})); break;  // EMPTY_TUPLE
      case '(':                                                // MARK
        if (marks_.size() >= kMaxMarks)
          fail("MARKs nested deeper than " + std::to_string(kMaxMarks));
        marks_.push_back(stack_.size());
        break;
      case 't': push(make_container(Kind::Tuple, pop_mark())); break;  // TUPLE
      case 'l': push(make_container(Kind::List, pop_mark())); break;   // LIST
      case 'd': {                                                      // DICT
        std::vector<uint32_t> kv = pop_mark();
        if (kv.size() % 2) fail("DICT with an odd number of values");
        push(make_container(Kind::Dict, std::move(kv)));
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<uint32_t> items(op - 0x84);
        for (size_t i = items.size(); i-- > 0;) items[i] = pop();
        push(make_container(Kind::Tuple, std::move(items)));
        break;
      }
      case 'X': push_text(Kind::String, read_le(4)); break;   // BINUNICODE
      case 0x8c: push_text(Kind::String, read_le(1)); break;  // SHORT_BINUNICODE
      case 0x8d: push_text(Kind::String, read_le(8)); break;  // BINUNICODE8
      case 'U': push_text(Kind::String, read_le(1)); break;   // SHORT_BINSTRING
      case 'T': {                                             // BINSTRING (signed length)
        const int32_t n = static_cast<int32_t>(read_le(4));
        if (n < 0) fail("BINSTRING with negative length");
        push_text(Kind::String, static_cast<uint64_t>(n));
        break;
      }
      case 'C': push_text(Kind::Bytes, read_le(1)); break;          // SHORT_BINBYTES
      case 'B': push_text(Kind::Bytes, read_le(4)); break;          // BINBYTES
      case 0x8e: push_text(Kind::Bytes, read_le(8)); break;         // BINBYTES8
      case 'K': push_int(static_cast<int64_t>(read_le(1))); break;  // BININT1
      case 'M': push_int(static_cast<int64_t>(read_le(2))); break;  // BININT2
      case 'J': push_int(static_cast<int32_t>(read_le(4))); break;  // BININT
      case 0x8a: push_long(read_le(1)); break;                      // LONG1
      case 0x8b: push_long(read_le(4)); break;                      // LONG4
      case 'G': {  // BINFLOAT: big-endian IEEE double
        const uint8_t* p = take(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        Value v;
        v.kind = Kind::Float;
        std::memcpy(&v.number, &bits, 8);
        push(add(std::move(v)));
        break;
      }
      case 0x88: push(add(Kind::Bool, 1)); break;  // NEWTRUE
      case 0x89: push(add(Kind::Bool, 0)); break;  // NEWFALSE
      case 'N': push(add(Kind::None)); break;      // NONE
      case 's': {                                  // SETITEM
        const uint32_t v = pop(), k = pop();
        set_items(top(), {k, v});
        break;
      }
      case 'u': {  // SETITEMS
        const std::vector<uint32_t> kv = pop_mark();
        set_items(top(), kv);
        break;
      }
      case 'a': {  // APPEND
        const uint32_t v = pop();
        append_items(top(), {v});
        break;
      }
      case 'e': {  // APPENDS
        const std::vector<uint32_t> items = pop_mark();
        append_items(top(), items);
        break;
      }
      case 'q': memo_put(read_le(1)); break;     // BINPUT
      case 'r': memo_put(read_le(4)); break;     // LONG_BINPUT
      case 0x94: memo_put(memo_.size()); break;  // MEMOIZE
      case 'h': memo_get(read_le(1)); break;     // BINGET
      case 'j': memo_get(read_le(4)); break;     // LONG_BINGET
      case '0': pop(); break;                    // POP
      case '1': pop_mark(); break;               // POP_MARK
      case '2': push(top()); break;              // DUP
      case 'c': {                                // GLOBAL "module\nname\n"
        std::string module = read_line();
        std::string name = read_line();
        push_global(std::move(module), std::move(name));
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        const uint32_t name = pop(), module = pop();
        push_global(expect(module, Kind::String, "STACK_GLOBAL module").text,
                    expect(name, Kind::String, "STACK_GLOBAL name").text);
        break;
      }
      case 'R': {  // REDUCE
        const uint32_t args = pop(), callable = pop();
        reduce(callable, args);
        break;
      }
      case 'Q': persistent_load(pop()); break;  // BINPERSID
      case 'b': {                               // BUILD: sets attributes, which we drop
        const uint32_t state = pop();
        (void)state;
        const Kind kind = value(top()).kind;
        // OrderedDict state dicts carry `_metadata` (module versions); Parameters may
        // carry Python attributes. Neither changes a tensor's values.
        if (kind != Kind::Dict && kind != Kind::Tensor)
          fail(std::string("BUILD on ") + kind_name(kind) + " is not supported");
        break;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        fail(std::string("opcode ") + hex + " is not supported");
      }
    }
  }

  std::string label_;
  const uint8_t* bytes_;
  size_t size_;
  size_t pos_ = 0, op_pos_ = 0;
  Document doc_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, uint32_t> memo_;
  std::unordered_map<std::string, size_t> storage_by_key_;
};

}  // namespace

const Value* Document::dict_get(const Value& dict, const std::string& key) const {
  const Value* found = nullptr;
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
    const Value& k = values[dict.items[i]];
    if (k.kind == Kind::String && k.text == key) found = &values[dict.items[i + 1]];
  }
  return found;
}

namespace {

double worst_case_bytes(size_t size) {
  // Every object costs at least one opcode byte, so a pickle builds at most min(size,
  // kMaxValues) of them; the arena may hold three times that while it grows (capacity
  // doubling, old and new blocks at once). Per byte besides: text, 4-byte stack slots and
  // container items, and a memo node for each 2-byte BINPUT.
  constexpr double kBytesPerObject = 3.0 * sizeof(Value), kBytesPerByte = 40;
  return double(std::min(size, kMaxValues)) * kBytesPerObject + double(size) * kBytesPerByte;
}

}  // namespace

Document parse(const std::string& label, const uint8_t* bytes, size_t size) {
  // Bounded by the pickle's size before the first opcode runs: a short file of one-byte
  // opcodes becomes tens of bytes of values per byte.
  check_memory(worst_case_bytes(size), label + ": reading a pickle of " + std::to_string(size) + " bytes");
  return Machine(label, bytes, size).run();
}

}  // namespace vs::io::pickle
