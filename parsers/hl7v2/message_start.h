#pragma once
// Which lines of a stream start a message: an MLLP start block, or one of the header segments
// MSH, FHS, BHS, BTS, FTS. The splitter ends a message before such a line, and so does
// Message::parseLeading(), which finds a message's end in the pass that indexes it: both ask
// here, so that they cannot end a message in different places.

#include <string_view>

namespace ferry::hl7v2::message_start {

inline constexpr char kStartBlock = 0x0B;

inline bool isHeaderId(std::string_view id) {
  return id == "MSH" || id == "FHS" || id == "BHS" || id == "BTS" || id == "FTS";
}

// The first bytes of a line that may start a message, as a table: one look-up a line instead of
// four comparisons (every header id starts with M, F or B).
struct FirstBytes {
  bool possible[256];
  constexpr FirstBytes() : possible() {
    for (const unsigned char c : {kStartBlock, 'M', 'F', 'B'}) possible[c] = true;
  }
  constexpr bool operator()(char c) const { return possible[static_cast<unsigned char>(c)]; }
};
inline constexpr FirstBytes kFirstByte;

}  // namespace ferry::hl7v2::message_start
