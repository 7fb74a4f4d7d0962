// Printable: text from outside (file names, JSON keys and strings, parser
// messages) made safe to put in a one-line error message.
//
// Control characters (C0, DEL, C1) and bytes that are not valid UTF-8 are
// escaped (`\n`, `\t`, `\x1b`, `\u{85}`), so a message never rings the bell,
// clears the screen or spans two lines, and is always valid UTF-8 (it can go
// into JSON). Valid non-ASCII text such as "é" stays as it is. Long input is
// cut, with an ellipsis, so a 50 MB key cannot make a 50 MB message.
//
// Threading: pure functions.
#ifndef TWINLOOP_BASE_PRINTABLE_H_
#define TWINLOOP_BASE_PRINTABLE_H_

#include <cstddef>
#include <string>
#include "absl/strings/string_view.h"

namespace base {

// How much of a quoted input value a message shows.
inline constexpr size_t kQuoteChars = 40;
// The most a whole message may hold (file names included).
inline constexpr size_t kMessageChars = 1000;

// `text` escaped as above, cut after `max_chars` characters with "…".
std::string Printable(absl::string_view text, size_t max_chars = kQuoteChars);

// `text` in double quotes, escaped and cut as Printable does.
std::string Quoted(absl::string_view text, size_t max_chars = kQuoteChars);

}  // namespace base

#endif  // TWINLOOP_BASE_PRINTABLE_H_
