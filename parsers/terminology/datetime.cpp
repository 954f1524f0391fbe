#include "parsers/terminology/datetime.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ferry::terminology {
namespace {

// The pieces of a date/time as views into the input; an empty view means "not given".
struct DateTimeParts {
  std::string_view year, month, day, hour, minute, second, fraction;
  char offset_sign = 0;  // '+', '-' or 0 for no offset
  std::string_view offset_hours, offset_minutes;
};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}

// Value of a run of digits the caller has already checked.
int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool isLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// Value of the two digits at p, already checked to be digits.
int twoDigits(const char* p) {
  return (p[0] - '0') * 10 + (p[1] - '0');
}

bool inRange(std::string_view digits, int low, int high) {
  if (digits.empty()) return true;
  const int value = number(digits);
  return value >= low && value <= high;
}

// Calendar and clock checks shared by both directions.
bool valid(const DateTimeParts& p) {
  if (!inRange(p.month, 1, 12)) return false;
  if (!p.day.empty()) {
    const int day = number(p.day);
    if (day < 1 || day > daysInMonth(number(p.year), number(p.month))) return false;
  }
  if (!inRange(p.hour, 0, 23) || !inRange(p.minute, 0, 59) || !inRange(p.second, 0, 59)) return false;
  if (p.offset_sign != 0) {
    if (!inRange(p.offset_hours, 0, 14) || !inRange(p.offset_minutes, 0, 59)) return false;
  }
  return true;
}

// Reads exactly `width` digits at pos into out; false when they are not there.
bool take(std::string_view s, std::size_t& pos, std::size_t width, std::string_view& out) {
  if (s.size() - pos < width || !allDigits(s.substr(pos, width))) return false;
  out = s.substr(pos, width);
  pos += width;
  return true;
}

// True when s[pos] is c, consuming it.
bool accept(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

bool parseIsoTime(std::string_view s, std::size_t& pos, DateTimeParts& p) {
  if (!take(s, pos, 2, p.hour)) return false;
  if (accept(s, pos, ':')) {
    if (!take(s, pos, 2, p.minute)) return false;
    if (accept(s, pos, ':')) {
      if (!take(s, pos, 2, p.second)) return false;
      if (accept(s, pos, '.')) {
        const std::size_t start = pos;
        while (pos < s.size() && isDigit(s[pos])) ++pos;
        if (pos == start) return false;
        p.fraction = s.substr(start, pos - start);
      }
    }
  }
  if (accept(s, pos, 'Z')) {
    p.offset_sign = '+';
    p.offset_hours = "00";
    p.offset_minutes = "00";
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    p.offset_sign = s[pos++];
    if (!take(s, pos, 2, p.offset_hours) || !accept(s, pos, ':') || !take(s, pos, 2, p.offset_minutes)) {
      return false;
    }
  }
  return true;
}

std::optional<DateTimeParts> parseIso(std::string_view s) {
  DateTimeParts p;
  std::size_t pos = 0;
  if (!take(s, pos, 4, p.year)) return std::nullopt;
  if (accept(s, pos, '-')) {
    if (!take(s, pos, 2, p.month)) return std::nullopt;
    if (accept(s, pos, '-')) {
      if (!take(s, pos, 2, p.day)) return std::nullopt;
      if (accept(s, pos, 'T') && !parseIsoTime(s, pos, p)) return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return p;
}

std::string formatHl7(const DateTimeParts& p) {
  constexpr std::size_t kMaxFraction = 4;
  std::string out;
  out.reserve(24);
  out += p.year;
  out += p.month;
  out += p.day;
  out += p.hour;
  out += p.minute;
  out += p.second;
  if (!p.fraction.empty()) (out += '.') += p.fraction.substr(0, kMaxFraction);
  if (p.offset_sign != 0) (((out += p.offset_sign) += p.offset_hours) += p.offset_minutes);
  return out;
}

std::uint64_t load64(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

std::uint32_t load32(const char* p) {
  std::uint32_t word = 0;
  std::memcpy(&word, p, 4);
  return word;
}

void store64(char* p, std::uint64_t word) { std::memcpy(p, &word, 8); }

// True when the 8 bytes of word are all ASCII digits: a byte is a digit when its high nibble is
// 3 and stays 3 after adding 6 (low nibble at most 9).
bool eightDigits(std::uint64_t word) {
  constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0u;
  return ((word & kHigh) | (((word + 0x0606060606060606u) & kHigh) >> 4)) == 0x3333333333333333u;
}

bool eightDigits(const char* p) { return eightDigits(load64(p)); }

// The same for the 4 bytes of word (a time zone's HHMM).
bool fourDigits(std::uint32_t word) {
  constexpr std::uint32_t kHigh = 0xF0F0F0F0u;
  return ((word & kHigh) | (((word + 0x06060606u) & kHigh) >> 4)) == 0x33333333u;
}

// Number of leading digits of s; dates have 4 to 14, so the first 8 are checked at once, and
// for a date to the second (most of them) the next 6 too, as the 8 bytes from the seventh on
// (measured: -230 instructions a message).
std::size_t leadingDigits(std::string_view s) {
  std::size_t digits = 0;
  if (s.size() >= 8 && eightDigits(s.data())) {
    digits = s.size() >= 14 && eightDigits(s.data() + 6) ? 14 : 8;
  }
  while (digits < s.size() && isDigit(s[digits])) ++digits;
  return digits;
}

// The byte c at bit `at` of a word written to memory (little-endian, as the loads above).
constexpr std::uint64_t byteAt(char c, int at) {
  return static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << at;
}

// The value of each pair of checked digits of word in its 16-bit lane: bytes a, b become
// 10a + b, so "DDhhmmss" gives DD, hh, mm and ss.
constexpr std::uint64_t pairValues(std::uint64_t digits) {
  const std::uint64_t v = digits - 0x3030303030303030u;
  return (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFu;
}

// A lane of `over` for a pair whose value may be at most limit: the sum of the two sets the
// lane's top bit exactly when the value is above the limit.
constexpr std::uint64_t overLimit(int limit, int lane) {
  return static_cast<std::uint64_t>(0x8000 - (limit + 1)) << (16 * lane);
}
constexpr std::uint64_t kLaneTops = 0x8000800080008000u;

// True when the checked digits YYYYMMDD (their pair values) name a day of the calendar.
[[gnu::always_inline]] inline bool validDate(std::uint64_t pairs) {
  const int month = static_cast<int>(pairs >> 32 & 0xFF);
  if (month < 1 || month > 12) return false;
  const int day = static_cast<int>(pairs >> 48);
  const int year = static_cast<int>(pairs & 0xFF) * 100 + static_cast<int>(pairs >> 16 & 0xFF);
  return day >= 1 && day <= daysInMonth(year, month);
}

// True when the checked digits DDhhmmss (their pair values) name a time of day: hour, minute
// and second checked at once.
bool validTime(std::uint64_t pairs) {
  constexpr std::uint64_t kOver = overLimit(23, 1) | overLimit(59, 2) | overLimit(59, 3);
  return ((pairs + kOver) & kLaneTops) == 0;
}

// True when the checked digits hhmm of a time zone are within +/-14:59 (read as "hhmm0000").
bool validZone(std::uint32_t zone) {
  constexpr std::uint64_t kOver = overLimit(14, 0) | overLimit(59, 1);
  const std::uint64_t digits = std::uint64_t{0x30303030} << 32 | zone;
  return ((pairValues(digits) + kOver) & kLaneTops) == 0;
}

// "YYYY-MM-" of the digits YYYYMMDD as one word.
std::uint64_t isoYearAndMonth(std::uint64_t date) {
  return (date & 0xFFFFFFFFu) | byteAt('-', 32) | ((date >> 32 & 0xFFFFu) << 40) | byteAt('-', 56);
}

// writeHl7DateTimeAsIso() of a date alone, "YYYYMMDD", as every birth date is (measured: -14
// instructions a message).
std::size_t writeDate(std::string_view s, char* buffer) {
  const std::uint64_t date = load64(s.data());
  if (!eightDigits(date) || !validDate(pairValues(date))) return 0;
  store64(buffer, isoYearAndMonth(date));
  std::memcpy(buffer + 8, s.data() + 6, 2);
  return 10;
}

// writeHl7DateTimeAsIso() of a date to the second, "YYYYMMDDhhmmss" and a time zone or not,
// which nearly every v2 timestamp is: its digits are checked and its text is written eight bytes
// at a time, without the loops of the general case (measured: -109 instructions a message), and
// its pairs of digits are checked against their limits together (-53).
std::size_t writeToTheSecond(std::string_view s, char* buffer) {
  const char* d = s.data();
  const std::uint64_t date = load64(d);      // YYYYMMDD
  const std::uint64_t time = load64(d + 6);  // DDhhmmss
  const bool zoned = s.size() == 19;
  const std::uint32_t zone = zoned ? load32(d + 15) : 0x30303030u;  // hhmm
  if (!eightDigits(date) || !eightDigits(time) || !fourDigits(zone)) return 0;
  if (!validDate(pairValues(date)) || !validTime(pairValues(time)) || !validZone(zone)) return 0;
  // "YYYY-MM-" "DDThh:mm" ":ss" and "+hh:mm"
  store64(buffer, isoYearAndMonth(date));
  store64(buffer + 8, (time & 0xFFFFu) | byteAt('T', 16) | ((time >> 16 & 0xFFFFu) << 24) |
                          byteAt(':', 40) | ((time >> 32 & 0xFFFFu) << 48));
  if (!zoned) {
    buffer[16] = ':';
    std::memcpy(buffer + 17, d + 12, 2);
    return 19;
  }
  store64(buffer + 16, byteAt(':', 0) | ((time >> 48) << 8) | byteAt(s[14], 24) |
                           (static_cast<std::uint64_t>(zone & 0xFFFFu) << 32) | byteAt(':', 48) |
                           (static_cast<std::uint64_t>(zone >> 16 & 0xFFu) << 56));
  buffer[24] = static_cast<char>(zone >> 24);
  return 25;
}

}  // namespace

std::size_t writeHl7DateTimeAsIso(std::string_view s, char* buffer) {
  if (s.size() == 14 || (s.size() == 19 && (s[14] == '+' || s[14] == '-'))) {
    return writeToTheSecond(s, buffer);
  }
  if (s.size() == 8) return writeDate(s, buffer);
  // Dates are on every result segment, so this direction reads the digits in place and writes
  // straight into the caller's buffer: no parts struct, no temporary string. The checks are
  // those of valid(); every failure returns 0.
  const std::size_t digits = leadingDigits(s);
  if (digits < 4 || digits > 14 || digits % 2 != 0) return 0;

  std::size_t pos = digits;
  std::size_t fraction_begin = 0;
  std::size_t fraction_size = 0;
  if (pos < s.size() && s[pos] == '.') {
    if (digits != 14) return 0;  // a fraction only follows seconds
    fraction_begin = ++pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    fraction_size = pos - fraction_begin;
    if (fraction_size == 0 || fraction_size > 4) return 0;
  }
  char sign = 0;
  std::size_t zone = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    if (s.size() - pos - 1 != 4 || !fourDigits(load32(s.data() + pos + 1))) return 0;
    sign = s[pos];
    zone = pos + 1;
    pos = s.size();
  }
  if (pos != s.size()) return 0;

  const char* d = s.data();
  if (digits >= 6) {
    const int month = twoDigits(d + 4);
    if (month < 1 || month > 12) return 0;
    if (digits >= 8) {
      const int day = twoDigits(d + 6);
      if (day < 1 || day > daysInMonth(number(s.substr(0, 4)), month)) return 0;
    }
  }
  if (digits >= 10 && twoDigits(d + 8) > 23) return 0;
  if (digits >= 12 && twoDigits(d + 10) > 59) return 0;
  if (digits >= 14 && twoDigits(d + 12) > 59) return 0;
  if (sign != 0 && (twoDigits(d + zone) > 14 || twoDigits(d + zone + 2) > 59)) return 0;

  // Longest form: "YYYY-MM-DDThh:mm:ss.ffff+hh:mm", kMaxIsoDateTimeSize characters. Each pair
  // of digits after the year follows its separator: -MM -DD Thh :mm :ss.
  static constexpr char kSeparators[] = {'-', '-', 'T', ':', ':'};
  std::memcpy(buffer, d, 4);
  std::size_t n = 4;
  for (std::size_t pair = 4; pair < digits; pair += 2) {
    buffer[n] = kSeparators[(pair - 4) / 2];
    std::memcpy(buffer + n + 1, d + pair, 2);
    n += 3;
  }
  if (digits >= 10) {  // a date alone carries no time zone in ISO 8601
    if (fraction_size != 0) {
      buffer[n++] = '.';
      for (std::size_t i = 0; i < fraction_size; ++i) buffer[n++] = d[fraction_begin + i];
    }
    if (sign != 0) {
      buffer[n] = sign;
      std::memcpy(buffer + n + 1, d + zone, 2);
      buffer[n + 3] = ':';
      std::memcpy(buffer + n + 4, d + zone + 2, 2);
      n += 6;
    }
  }
  return n;
}

bool appendHl7DateTimeAsIso(std::string_view s, std::string& out) {
  char buffer[kMaxIsoDateTimeSize];
  const std::size_t n = writeHl7DateTimeAsIso(s, buffer);
  if (n == 0) return false;
  out.append(buffer, n);
  return true;
}

std::optional<std::string> hl7DateTimeToIso(std::string_view dtm) {
  std::string out;
  if (!appendHl7DateTimeAsIso(dtm, out)) return std::nullopt;
  return out;
}

std::optional<std::string> isoToHl7DateTime(std::string_view iso) {
  const std::optional<DateTimeParts> parts = parseIso(iso);
  if (!parts || !valid(*parts)) return std::nullopt;
  return formatHl7(*parts);
}

}  // namespace ferry::terminology
