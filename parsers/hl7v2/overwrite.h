#pragma once
// Writing a value over a string of the canonical model that an earlier message already filled.
// A stream is normalized into one result (reused_list.h), so most strings written hold, before
// the write, the same member of the message before: a lab feed repeats its flags' displays, its
// status codes and its code systems at the same positions.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/canonical/clinical.h"
#include "engine/canonical/datatypes.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

// out = value. The same text is left as it is (a comparison of a few words), other text is
// appended to the emptied string: std::string::assign goes through the general replace, which
// allows for overlap and costs several times an append. value must not point into out.
inline void overwrite(std::string& out, std::string_view value) {
  if (sameBytes(out, value)) return;
  out.clear();
  out.append(value);
}

// Copies the n bytes at from (sizeof(Word) <= n <= 2 * sizeof(Word)) as two overlapping words.
template <class Word>
void copyHeadAndTail(const char* from, std::size_t n, char* to) {
  Word head = 0;
  Word tail = 0;
  std::memcpy(&head, from, sizeof(Word));
  std::memcpy(&tail, from + n - sizeof(Word), sizeof(Word));
  std::memcpy(to, &head, sizeof(Word));
  std::memcpy(to + n - sizeof(Word), &tail, sizeof(Word));
}

// Copies n bytes (n <= 16) in line instead of calling memcpy, which costs more than the copy
// for the short texts of a result ("mg/dL", "1.24"). Forced in line: readObx, at GCC's growth
// limit, called it out of line about five times a result.
[[gnu::always_inline]] inline void copyShort(const char* from, std::size_t n, char* to) {
  if (n >= 8) {
    copyHeadAndTail<std::uint64_t>(from, n, to);
  } else if (n >= 4) {
    copyHeadAndTail<std::uint32_t>(from, n, to);
  } else {
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
  }
}

// out = value when both have the same length, of at most 16 bytes: copied over out in line
// (the result at a position often had a value as long: "N" over "H"). False, out untouched,
// for any other length. value must not point into out. Forced in line with copyShort.
[[gnu::always_inline]] inline bool copyOverSameLength(std::string_view value, std::string& out) {
  const std::size_t n = value.size();
  if (n > 16 || n != out.size()) return false;
  copyShort(value.data(), n, out.data());
  return true;
}

// out = kept. A short text as long as what out holds (the result at this position had as long
// a code or flag: "N" over "H") is copied over it in line; anything else is assigned, which
// keeps out's block and copies without the checks of an append (measured: -523 instructions a
// message; copying over a longer text and cutting it to size cost more than it saved). Forced
// in line: with the composite memo's nine copies of a practitioner GCC left it out of line for
// every recall, which cost 1,300 instructions a message.
[[gnu::always_inline]] inline void copyText(const std::string& kept, std::string& out) {
  if (!copyOverSameLength(kept, out)) out = kept;
}

// True when out already shares kept's well-known system. Both are tested for one before their
// texts' addresses are compared, which then need no choice between shared and own text
// (measured against comparing str()'s addresses alone: -200 instructions a message).
inline bool sharesSystem(const canonical::CodeSystem& kept, const canonical::CodeSystem& out) {
  return kept.wellKnown() && out.wellKnown() && &out.str() == &kept.str();
}

// out = kept, member by member (copyText), and a coding that already shares a well-known
// system keeps it. Forced in line, as copyText is: GCC otherwise kept a call for the flags'
// interpretations copied in readInterpretations (measured: -258 instructions a message).
[[gnu::always_inline]] inline void copyCoding(const canonical::Coding& kept,
                                              canonical::Coding& out) {
  copyText(kept.code, out.code);
  copyText(kept.display, out.display);
  if (!sharesSystem(kept.system, out.system)) out.system = kept.system;
}

// out = kept, as copyCoding. Comparing the texts first, though most results repeat the flag the
// result at the same position had, cost more than it saved (73,103 against 73,032 a message).
inline void copyInterpretation(const canonical::Interpretation& kept,
                               canonical::Interpretation& out) {
  copyText(kept.v2, out.v2);
  copyCoding(kept.fhir, out.fhir);
}

}  // namespace ferry::hl7v2
