// Conversion between HL7 v2 date/times and ISO 8601 (the FHIR and canonical form).
//
// Every codec meets dates: v2 writes DTM "20261120083015-0500", FHIR and the canonical model write
// "2026-11-20T08:30:15-05:00". Both directions keep exactly the precision the source gave (a
// birth date of "197203" stays a month) and its offset, and reject values that are not real
// calendar dates or times instead of guessing. No regex, no allocation but the returned string.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::terminology {

// HL7 v2 DT / DTM / TS.1 "YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]" to ISO 8601:
//   "2026" -> "2026", "197203" -> "1972-03", "19720314" -> "1972-03-14",
//   "202611191422" -> "2026-11-19T14:22", "20261120083015-0500" -> "2026-11-20T08:30:15-05:00",
//   "20261120083015.1234+0100" -> "2026-11-20T08:30:15.1234+01:00".
// The fraction is allowed only after seconds. An offset on a value without a time is checked
// and then dropped, since an ISO 8601 / FHIR date carries no time zone.
// Returns nullopt for anything else: odd digit counts, month 13, day 32 or 30 February,
// hour 24, minute or second 60, an offset that is not +/-HHMM within +/-14:59, stray characters.
std::optional<std::string> hl7DateTimeToIso(std::string_view dtm);

// The same conversion appended to out, for readers that fill a canonical string in place (no
// temporary string, at most one allocation for out). Returns false, with out unchanged, where
// hl7DateTimeToIso() returns nullopt.
bool appendHl7DateTimeAsIso(std::string_view dtm, std::string& out);

// The longest text the conversion writes: "YYYY-MM-DDThh:mm:ss.ffff+hh:mm".
inline constexpr std::size_t kMaxIsoDateTimeSize = 30;

// The same conversion written to iso, which has room for kMaxIsoDateTimeSize characters: for
// readers that keep the text in a fixed buffer (canonical::DateTime). Returns the number of
// characters written, 0 where hl7DateTimeToIso() returns nullopt.
std::size_t writeHl7DateTimeAsIso(std::string_view dtm, char* iso);

// ISO 8601 "YYYY[-MM[-DD[Thh[:mm[:ss[.s+]]][Z|+hh:mm|-hh:mm]]]]" to HL7 v2 DTM:
//   "2026-11-20T08:30:15-05:00" -> "20261120083015-0500", "Z" -> "+0000".
// Fractions longer than the four digits v2 allows are truncated to four.
// Returns nullopt for values that are not valid dates or times (same checks as above).
std::optional<std::string> isoToHl7DateTime(std::string_view iso);

}  // namespace ferry::terminology
