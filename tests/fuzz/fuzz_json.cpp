// libFuzzer target for the strict JSON reader behind every safetensors header. Any input
// either parses or throws vs::Error; a parsed document must also survive a round trip:
// every string and key, quoted again, parses back to itself, and every number literal
// reads as an integer or says it is none. Anything else is a finding.
// Seeds: the json/ folder of tools/make_hostile_inputs.py and tests/data/hostile_safetensors.
//   fuzz_json -max_total_time=60 CORPUS_DIR HOSTILE_DIR/json tests/data/hostile_safetensors
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/io/json.h"

namespace {

namespace json = vs::io::json;

void round_trip(const std::string& text) {
  if (!json::is_valid_utf8(text)) std::abort();  // the parser let invalid UTF-8 through
  const json::Value again = json::parse(json::quote(text));
  if (!again.is_string() || again.text != text) std::abort();
}

void check(const json::Value& v) {
  int64_t i = 0;
  uint64_t u = 0;
  switch (v.kind) {
    case json::Value::Kind::String: round_trip(v.text); break;
    case json::Value::Kind::Number:
      // An integer literal that fits reads back as the same text.
      if (v.to_int64(&i) && std::to_string(i) != v.text && v.text != "-0") std::abort();
      if (v.to_uint64(&u) && std::to_string(u) != v.text && v.text != "-0") std::abort();
      break;
    case json::Value::Kind::Array:
      for (const json::Value& item : v.array) check(item);
      break;
    case json::Value::Kind::Object:
      for (const json::Member& m : v.object) {
        round_trip(m.key);
        check(m.value);
      }
      break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    check(json::parse(reinterpret_cast<const char*>(data), size));
  } catch (const vs::Error&) {
  }
  return 0;
}
