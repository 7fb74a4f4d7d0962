#include "base/printable.h"

#include <cstdint>

#include "absl/strings/str_format.h"

namespace base {
namespace {

// Length of the valid UTF-8 sequence at the start of `s` (1-4), or 0 if it
// is not one: overlong forms, surrogates and code points past U+10FFFF are
// invalid (RFC 3629).
size_t Utf8Length(absl::string_view s, uint32_t* code_point) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t c = b(0);
  size_t n;
  uint32_t cp;
  if (c < 0x80) {
    *code_point = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  *code_point = cp;
  return n;
}

}  // namespace

std::string Printable(absl::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    ++chars;
    uint32_t cp = 0;
    const size_t n = Utf8Length(text.substr(i), &cp);
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<uint8_t>(text[i]));
      ++i;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", cp);
    } else if (cp >= 0x80 && cp <= 0x9F) {
      absl::StrAppendFormat(&out, "\\u{%x}", cp);
    } else {
      out.append(text.data() + i, n);
    }
    i += n;
  }
  return out;
}

std::string Quoted(absl::string_view text, size_t max_chars) {
  return "\"" + Printable(text, max_chars) + "\"";
}

}  // namespace base
