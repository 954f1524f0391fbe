#include "mappings/date_time.h"

#include <cstdio>

#include "parsers/terminology/datetime.h"

namespace ferry::mappings {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at text[pos].
bool digits(std::string_view text, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = text[pos + static_cast<std::size_t>(i)];
    if (!isDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

bool valid(const DateTime& d) {
  if (d.month < 1 || d.month > 12) return false;
  if (d.day < 1 || d.day > daysInMonth(d.year, d.month)) return false;
  if (d.hour > 23 || d.minute > 59 || d.second > 59) return false;
  return d.offset_minutes >= -(14 * 60 + 59) && d.offset_minutes <= 14 * 60 + 59;
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 +
                       static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civilFromDays(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string offsetText(const DateTime& d, bool basic) {
  if (d.utc && !basic) return "Z";
  const int abs = d.offset_minutes < 0 ? -d.offset_minutes : d.offset_minutes;
  std::string s(1, d.offset_minutes < 0 ? '-' : '+');
  s += two(abs / 60);
  if (!basic) s += ':';
  s += two(abs % 60);
  return s;
}

bool readOffset(std::string_view text, std::size_t& pos, bool basic, DateTime& d) {
  if (pos < text.size() && text[pos] == 'Z' && !basic) {
    ++pos;
    d.has_offset = d.utc = true;
    d.offset_minutes = 0;
    return true;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  const bool negative = text[pos++] == '-';
  int h = 0, m = 0;
  if (!digits(text, pos, 2, h)) return false;
  if (!basic) {
    if (pos >= text.size() || text[pos] != ':') return false;
    ++pos;
  }
  if (!digits(text, pos, 2, m) || m > 59) return false;
  d.has_offset = true;
  d.offset_minutes = (negative ? -1 : 1) * (h * 60 + m);
  return true;
}

}  // namespace

std::optional<DateTime> parseIsoDateTime(std::string_view text) {
  DateTime d;
  std::size_t pos = 0;
  if (!digits(text, pos, 4, d.year)) return std::nullopt;
  d.precision = DateTime::Year;
  auto done = [&]() -> std::optional<DateTime> {
    if (pos != text.size() || !valid(d)) return std::nullopt;
    return d;
  };
  if (pos == text.size()) return done();
  if (text[pos++] != '-' || !digits(text, pos, 2, d.month)) return std::nullopt;
  d.precision = DateTime::Month;
  if (pos == text.size()) return done();
  if (text[pos++] != '-' || !digits(text, pos, 2, d.day)) return std::nullopt;
  d.precision = DateTime::Day;
  if (pos == text.size()) return done();
  if (text[pos++] != 'T' || !digits(text, pos, 2, d.hour)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != ':' || !digits(text, pos, 2, d.minute)) {
    return std::nullopt;
  }
  d.precision = DateTime::Minute;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!digits(text, pos, 2, d.second)) return std::nullopt;
    d.precision = DateTime::Second;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && isDigit(text[pos])) d.fraction += text[pos++];
      if (d.fraction.empty()) return std::nullopt;
      d.precision = DateTime::Fraction;
    }
  }
  if (pos < text.size() && !readOffset(text, pos, false, d)) return std::nullopt;
  return done();
}

std::string formatIsoDateTime(const DateTime& d) {
  char year[16];
  std::snprintf(year, sizeof year, "%04d", d.year);
  std::string s = year;
  if (d.precision >= DateTime::Month) s += "-" + two(d.month);
  if (d.precision >= DateTime::Day) s += "-" + two(d.day);
  if (d.precision >= DateTime::Minute) s += "T" + two(d.hour) + ":" + two(d.minute);
  if (d.precision >= DateTime::Second) s += ":" + two(d.second);
  if (d.precision >= DateTime::Fraction) s += "." + d.fraction;
  if (d.precision >= DateTime::Minute && d.has_offset) s += offsetText(d, false);
  return s;
}

DateTime fromTimePoint(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  std::int64_t days = secs / 86400;
  std::int64_t rest = secs % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  DateTime d;
  civilFromDays(days, d.year, d.month, d.day);
  d.hour = static_cast<int>(rest / 3600);
  d.minute = static_cast<int>(rest % 3600 / 60);
  d.second = static_cast<int>(rest % 60);
  d.precision = DateTime::Second;
  d.has_offset = d.utc = true;
  return d;
}

std::chrono::system_clock::time_point toTimePoint(const DateTime& d) {
  const std::int64_t seconds = daysFromCivil(d.year, d.month, d.day) * 86400 + d.hour * 3600 +
                               d.minute * 60 + d.second - d.offset_minutes * 60;
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

std::optional<DatePattern> compileDatePattern(std::string_view pattern, std::string& error) {
  DatePattern p;
  if (pattern == "iso") {
    p.named = DatePattern::Named::Iso;
    return p;
  }
  if (pattern == "hl7") {
    p.named = DatePattern::Named::Hl7;
    return p;
  }
  using Kind = DatePattern::Token::Kind;
  auto run = [&](std::size_t i) {
    std::size_t n = 0;
    while (i + n < pattern.size() && pattern[i + n] == pattern[i]) ++n;
    return n;
  };
  for (std::size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    const std::size_t n = run(i);
    Kind kind = Kind::Literal;
    std::size_t used = 1;
    if (c == 'Y' && n == 4) kind = Kind::Year, used = 4;
    else if (c == 'M' && n == 2) kind = Kind::Month, used = 2;
    else if (c == 'D' && n == 2) kind = Kind::Day, used = 2;
    else if (c == 'H' && n == 2) kind = Kind::Hour, used = 2;
    else if (c == 'm' && n == 2) kind = Kind::Minute, used = 2;
    else if (c == 's' && n == 2) kind = Kind::Second, used = 2;
    else if (c == 'S') kind = Kind::Fraction, used = n;
    else if (c == 'Z' && n == 1) kind = Kind::Offset;
    else if (c == 'Z' && n == 2) kind = Kind::OffsetBasic, used = 2;
    else if ((c >= 'A' && c <= 'Z' && c != 'T') || (c >= 'a' && c <= 'z')) {
      error = "unknown date pattern letters '" + std::string(pattern.substr(i, n)) +
              "' (use YYYY MM DD HH mm ss S Z ZZ, or 'iso' / 'hl7')";
      return std::nullopt;
    }
    if (kind == Kind::Literal && !p.tokens.empty() && p.tokens.back().kind == Kind::Literal) {
      p.tokens.back().literal += c;
    } else {
      p.tokens.push_back({kind, kind == Kind::Literal ? std::string(1, c) : std::string()});
    }
    i += used;
  }
  return p;
}

std::optional<DateTime> parseWithPattern(const DatePattern& pattern, std::string_view text) {
  if (pattern.named == DatePattern::Named::Iso) return parseIsoDateTime(text);
  if (pattern.named == DatePattern::Named::Hl7) {
    auto iso = terminology::hl7DateTimeToIso(text);
    return iso ? parseIsoDateTime(*iso) : std::nullopt;
  }
  using Kind = DatePattern::Token::Kind;
  DateTime d;
  int precision = 0;
  std::size_t pos = 0;
  for (const auto& t : pattern.tokens) {
    bool ok = true;
    switch (t.kind) {
      case Kind::Literal:
        ok = text.substr(pos, t.literal.size()) == t.literal;
        pos += t.literal.size();
        break;
      case Kind::Year: ok = digits(text, pos, 4, d.year); precision = std::max(precision, 1); break;
      case Kind::Month: ok = digits(text, pos, 2, d.month); precision = std::max(precision, 2); break;
      case Kind::Day: ok = digits(text, pos, 2, d.day); precision = std::max(precision, 3); break;
      case Kind::Hour: ok = digits(text, pos, 2, d.hour); precision = std::max(precision, 5); break;
      case Kind::Minute: ok = digits(text, pos, 2, d.minute); precision = std::max(precision, 5); break;
      case Kind::Second: ok = digits(text, pos, 2, d.second); precision = std::max(precision, 6); break;
      case Kind::Fraction:
        while (pos < text.size() && isDigit(text[pos])) d.fraction += text[pos++];
        ok = !d.fraction.empty();
        precision = 7;
        break;
      case Kind::Offset: ok = readOffset(text, pos, false, d); break;
      case Kind::OffsetBasic: ok = readOffset(text, pos, true, d); break;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != text.size() || precision == 0 || !valid(d)) return std::nullopt;
  d.precision = precision;
  return d;
}

std::optional<std::string> formatWithPattern(const DatePattern& pattern, const DateTime& d,
                                             std::string& error) {
  if (pattern.named == DatePattern::Named::Iso) return formatIsoDateTime(d);
  if (pattern.named == DatePattern::Named::Hl7) {
    auto hl7 = terminology::isoToHl7DateTime(formatIsoDateTime(d));
    if (!hl7) error = "cannot write '" + formatIsoDateTime(d) + "' as an HL7 v2 date";
    return hl7;
  }
  using Kind = DatePattern::Token::Kind;
  std::string out;
  auto need = [&](int precision, const char* what) {
    if (d.precision >= precision) return true;
    error = "'" + formatIsoDateTime(d) + "' has no " + what;
    return false;
  };
  for (const auto& t : pattern.tokens) {
    switch (t.kind) {
      case Kind::Literal: out += t.literal; break;
      case Kind::Year: {
        char y[16];
        std::snprintf(y, sizeof y, "%04d", d.year);
        out += y;
        break;
      }
      case Kind::Month: if (!need(DateTime::Month, "month")) return std::nullopt; out += two(d.month); break;
      case Kind::Day: if (!need(DateTime::Day, "day")) return std::nullopt; out += two(d.day); break;
      case Kind::Hour: if (!need(DateTime::Minute, "time of day")) return std::nullopt; out += two(d.hour); break;
      case Kind::Minute: if (!need(DateTime::Minute, "time of day")) return std::nullopt; out += two(d.minute); break;
      case Kind::Second: if (!need(DateTime::Second, "seconds")) return std::nullopt; out += two(d.second); break;
      case Kind::Fraction: out += d.fraction.empty() ? "0" : d.fraction; break;
      case Kind::Offset:
      case Kind::OffsetBasic:
        if (!d.has_offset) {
          error = "'" + formatIsoDateTime(d) + "' has no time zone offset";
          return std::nullopt;
        }
        out += offsetText(d, t.kind == Kind::OffsetBasic);
        break;
    }
  }
  return out;
}

std::optional<DateOffset> parseDateOffset(std::string_view text, std::string& error) {
  DateOffset offset;
  std::size_t pos = 0;
  while (pos < text.size()) {
    int sign = 1;
    if (text[pos] == '+' || text[pos] == '-') sign = text[pos++] == '-' ? -1 : 1;
    std::int64_t n = 0;
    const std::size_t start = pos;
    while (pos < text.size() && isDigit(text[pos]) && pos - start < 9) n = n * 10 + (text[pos++] - '0');
    if (pos == start || pos >= text.size()) break;
    const char unit = text[pos++];
    std::int64_t scale = 0;
    if (unit == 'd') scale = 86400;
    else if (unit == 'h') scale = 3600, offset.has_time = true;
    else if (unit == 'm') scale = 60, offset.has_time = true;
    else if (unit == 's') scale = 1, offset.has_time = true;
    else break;
    offset.seconds += sign * n * scale;
    if (pos == text.size()) return offset;
  }
  error = "'" + std::string(text) + "' is not a date offset (e.g. '+2d', '-90m', '+1d12h'; units d h m s)";
  return std::nullopt;
}

std::optional<DateTime> addOffset(const DateTime& dt, const DateOffset& offset,
                                  std::string& error) {
  if (dt.precision < DateTime::Day) {
    error = "'" + formatIsoDateTime(dt) + "' has no day to add to";
    return std::nullopt;
  }
  if (offset.has_time && dt.precision < DateTime::Minute) {
    error = "'" + formatIsoDateTime(dt) + "' has no time of day to add hours, minutes or seconds to";
    return std::nullopt;
  }
  std::int64_t total = daysFromCivil(dt.year, dt.month, dt.day) * 86400 + dt.hour * 3600 +
                       dt.minute * 60 + dt.second + offset.seconds;
  std::int64_t days = total / 86400;
  std::int64_t rest = total % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  DateTime out = dt;
  civilFromDays(days, out.year, out.month, out.day);
  out.hour = static_cast<int>(rest / 3600);
  out.minute = static_cast<int>(rest % 3600 / 60);
  out.second = static_cast<int>(rest % 60);
  return out;
}

}  // namespace ferry::mappings
