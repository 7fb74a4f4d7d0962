#include "base/printable.h"

#include <string>

#include <gtest/gtest.h>

namespace base {
namespace {

TEST(PrintableTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(Printable("a\x1b[2Jb\x07\n\r\t\x7f"), "a\\x1b[2Jb\\x07\\n\\r\\t\\x7f");
  EXPECT_EQ(Printable(std::string("nul\0here", 8)), "nul\\x00here");
  EXPECT_EQ(Printable("c1 \xc2\x85 next line"), "c1 \\u{85} next line");
}

TEST(PrintableTest, ValidUtf8StaysInvalidBytesAreEscaped) {
  EXPECT_EQ(Printable("café ☕ 𝄞"), "café ☕ 𝄞");
  EXPECT_EQ(Printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(Printable("\xe2\x82"), "\\xe2\\x82");          // cut short
  EXPECT_EQ(Printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST(PrintableTest, LongTextIsCutWithAnEllipsis) {
  EXPECT_EQ(Printable(std::string(50'000'000, 'k')), std::string(kQuoteChars, 'k') + "…");
  EXPECT_EQ(Printable("abcdef", 3), "abc…");
  EXPECT_EQ(Printable("abc", 3), "abc");
  EXPECT_EQ(Printable("ééé", 2), "éé…");  // characters, not bytes
  EXPECT_EQ(Quoted("x\ny"), "\"x\\ny\"");
}

}  // namespace
}  // namespace base
