#pragma once
// Numbers of results: an NM value (OBX-5) and the bounds of a reference range (OBX-7), read to
// the double std::from_chars gives for the same text.

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/canonical/clinical.h"
#include "parsers/hl7v2/datatype_reader.h"

namespace ferry::hl7v2 {

inline constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6, 1e7,
                                          1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// readNumeric() of any text: spaces, signs, exponents, long mantissas.
std::optional<double> readGeneralNumber(std::string_view text);

// The number of a text of the shape nearly every lab number has, digits[.digits] of 1 to 15
// bytes without sign or spaces ("1.24", "107"), read in one pass into value; false, value
// untouched, for any other text. It is the shape readPlainDecimal accepts without trimming, with
// at most 15 digits, so the value is the same exact quotient std::from_chars rounds to.
inline bool readPlainNumber(std::string_view text, double& value) {
  if (text.size() - 1 >= 15) return false;  // 1 to 15 bytes (an empty text wraps around)
  const char* p = text.data();
  const char* const end = p + text.size();
  std::uint64_t mantissa = 0;
  unsigned digit = 0;
  while (p != end && (digit = static_cast<unsigned>(*p) - '0') < 10) {
    mantissa = mantissa * 10 + digit;
    ++p;
  }
  if (p == end) {
    value = static_cast<double>(mantissa);
    return true;
  }
  if (*p != '.' || p == text.data()) return false;
  const char* const fraction = ++p;
  while (p != end && (digit = static_cast<unsigned>(*p) - '0') < 10) {
    mantissa = mantissa * 10 + digit;
    ++p;
  }
  if (p != end || p == fraction) return false;
  value = static_cast<double>(mantissa) / kPowersOfTen[p - fraction];
  return true;
}

// The number an NM value holds, with spaces around it and a leading '+' allowed; nullopt for
// text that is not a number. Inline up to the general path: it is read three times a result
// (the value and the bounds of its range), where the call and the return of the optional cost
// a third of the reading (measured: -401 instructions a message).
inline std::optional<double> readNumeric(std::string_view text) {
  if (double value = 0; readPlainNumber(text, value)) return value;
  return readGeneralNumber(text);
}

// OBX-7 read in place: the text as sent, then its bounds. "70-99" gives both bounds, "<5" or
// "<=5" an upper one, ">10" a lower one; other text none.
void readReferenceRange(const DatatypeReader& reader, const Element& e,
                        canonical::ReferenceRange& range);

}  // namespace ferry::hl7v2
