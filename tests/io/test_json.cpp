// The strict JSON parser: what RFC 8259 accepts, what it refuses, and the limits.
#include "core/io/json.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace vs::io::json {
namespace {

bool rejects(const std::string& text, const Limits& limits = Limits()) {
  try {
    parse(text, limits);
  } catch (const Error&) {
    return true;
  }
  return false;
}

TEST(Json, ParsesNestedDocumentInOrder) {
  const Value v = parse(R"( {"b": [1, -2, 3.5e1, true, false, null], "a": {"x": "y"}, "b": 0} )");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.object.size(), 3u);  // duplicates kept for the caller to judge
  EXPECT_EQ(v.object[0].key, "b");
  EXPECT_EQ(v.object[1].key, "a");
  const Value& arr = v.object[0].value;
  ASSERT_EQ(arr.array.size(), 6u);
  EXPECT_EQ(arr.array[2].text, "3.5e1");
  EXPECT_EQ(arr.array[3].kind, Value::Kind::Bool);
  EXPECT_TRUE(arr.array[3].boolean);
  EXPECT_FALSE(arr.array[4].boolean);
  EXPECT_EQ(arr.array[5].kind, Value::Kind::Null);
  EXPECT_EQ(v.find("a")->find("x")->text, "y");
  EXPECT_EQ(v.find("b"), &v.object[0].value);  // first of the duplicates
  EXPECT_EQ(v.find("c"), nullptr);
}

TEST(Json, StringEscapes) {
  const Value v = parse(R"("q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20ac\ud83d\ude00")");
  EXPECT_EQ(v.text, "q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(parse("\"\\u0000\"").text, std::string(1, '\0'));
  EXPECT_EQ(parse("\"\xc3\xa9\"").text, "\xc3\xa9");  // raw UTF-8 passes through
}

TEST(Json, RejectsBadStrings) {
  EXPECT_TRUE(rejects("\"abc"));
  EXPECT_TRUE(rejects("\"a\nb\""));        // raw control character
  EXPECT_TRUE(rejects(R"("\x")"));          // unknown escape
  EXPECT_TRUE(rejects(R"("\u12")"));        // truncated \u
  EXPECT_TRUE(rejects(R"("\u12G4")"));
  EXPECT_TRUE(rejects(R"("\ud83d")"));      // lone high surrogate
  EXPECT_TRUE(rejects(R"("\ud83dx")"));
  EXPECT_TRUE(rejects(R"("\ud83d\u0041")"));
  EXPECT_TRUE(rejects(R"("\ude00")"));      // lone low surrogate
  EXPECT_TRUE(rejects("\"\xff\""));         // invalid UTF-8
  EXPECT_TRUE(rejects("\"\xc0\xaf\""));     // overlong
  EXPECT_TRUE(rejects("\"\xed\xa0\x80\""));  // encoded surrogate
  EXPECT_TRUE(rejects("\"\xf4\x90\x80\x80\""));  // above U+10FFFF
  EXPECT_TRUE(rejects("\"\xe2\x82\""));      // truncated sequence
}

TEST(Json, Numbers) {
  int64_t i;
  uint64_t u;
  EXPECT_TRUE(parse("9223372036854775807").to_int64(&i));
  EXPECT_EQ(i, INT64_MAX);
  EXPECT_FALSE(parse("9223372036854775808").to_int64(&i));
  EXPECT_TRUE(parse("-9223372036854775808").to_int64(&i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(parse("-9223372036854775809").to_int64(&i));
  EXPECT_TRUE(parse("18446744073709551615").to_uint64(&u));
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_FALSE(parse("18446744073709551616").to_uint64(&u));
  EXPECT_FALSE(parse("184467440737095516150").to_uint64(&u));
  EXPECT_FALSE(parse("-1").to_uint64(&u));
  EXPECT_TRUE(parse("-0").to_uint64(&u));
  EXPECT_EQ(u, 0u);
  EXPECT_FALSE(parse("1.0").is_integer_literal());
  EXPECT_FALSE(parse("1e3").to_int64(&i));
  EXPECT_FALSE(parse("\"1\"").to_int64(&i));
  EXPECT_TRUE(parse("0").to_int64(&i));
  EXPECT_EQ(i, 0);

  EXPECT_TRUE(rejects("01"));
  EXPECT_TRUE(rejects("-"));
  EXPECT_TRUE(rejects("1."));
  EXPECT_TRUE(rejects(".5"));
  EXPECT_TRUE(rejects("1e"));
  EXPECT_TRUE(rejects("1e+"));
  EXPECT_TRUE(rejects("+1"));
  EXPECT_TRUE(rejects("0x10"));
  EXPECT_TRUE(rejects("NaN"));
  EXPECT_TRUE(rejects("Infinity"));
}

TEST(Json, RejectsBadStructure) {
  EXPECT_TRUE(rejects(""));
  EXPECT_TRUE(rejects("   "));
  EXPECT_TRUE(rejects("{"));
  EXPECT_TRUE(rejects("{\"a\"}"));
  EXPECT_TRUE(rejects("{\"a\":1,}"));
  EXPECT_TRUE(rejects("{,}"));
  EXPECT_TRUE(rejects("{a:1}"));
  EXPECT_TRUE(rejects("[1,]"));
  EXPECT_TRUE(rejects("[1 2]"));
  EXPECT_TRUE(rejects("[1"));
  EXPECT_TRUE(rejects("tru"));
  EXPECT_TRUE(rejects("nul"));
  EXPECT_TRUE(rejects("{} {}"));
  EXPECT_TRUE(rejects("{}x"));
  EXPECT_TRUE(rejects(std::string("{}\0", 3)));
  EXPECT_FALSE(rejects(" \t\r\n{} \t\r\n"));
  EXPECT_TRUE(rejects("\v{}"));  // only the four JSON whitespace characters
}

TEST(Json, ErrorsGiveByteOffset) {
  try {
    parse("[1, 2, x]");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at byte 7"), std::string::npos) << e.what();
  }
}

TEST(Json, DepthLimit) {
  Limits limits;
  limits.max_depth = 10;
  EXPECT_FALSE(rejects(std::string(10, '[') + std::string(10, ']'), limits));
  EXPECT_TRUE(rejects(std::string(11, '[') + std::string(11, ']'), limits));
  // The default limit stops a stack overflow on deep input.
  EXPECT_TRUE(rejects(std::string(100000, '[')));
  EXPECT_TRUE(rejects(std::string(100000, '{')));
}

TEST(Json, ValueCountLimit) {
  Limits limits;
  limits.max_values = 5;
  EXPECT_FALSE(rejects("[1,2,3,4]", limits));  // 5 values including the array
  EXPECT_TRUE(rejects("[1,2,3,4,5]", limits));
}

TEST(Json, QuoteRoundTrips) {
  const std::string s = std::string("a\"b\\c\n\t\x01\x1f \xc3\xa9") + '\0';
  const std::string q = quote(s);
  EXPECT_EQ(q.find('\n'), std::string::npos);
  EXPECT_EQ(parse(q).text, s);
  EXPECT_TRUE(is_valid_utf8("abc \xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
}

}  // namespace
}  // namespace vs::io::json
