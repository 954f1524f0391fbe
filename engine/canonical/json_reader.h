// Reads the "ferry.canonical/v1" JSON form back into a canonical Message.
//
// Used when the store, an NDJSON export or a test fixture hands a message back to the engine.
// Bad input is an ordinary outcome, not an exception: the result carries either the Message or
// one sentence naming where the input went wrong (byte offset or JSON path) and what was expected.
// Members this version does not know are ignored, so v1 readers accept v1 output that gained
// optional members later; a member of the wrong type is an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/canonical/message.h"

namespace ferry::canonical {

// Either a Message or an error sentence.
struct JsonReadResult {
  std::optional<Message> message;  // set on success
  std::string error;               // set on failure, e.g. "/observations/1/value/number: expected a number"

  explicit operator bool() const { return message.has_value(); }
};

// Parses json (one object; surrounding whitespace allowed). Never throws.
JsonReadResult fromJson(std::string_view json);

}  // namespace ferry::canonical
