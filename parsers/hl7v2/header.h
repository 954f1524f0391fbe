#pragma once
// What the MSH segment declares about the whole message: version (2.1-2.8), character set
// (MSH-18) and acknowledgment mode (MSH-15/16), and the checks an ACK depends on.

#include <string>
#include <string_view>
#include <vector>

#include "parsers/hl7v2/message.h"

namespace ferry::hl7v2 {

enum class CharacterSet { Ascii, Latin1, Utf8 };

struct HeaderFacts {
  std::string version;              // MSH-12.1 as sent, e.g. "2.5.1"
  CharacterSet charset = CharacterSet::Ascii;
  std::string charset_name;         // MSH-18 as sent; empty means the default (ASCII)
  bool enhanced_mode = false;       // MSH-15 or MSH-16 valued: original vs enhanced acknowledgment
};

// Versions Ferry reads: 2.1 through 2.8.2.
bool isSupportedVersion(std::string_view version);
// Compares dotted versions numerically: versionAtLeast("2.5.1", "2.5") is true.
bool versionAtLeast(std::string_view version, std::string_view minimum);

// Reads the facts and checks MSH-9, MSH-10, MSH-11, MSH-12 and MSH-18. Every problem found is
// returned (an empty list means the header is usable); facts are filled as far as possible.
std::vector<Error> checkHeader(const Message& message, HeaderFacts& facts);

// The trigger event: MSH-9.2, decoded. Senders of the oldest versions leave it out. In v2.1
// MSH-9 is the message type alone and the event is EVN-1 (which later versions keep for
// backward compatibility), so an empty MSH-9.2 is read from EVN-1 when there is one; and before
// v2.3, where no EVN says it, ORU and ORM had a single event each (R01, O01), which it then is.
// Empty when none of these says.
std::string triggerEvent(const Message& message, std::string_view version);

// Text in the message's character set, as UTF-8: ISO 8859-1 bytes are widened; ASCII and UTF-8
// pass through unchanged where they are valid UTF-8. A byte that is not part of a valid UTF-8
// sequence (Latin-1 text from a sender that left MSH-18 empty, a stray \XFF\) is widened as
// ISO 8859-1 too: canonical text, and the JSON written from it, is always valid UTF-8, and the
// byte can still be told from the character it became.
std::string toUtf8(std::string_view text, CharacterSet charset);
void appendUtf8(std::string_view text, CharacterSet charset, std::string& out);
// out = toUtf8(text, charset); text out already holds is compared, not copied. out must hold
// UTF-8, as every canonical string does.
void assignUtf8(std::string_view text, CharacterSet charset, std::string& out);

// True when text is valid UTF-8 (ASCII included): no stray continuation byte, sequence cut
// short, overlong form, surrogate or code point past U+10FFFF.
bool isUtf8(std::string_view text);

// True when text holds the escape character or a byte >= 0x80: false means it reads as written
// (no escape to decode, ASCII hence UTF-8). One pass for both, where needsUnescape() and
// isUtf8() take one each.
bool holdsEscapeOrNonAscii(std::string_view text, char escape);

}  // namespace ferry::hl7v2
