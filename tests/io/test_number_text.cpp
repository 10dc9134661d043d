// Strict numbers and lists in flags and specs: the whole text is the number, every item is there.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/number_text.h"

TEST(NumberText, WholeNumbersOnly) {
  EXPECT_EQ(vs::parse_whole_long("42"), 42);
  EXPECT_EQ(vs::parse_whole_long("-3"), -3);
  for (const char* bad : {"", "4x", " 4", "4 ", "0x10", "99999999999999999999999"})
    EXPECT_FALSE(vs::parse_whole_long(bad).has_value()) << bad;
  EXPECT_EQ(vs::parse_whole_double("0.25"), 0.25);
  EXPECT_EQ(vs::parse_whole_double("1e-3"), 1e-3);
  for (const char* bad : {"", "0.5.", "x", " 1", "1e999"}) EXPECT_FALSE(vs::parse_whole_double(bad).has_value()) << bad;
}

TEST(NumberText, UnsignedUpToTwoToThe64) {
  EXPECT_EQ(vs::parse_whole_unsigned("18446744073709551615"), 18446744073709551615ULL);
  for (const char* bad : {"-1", "", "+3", "18446744073709551616", "1 "})
    EXPECT_FALSE(vs::parse_whole_unsigned(bad).has_value()) << bad;
  EXPECT_EQ(vs::trim_spaces("  0, 1 "), "0, 1");
  EXPECT_EQ(vs::trim_spaces("   "), "");
}

TEST(NumberText, EveryItemIsKept) {
  EXPECT_EQ(vs::split_items("1,2,3"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(vs::split_items(""), (std::vector<std::string>{""}));
  EXPECT_EQ(vs::split_items("1,"), (std::vector<std::string>{"1", ""}));
  EXPECT_EQ(vs::split_items("1,,2"), (std::vector<std::string>{"1", "", "2"}));
  EXPECT_EQ(vs::split_items("13@0.4", '@'), (std::vector<std::string>{"13", "0.4"}));
}
