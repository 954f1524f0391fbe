#include "parsers/hl7v2/header.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "engine/canonical/utf8.h"
#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::hl7v2 {

namespace {

constexpr std::array<std::string_view, 13> kVersions = {
    "2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2"};

struct CharsetName {
  std::string_view name;
  CharacterSet charset;
};
// HL7 table 0211 names Ferry handles; an empty MSH-18 means ASCII.
constexpr std::array<CharsetName, 4> kCharsets = {{
    {"ASCII", CharacterSet::Ascii},
    {"8859/1", CharacterSet::Latin1},
    {"UNICODE UTF-8", CharacterSet::Utf8},
    {"UTF-8", CharacterSet::Utf8},  // seen in the wild though not in table 0211
}};

Error headerError(ErrorCode code, int field, std::string text, std::uint64_t offset) {
  Error e;
  e.code = code;
  e.segment = "MSH";
  e.segment_sequence = 1;
  e.field = field;
  e.offset = offset;
  e.text = std::move(text);
  return e;
}

// field.repetition(1).valued() without making the repetition: its first byte is neither
// missing nor the repetition separator.
bool firstRepetitionValued(const Element& field) {
  return field.valued() && field.raw().front() != field.encoding()->repetition;
}

}  // namespace

namespace header_fields {

// Whether header fields first to last (MSH numbering; those present) hold the escape character.
bool holdsEscape(const Segment& header, int first, int last) {
  const Element from = header.headerValueField(first);
  if (!from.present()) return false;
  const Element to = header.headerValueField(std::min(last, header.fieldCount()));
  const char* const end = to.raw().data() + to.raw().size();
  return findChar(from.raw().data(), end, from.encoding()->escape) != end;
}

}  // namespace header_fields

bool isSupportedVersion(std::string_view version) {
  for (auto v : kVersions) {
    if (v == version) return true;
  }
  return false;
}

bool versionAtLeast(std::string_view version, std::string_view minimum) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < version.size() || j < minimum.size()) {
    // Capped so a hostile MSH-12 of many digits cannot overflow, and only digits count: a byte
    // below '0' made the number negative, and a run of them overflowed it (found by fuzzing).
    const auto number = [](std::string_view text, std::size_t& at) {
      int n = 0;
      for (; at < text.size() && text[at] != '.'; ++at) {
        if (text[at] >= '0' && text[at] <= '9') n = std::min(n * 10 + (text[at] - '0'), 99999);
      }
      return n;
    };
    const int a = number(version, i);
    const int b = number(minimum, j);
    if (a != b) return a > b;
    ++i;
    ++j;
  }
  return true;
}

std::vector<Error> checkHeader(const Message& message, HeaderFacts& facts) {
  std::vector<Error> errors;
  // MSH-n's first repetition, as Message::at(Path{"MSH", 1, n}) reads it; the MSH is found once
  // (in a message without one, every field reads as absent). The header is checked for every
  // message: values are looked at as views, decoded only when they hold an escape.
  // It is segment 0 of every parsed message, which is told without the search (measured: -33
  // instructions a message).
  const bool msh_first = message.segmentCount() != 0 && message.segment(0).id() == "MSH";
  const Segment msh = message.segment(msh_first ? 0 : message.findSegment("MSH"));
  const auto field = [&](int n) { return repetitionOne(msh.headerValueField(n)); };
  // MSH-n.1 as field(n).component(1) reads it, in one scan of the field instead of two.
  const auto component1 = [&](int n) { return componentOne(msh.headerValueField(n)); };
  // Where MSH-n starts, or where it would: the end of MSH when the field is missing. An error
  // names this byte, so a reader of a file of many messages finds the field.
  const std::string_view bytes = message.bytes();
  const auto offsetOf = [&](int n) -> std::uint64_t {
    const Element e = msh.field(n);
    const std::string_view raw = msh.raw();
    const char* at = e.present() ? e.raw().data() : raw.data() + raw.size();
    return at != nullptr && at >= bytes.data() ? static_cast<std::uint64_t>(at - bytes.data()) : 0;
  };
  const auto headerError = [&](ErrorCode code, int n, std::string text) {
    return ::ferry::hl7v2::headerError(code, n, std::move(text), offsetOf(n));
  };
  // The values checked below read as written when MSH-9 to MSH-18 hold no escape character, as
  // nearly every header's do: one scan of their bytes instead of one a value (measured: -133
  // instructions a message).
  const bool escaped = header_fields::holdsEscape(msh, 9, 18);
  std::string scratch;
  const auto text = [&](const Element& value) {
    return escaped ? value.textView(scratch) : value.raw();
  };
  if (text(component1(9)).empty()) {
    errors.push_back(headerError(ErrorCode::RequiredFieldMissing, 9,
                                 "MSH-9 message type is required (e.g. ORU^R01)"));
  }
  if (text(field(10)).empty()) {
    errors.push_back(headerError(ErrorCode::RequiredFieldMissing, 10,
                                 "MSH-10 message control id is required"));
  }
  const std::string_view processing = text(component1(11));
  if (processing.empty()) {
    errors.push_back(headerError(ErrorCode::RequiredFieldMissing, 11,
                                 "MSH-11 processing id is required (P, D or T)"));
  } else if (processing != "P" && processing != "D" && processing != "T") {
    errors.push_back(headerError(ErrorCode::UnsupportedProcessingId, 11,
                                 "MSH-11 processing id must be P, D or T"));
  }
  facts.version.assign(text(component1(12)));
  if (facts.version.empty()) {
    errors.push_back(headerError(ErrorCode::RequiredFieldMissing, 12,
                                 "MSH-12 version id is required (2.1 to 2.8.2)"));
  } else if (!isSupportedVersion(facts.version)) {
    errors.push_back(headerError(ErrorCode::UnsupportedVersionId, 12,
                                 "MSH-12 version '" + facts.version +
                                     "' is not one of 2.1, 2.2, 2.3, 2.3.1, 2.4, 2.5, 2.5.1, "
                                     "2.6, 2.7, 2.7.1, 2.8, 2.8.1, 2.8.2"));
  }
  facts.charset_name.assign(text(field(18)));
  facts.charset = CharacterSet::Ascii;
  if (!facts.charset_name.empty()) {
    bool known = false;
    for (const auto& c : kCharsets) {
      if (c.name == facts.charset_name) {
        facts.charset = c.charset;
        known = true;
      }
    }
    if (!known) {
      errors.push_back(headerError(ErrorCode::TableValueNotFound, 18,
                                   "MSH-18 character set '" + facts.charset_name +
                                       "' is not supported (ASCII, 8859/1, UNICODE UTF-8)"));
    }
  }
  facts.enhanced_mode =
      firstRepetitionValued(msh.headerValueField(15)) ||
      firstRepetitionValued(msh.headerValueField(16));
  return errors;
}

std::string triggerEvent(const Message& message, std::string_view version) {
  std::string event = message.triggerEvent();
  if (!event.empty()) return event;
  if (const std::size_t evn = message.findSegment("EVN"); evn != message.segmentCount()) {
    event = message.segment(evn).field(1).repetition(1).component(1).text();
    if (!event.empty()) return event;
  }
  if (isSupportedVersion(version) && !versionAtLeast(version, "2.3")) {
    const std::string type = message.messageCode();
    if (type == "ORU") return "R01";
    if (type == "ORM") return "O01";
  }
  return event;
}

namespace {

// An ISO 8859-1 byte as UTF-8.
void appendLatin1(unsigned char c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

using canonical::firstInvalidUtf8;
using canonical::utf8SequenceAt;

// Text of a few bytes, all ASCII: the version and character set every header declares. Told
// apart byte by byte, in less than the UTF-8 scan's set-up (measured: -90 instructions a message).
bool isShortAscii(std::string_view text) {
  if (text.size() > 16) return false;
  unsigned char high = 0;
  for (const char c : text) high |= static_cast<unsigned char>(c);
  return high < 0x80;
}

#if defined(__SSE2__)
__m128i load16(const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
#endif

// True when no byte of text is >= 0x80: the bytes are ORed together 32 at a time (the last 16
// read again, overlapping) and their top bits tested once, where the UTF-8 scan tests each block
// and reads the last few bytes one by one. Most text is ASCII, headers nearly always (measured:
// -340 instructions a message, for the header's values and those of segments to decode).
bool isAscii(std::string_view text) {
  const char* const p = text.data();
  const std::size_t n = text.size();
#if defined(__SSE2__)
  if (n >= 16) {
    __m128i high = load16(p + n - 16);
    std::size_t at = 0;
    for (; at + 32 <= n; at += 32) {
      high = _mm_or_si128(high, _mm_or_si128(load16(p + at), load16(p + at + 16)));
    }
    if (at + 16 <= n) high = _mm_or_si128(high, load16(p + at));
    return _mm_movemask_epi8(high) == 0;
  }
#endif
  unsigned char high = 0;
  for (std::size_t i = 0; i < n; ++i) high |= static_cast<unsigned char>(p[i]);
  return high < 0x80;
}

}  // namespace

bool isUtf8(std::string_view text) { return isAscii(text) || canonical::isUtf8(text); }

// The lanes of the escape character are set by the comparison and ORed with the bytes, so one
// top-bit test at the end covers both. 32 bytes at a time, as isAscii(); the last 16 are read
// again, overlapping.
bool holdsEscapeOrNonAscii(std::string_view text, char escape) {
  const char* const p = text.data();
  const std::size_t n = text.size();
#if defined(__SSE2__)
  if (n >= 16) {
    const __m128i esc = _mm_set1_epi8(escape);
    const auto special = [esc](const char* at) {
      const __m128i bytes = load16(at);
      return _mm_or_si128(bytes, _mm_cmpeq_epi8(bytes, esc));
    };
    __m128i found = special(p + n - 16);
    std::size_t at = 0;
    for (; at + 32 <= n; at += 32) {
      found = _mm_or_si128(found, _mm_or_si128(special(p + at), special(p + at + 16)));
    }
    if (at + 16 <= n) found = _mm_or_si128(found, special(p + at));
    return _mm_movemask_epi8(found) != 0;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] == escape || static_cast<unsigned char>(p[i]) >= 0x80) return true;
  }
  return false;
}

void appendUtf8(std::string_view text, CharacterSet charset, std::string& out) {
  if (charset != CharacterSet::Latin1 && isShortAscii(text)) {
    out.append(text);
    return;
  }
  if (charset != CharacterSet::Latin1) {
    std::size_t at = firstInvalidUtf8(text);
    out.append(text.substr(0, at));
    while (at < text.size()) {
      const std::size_t size = utf8SequenceAt(text, at);
      if (size == 0) {
        appendLatin1(static_cast<unsigned char>(text[at]), out);
        ++at;
      } else {
        out.append(text.substr(at, size));
        at += size;
      }
    }
    return;
  }
  for (char ch : text) appendLatin1(static_cast<unsigned char>(ch), out);
}

void assignUtf8(std::string_view text, CharacterSet charset, std::string& out) {
  // The same text as out, which holds UTF-8 already, is the text toUtf8() gives back unless it
  // widens Latin-1: a stream's headers repeat their version and character set, and the
  // comparison costs less than telling ASCII apart first (measured: -102 instructions a message).
  if (charset != CharacterSet::Latin1 && sameBytes(out, text)) return;
  if (charset != CharacterSet::Latin1 && isShortAscii(text)) {
    overwrite(out, text);
    return;
  }
  out.clear();
  appendUtf8(text, charset, out);
}

std::string toUtf8(std::string_view text, CharacterSet charset) {
  std::string out;
  out.reserve(text.size());
  appendUtf8(text, charset, out);
  return out;
}

}  // namespace ferry::hl7v2
