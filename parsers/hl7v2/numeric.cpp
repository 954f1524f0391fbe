#include "parsers/hl7v2/numeric.h"

#include <charconv>
#include <cstdint>

#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

namespace {

// Appends the decimal digits from p on to mantissa; returns where they end.
const char* readDigits(const char* p, const char* end, std::uint64_t& mantissa) {
  for (; p != end && *p >= '0' && *p <= '9'; ++p) {
    mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
  }
  return p;
}

// The usual shape of a lab number, [-]digits[.digits] with at most 15 digits, read without
// std::from_chars: the digits as an integer and the power of ten are then both exact doubles,
// so one IEEE division rounds correctly and gives the very double from_chars would. Other
// shapes (exponents, longer mantissas, ".5", "inf") answer nullopt and take the general path.
std::optional<double> readPlainDecimal(std::string_view text) {
  constexpr std::ptrdiff_t kMaxDigits = 15;
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  // The integer part and the fraction in two loops, with no per-digit test of which part it is
  // in. A mantissa of more than 15 digits may wrap here, but is then rejected below.
  std::uint64_t mantissa = 0;
  const char* const integer = p;
  p = readDigits(p, end, mantissa);
  const std::ptrdiff_t integer_digits = p - integer;
  std::ptrdiff_t decimals = 0;
  if (p != end) {
    if (*p != '.') return std::nullopt;
    const char* const fraction = ++p;
    p = readDigits(p, end, mantissa);
    decimals = p - fraction;
    if (p != end || decimals == 0) return std::nullopt;  // "5.", "1.2.3", "1.5e3"
  }
  if (integer_digits == 0 || integer_digits + decimals > kMaxDigits) return std::nullopt;  // "", "-", ".5"
  const double value = static_cast<double>(mantissa) / kPowersOfTen[decimals];
  return negative ? -value : value;
}

// The low bound of a range "low-high" read in the pass that finds its dash: the digits and the
// point of "0.60-1.30" end at the dash, so the usual range is not scanned twice (once for the
// dash, once for the number). Returns the dash (the first '-' after the first byte; end when
// there is none) and, in low, the number before it when that text has readNumeric's one-pass
// shape; low stays nullopt otherwise, and the caller reads the text before the dash itself.
const char* readLowBound(const char* begin, const char* end, std::optional<double>& low) {
  std::uint64_t mantissa = 0;
  const char* p = readDigits(begin, end, mantissa);
  const char* fraction = nullptr;
  if (p != end && *p == '.' && p != begin) {
    fraction = ++p;
    p = readDigits(p, end, mantissa);
  }
  // [begin, p) holds digits and at most one point: no dash before p.
  if (p == end || *p != '-' || p == begin) return findChar(p == begin ? begin + 1 : p, end, '-');
  const std::ptrdiff_t size = p - begin;
  if (size <= 15 && fraction != p) {  // "5.-7" has no decimals: readNumeric's general path
    const std::ptrdiff_t decimals = fraction == nullptr ? 0 : p - fraction;
    low = static_cast<double>(mantissa) / kPowersOfTen[decimals];
  }
  return p;
}

}  // namespace

std::optional<double> readGeneralNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (const std::optional<double> plain = readPlainDecimal(text)) return plain;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

void readReferenceRange(const DatatypeReader& reader, const Element& e,
                        canonical::ReferenceRange& range) {
  range.low.reset();
  range.high.reset();
  // A range as long as the one of the result at this position ("0.60-1.30" over "4.20-5.90")
  // is copied over it in line.
  reader.assignText(e, range.text);
  const std::string_view t = range.text;
  if (t.empty()) return;
  if (t.front() == '<' || t.front() == '>') {
    const std::size_t skip = t.size() > 1 && t[1] == '=' ? 2 : 1;
    const auto bound = readNumeric(t.substr(skip));
    (t.front() == '<' ? range.high : range.low) = bound;
    return;
  }
  // The dash after the first character ("-5" alone is no range).
  const char* const begin = t.data();
  const char* const dash = readLowBound(begin, begin + t.size(), range.low);
  if (dash == begin + t.size()) return;
  const std::size_t at = static_cast<std::size_t>(dash - begin);
  if (!range.low) range.low = readNumeric(t.substr(0, at));
  range.high = readNumeric(t.substr(at + 1));
  if (!range.low || !range.high) range.low = range.high = std::nullopt;
}

}  // namespace ferry::hl7v2
