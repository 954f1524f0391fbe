#pragma once
// Date arithmetic and formatting for rules: date(), date_format(), date_add(), now().
//
// Canonical dates are ISO 8601 text with the precision the source gave ("1972-03",
// "2026-11-20T08:30:15-05:00"). A DateTime keeps that precision and the offset as written, so
// formatting back and adding days never invents a time of day or a time zone. Patterns are
// compiled when the mapping loads.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::mappings {

struct DateTime {
  enum Precision { Year = 1, Month, Day, Minute = 5, Second, Fraction };
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::string fraction;  // digits after the decimal point, as written
  int precision = Year;  // Hour alone never occurs: ISO and v2 give at least minutes
  bool has_offset = false;
  bool utc = false;       // written "Z"
  int offset_minutes = 0;
};

// ISO 8601 as canonical values hold it; nullopt for anything else or impossible dates.
std::optional<DateTime> parseIsoDateTime(std::string_view text);
std::string formatIsoDateTime(const DateTime& dt);
DateTime fromTimePoint(std::chrono::system_clock::time_point t);  // UTC, seconds, "Z"
// The instant a DateTime names (its offset applied; none means UTC), to the second.
std::chrono::system_clock::time_point toTimePoint(const DateTime& dt);

// A compiled pattern: "iso", "hl7", or letters YYYY MM DD HH mm ss S (fraction digits, any
// count) Z (+hh:mm) ZZ (+hhmm), the letter T and punctuation/spaces/digits as literals.
struct DatePattern {
  enum class Named { None, Iso, Hl7 };
  struct Token {
    enum class Kind { Literal, Year, Month, Day, Hour, Minute, Second, Fraction, Offset, OffsetBasic };
    Kind kind;
    std::string literal;
  };
  Named named = Named::None;
  std::vector<Token> tokens;
};
// nullopt and error set when the pattern has an unknown letter.
std::optional<DatePattern> compileDatePattern(std::string_view pattern, std::string& error);

std::optional<DateTime> parseWithPattern(const DatePattern& pattern, std::string_view text);
// Fails (nullopt, error set) when the pattern asks for a part the value does not have.
std::optional<std::string> formatWithPattern(const DatePattern& pattern, const DateTime& dt,
                                             std::string& error);

// "+2d", "-90m", "+1d12h", "-30s": days, hours, minutes, seconds, signed.
struct DateOffset {
  std::int64_t seconds = 0;
  bool has_time = false;  // uses h, m or s: needs a value with a time of day
};
std::optional<DateOffset> parseDateOffset(std::string_view text, std::string& error);
// Adds on the value's own clock and keeps its offset and precision. Fails when has_time and the
// value is a date alone.
std::optional<DateTime> addOffset(const DateTime& dt, const DateOffset& offset,
                                  std::string& error);

}  // namespace ferry::mappings
