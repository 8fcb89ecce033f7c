// Text for one-line error messages: user input echoed back is escaped
// (control characters as \n, \t, \xNN) and cut short, so a message stays one
// short line whatever the input holds (a 10 MB assembler line, a newline in
// a --set value, binary bytes).
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace bf {

// `s` with control characters (< 0x20, 0x7f) escaped; at most `max`
// characters of `s` are kept, "..." marks a cut.
inline std::string printable(std::string_view s, size_t max = 60) {
  std::string out;
  size_t kept = 0;
  for (const char ch : s) {
    if (kept == max) {
      out += "...";
      break;
    }
    ++kept;
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out += ch;  // UTF-8 bytes pass (paths and names may hold them)
    }
  }
  return out;
}

// printable(s) between single quotes: the form messages use for echoed input.
inline std::string in_quotes(std::string_view s, size_t max = 60) { return "'" + printable(s, max) + "'"; }

}  // namespace bf
