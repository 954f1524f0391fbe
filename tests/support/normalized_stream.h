#pragma once
// Checks that normalizing a stream into one reused result (normalizer.h normalize(message,
// into), as `ferry parse` reads a file) gives, after each message, what a fresh normalization
// of that message gives: the model, its canonical JSON, the errors and the warnings.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/canonical/json_writer.h"
#include "parsers/hl7v2/normalizer.h"

namespace ferry::test {

inline std::vector<std::string> described(const std::vector<hl7v2::Error>& errors) {
  std::vector<std::string> out;
  for (const hl7v2::Error& e : errors) out.push_back(e.describe());
  return out;
}

// bytes parsed and normalized into a fresh result; bytes that do not parse fail the test.
inline hl7v2::Normalized normalizeAlone(const std::string& bytes) {
  const auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    ADD_FAILURE() << message.error().describe();
    return {};
  }
  return hl7v2::normalize(*message);
}

inline void expectEachEqualsFresh(const std::vector<std::string>& stream) {
  hl7v2::Message message;
  hl7v2::Normalized reused;
  canonical::JsonWriter writer;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i + 1) + " of the stream");
    ASSERT_TRUE(hl7v2::Message::parse(stream[i], message));
    hl7v2::normalize(message, reused);
    const auto parsed = hl7v2::Message::parse(stream[i]);
    ASSERT_TRUE(parsed);
    const hl7v2::Normalized fresh = hl7v2::normalize(*parsed);
    EXPECT_EQ(reused.message, fresh.message);
    const std::string reused_json(writer.write(reused.message));
    EXPECT_EQ(reused_json, writer.write(fresh.message));
    EXPECT_EQ(described(reused.errors), described(fresh.errors));
    EXPECT_EQ(described(reused.warnings), described(fresh.warnings));
  }
}

}  // namespace ferry::test
