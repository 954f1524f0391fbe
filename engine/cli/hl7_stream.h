#pragma once
// Shared loop of the HL7 v2 subcommands: opens FILE or "-" (stdin), splits it into messages,
// parses each one, and reports every bad message on stderr in one line, without stopping.

#include <functional>
#include <string>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::cli {

struct StreamHandlers {
  // A parsed message, its 1-based number in the stream and the stream offset of its first byte.
  std::function<void(const hl7v2::Message&, std::size_t number, std::uint64_t offset)> on_message;
  // A message that could not be parsed (already reported on stderr).
  std::function<void(std::size_t number)> on_bad_message;
  // A batch envelope segment (FHS/BHS/BTS/FTS), as written.
  std::function<void(std::string_view segment)> on_envelope;
};

// Returns 0 when every message parsed, 1 when any was bad, 2 when the input cannot be opened.
int forEachMessage(const std::string& input, const StreamHandlers& handlers);
// The same over bytes already in memory (stdin read whole to detect its format).
int forEachMessageIn(const std::string& bytes, const StreamHandlers& handlers);

// "ferry: FILE: message 3, segment OBX (#5), field 2, byte 812: ..." on stderr.
void reportError(const std::string& input, std::size_t number, const hl7v2::Error& error,
                 std::uint64_t base_offset);

}  // namespace ferry::cli
