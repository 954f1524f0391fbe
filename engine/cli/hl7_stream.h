#pragma once
// Shared loop of the HL7 v2 subcommands: opens FILE or "-" (stdin), splits it into messages,
// parses each one, and reports every bad message on stderr in one line, without stopping.

#include <functional>
#include <string>
#include <string_view>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::cli {

// Where a message lies in the input: the stream offset of its first byte, and its bytes as read
// (before "\r\n" became "\r"), so that an error's byte offset names the input's own byte.
struct SourceSpan {
  std::uint64_t offset = 0;
  std::string_view bytes;
};

struct StreamHandlers {
  // A parsed message, its 1-based number in the stream and where it lies in the input.
  std::function<void(const hl7v2::Message&, std::size_t number, const SourceSpan& at)> on_message;
  // A message that could not be parsed (already reported on stderr).
  std::function<void(std::size_t number)> on_bad_message;
  // A batch envelope segment (FHS/BHS/BTS/FTS), as written.
  std::function<void(std::string_view segment)> on_envelope;
};

// Returns 0 when every message parsed, 1 when any was bad, 2 when the input cannot be opened.
int forEachMessage(const std::string& input, const StreamHandlers& handlers);
// The same over bytes already in memory (stdin read whole to detect its format).
int forEachMessageIn(const std::string& bytes, const StreamHandlers& handlers);

// "ferry: FILE: message 3, segment OBX (#5), field 2, byte 812: ..." on stderr, for an error
// whose offset is already the stream's (the splitter's).
void reportError(const std::string& input, std::size_t number, const hl7v2::Error& error,
                 std::uint64_t base_offset);
// The same for an error of a parsed message, whose offset counts the message's bytes after its
// "\r\n" line ends became "\r": named as the byte of the input.
void reportError(const std::string& input, std::size_t number, const hl7v2::Error& error,
                 const SourceSpan& at);
// The offset in `source` (a message as read) of byte `offset` of that message once parsed.
std::uint64_t sourceOffset(std::string_view source, std::uint64_t offset);

}  // namespace ferry::cli
