#include "parsers/fhir/primitives.h"

#include <cstddef>
#include <cstdint>

namespace ferry::fhir {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Reads exactly n digits at pos; their value in out.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (s.size() - pos < n) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!isDigit(c)) return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool accept(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

int daysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// YYYY[-MM[-DD]]; fills the precision reached (1 year, 2 month, 3 day).
bool parseDate(std::string_view s, std::size_t& pos, int& precision) {
  int year = 0, month = 0, day = 0;
  if (!digits(s, pos, 4, year) || year == 0) return false;
  precision = 1;
  if (!accept(s, pos, '-')) return true;
  if (!digits(s, pos, 2, month) || month < 1 || month > 12) return false;
  precision = 2;
  if (!accept(s, pos, '-')) return true;
  if (!digits(s, pos, 2, day) || day < 1 || day > daysInMonth(year, month)) return false;
  precision = 3;
  return true;
}

// hh:mm:ss[.f+] (seconds may be 60, a leap second, as the R4 regex allows).
bool parseTime(std::string_view s, std::size_t& pos) {
  int h = 0, m = 0, sec = 0;
  if (!digits(s, pos, 2, h) || h > 23 || !accept(s, pos, ':')) return false;
  if (!digits(s, pos, 2, m) || m > 59 || !accept(s, pos, ':')) return false;
  if (!digits(s, pos, 2, sec) || sec > 60) return false;
  if (accept(s, pos, '.')) {
    const std::size_t start = pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  return true;
}

// Z or +hh:mm / -hh:mm within -14:00..+14:00.
bool parseOffset(std::string_view s, std::size_t& pos) {
  if (accept(s, pos, 'Z')) return true;
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
  ++pos;
  int h = 0, m = 0;
  if (!digits(s, pos, 2, h) || !accept(s, pos, ':') || !digits(s, pos, 2, m)) return false;
  return m <= 59 && (h < 14 || (h == 14 && m == 0));
}

bool isInteger(std::string_view s, bool allowSign, bool allowZero) {
  std::size_t pos = 0;
  bool negative = false;
  if (allowSign && pos < s.size() && (s[pos] == '-' || s[pos] == '+')) negative = s[pos++] == '-';
  if (pos >= s.size()) return false;
  if (s[pos] == '0') return pos + 1 == s.size() && allowZero && !negative;
  std::int64_t value = 0;
  for (; pos < s.size(); ++pos) {
    if (!isDigit(s[pos])) return false;
    value = value * 10 + (s[pos] - '0');
    if (value > 2147483648LL) return false;
  }
  return negative ? value <= 2147483648LL : value <= 2147483647LL;
}

bool noWhitespace(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (isSpace(c)) return false;
  }
  return true;
}

bool isLowerHex(std::string_view s) {
  for (char c : s) {
    if (!isDigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

bool isUuid(std::string_view s) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (s.substr(0, kPrefix.size()) != kPrefix) return false;
  s.remove_prefix(kPrefix.size());
  if (s.size() != 36) return false;
  for (std::size_t dash : {8u, 13u, 18u, 23u}) {
    if (s[dash] != '-') return false;
  }
  return isLowerHex(s.substr(0, 8)) && isLowerHex(s.substr(9, 4)) && isLowerHex(s.substr(14, 4)) &&
         isLowerHex(s.substr(19, 4)) && isLowerHex(s.substr(24));
}

bool isOid(std::string_view s) {
  constexpr std::string_view kPrefix = "urn:oid:";
  if (s.substr(0, kPrefix.size()) != kPrefix) return false;
  s.remove_prefix(kPrefix.size());
  if (s.size() < 3 || s[0] < '0' || s[0] > '2' || s[1] != '.') return false;
  std::size_t pos = 2;
  while (true) {
    const std::size_t start = pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    if (pos == start || (s[start] == '0' && pos - start > 1)) return false;
    if (pos == s.size()) return true;
    if (s[pos++] != '.') return false;
  }
}

bool isBase64(std::string_view s) {
  std::size_t chars = 0;
  for (char c : s) {
    if (isSpace(c)) continue;
    const bool ok =
        isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '/' || c == '=';
    if (!ok) return false;
    ++chars;
  }
  return chars % 4 == 0;
}

// FHIR strings are never empty and carry no control characters but tab, CR and LF.
bool isFhirString(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 32 && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

}  // namespace

bool isFhirDate(std::string_view s) {
  std::size_t pos = 0;
  int precision = 0;
  return parseDate(s, pos, precision) && pos == s.size();
}

bool isFhirDateTime(std::string_view s) {
  std::size_t pos = 0;
  int precision = 0;
  if (!parseDate(s, pos, precision)) return false;
  if (pos == s.size()) return true;
  // A time needs the full date, seconds and a time zone offset.
  return precision == 3 && accept(s, pos, 'T') && parseTime(s, pos) && parseOffset(s, pos) && pos == s.size();
}

bool isFhirInstant(std::string_view s) {
  std::size_t pos = 0;
  int precision = 0;
  return parseDate(s, pos, precision) && precision == 3 && accept(s, pos, 'T') && parseTime(s, pos) &&
         parseOffset(s, pos) && pos == s.size();
}

bool isFhirTime(std::string_view s) {
  std::size_t pos = 0;
  return parseTime(s, pos) && pos == s.size();
}

bool isFhirDecimal(std::string_view s) {
  std::size_t pos = 0;
  accept(s, pos, '-');
  if (pos >= s.size()) return false;
  if (s[pos] == '0') {
    ++pos;
  } else {
    const std::size_t start = pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (accept(s, pos, '.')) {
    const std::size_t start = pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  return pos == s.size();
}

bool isFhirId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool isFhirCode(std::string_view s) {
  // [^\s]+(\s[^\s]+)*: no leading, trailing or doubled whitespace.
  if (s.empty() || isSpace(s.front()) || isSpace(s.back())) return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (isSpace(s[i]) && isSpace(s[i - 1])) return false;
  }
  return true;
}

bool isFhirUri(std::string_view s) {
  return noWhitespace(s);
}

JsonKind jsonKindOf(std::string_view t) {
  if (t == "boolean") return JsonKind::Boolean;
  if (t == "decimal" || t == "integer" || t == "unsignedInt" || t == "positiveInt") return JsonKind::Number;
  return JsonKind::String;
}

bool isValidPrimitive(std::string_view t, std::string_view s) {
  if (t == "boolean") return true;
  if (t == "decimal") return isFhirDecimal(s);
  if (t == "integer") return isInteger(s, true, true);
  if (t == "unsignedInt") return isInteger(s, false, true);
  if (t == "positiveInt") return isInteger(s, false, false);
  if (t == "date") return isFhirDate(s);
  if (t == "dateTime") return isFhirDateTime(s);
  if (t == "instant") return isFhirInstant(s);
  if (t == "time") return isFhirTime(s);
  if (t == "id") return isFhirId(s);
  if (t == "code") return isFhirCode(s);
  if (t == "uri" || t == "url" || t == "canonical") return isFhirUri(s);
  if (t == "oid") return isOid(s);
  if (t == "uuid") return isUuid(s);
  if (t == "base64Binary") return isBase64(s);
  return isFhirString(s);  // string, markdown, xhtml
}

std::string_view primitiveExpectation(std::string_view t) {
  if (t == "boolean") return "true or false";
  if (t == "decimal") return "a decimal number such as 8.10";
  if (t == "integer") return "a whole number within 32 bits";
  if (t == "unsignedInt") return "a whole number 0 or greater";
  if (t == "positiveInt") return "a whole number 1 or greater";
  if (t == "date") return "a date as YYYY, YYYY-MM or YYYY-MM-DD";
  if (t == "dateTime") {
    return "a dateTime as YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff] with a time zone (Z or "
           "+hh:mm)";
  }
  if (t == "instant") return "an instant as YYYY-MM-DDThh:mm:ss[.fff] with a time zone (Z or +hh:mm)";
  if (t == "time") return "a time as hh:mm:ss";
  if (t == "id") return "an id of 1 to 64 letters, digits, '-' or '.'";
  if (t == "code") return "a code without leading, trailing or repeated whitespace";
  if (t == "uri" || t == "url" || t == "canonical") return "a URI without whitespace";
  if (t == "oid") return "an OID as urn:oid:1.2.3";
  if (t == "uuid") return "a UUID as urn:uuid: and 36 lower-case hex digits and dashes";
  if (t == "base64Binary") return "base64 text";
  return "a non-empty string without control characters";
}

}  // namespace ferry::fhir
