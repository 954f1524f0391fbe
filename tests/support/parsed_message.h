#pragma once
// An HL7 v2 message parsed for a test; a parse error fails the test (and its description says
// why) instead of stopping it.

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "parsers/hl7v2/message.h"

namespace ferry::test {

inline hl7v2::Message parsed(const std::string& bytes) {
  auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    ADD_FAILURE() << message.error().describe();
    return {};
  }
  return std::move(*message);
}

// MSH-10 of an HL7 v2 frame's message; empty when it does not parse.
inline std::string controlIdOf(const std::string& frame) {
  auto message = hl7v2::Message::parse(frame);
  return message ? message->controlId() : std::string();
}

}  // namespace ferry::test
