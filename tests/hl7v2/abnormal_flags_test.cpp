// OBX-8 abnormal flags of one character ("N", "H") are copied from a table made once
// (order_segments.cpp, OneCharacterFlags) instead of being read and looked up in table 0078 for
// every result. Each case pins that the short cut gives what the general path gives: a flag
// followed by an empty repetition ("H~") takes the general path and must read the same.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/hl7v2/normalizer.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace abnormal_flags_test {

// A report of one result whose OBX-8 is flags, in a message of the given MSH-18 whose OBX
// holds an escape sequence in OBX-5 when escaped (so the segment needs decoding).
std::string reportWithFlags(const std::string& flags, const std::string& charset = "",
                            bool escaped = false) {
  return "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|S-1|P|2.5.1|||||" +
         charset + "\r"
         "PID|1||MRN1^^^CITYHOSP^MR||Doe^Jane\r"
         "OBR|1|ORD-1|LAB-1|2345-7^Glucose^LN\r"
         "OBX|1|ST|2345-7^Glucose^LN||" + std::string(escaped ? "a \\T\\ b" : "a and b") +
         "||70-99|" + flags + "|||F\r";
}

std::vector<canonical::Interpretation> interpretationsOf(const std::string& bytes) {
  const auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    ADD_FAILURE() << message.error().describe();
    return {};
  }
  const hl7v2::Normalized n = hl7v2::normalize(*message);
  if (n.message.observations.size() != 1) {
    ADD_FAILURE() << "no result in " << bytes;
    return {};
  }
  return n.message.observations[0].interpretations;
}

// Every printable ASCII byte but the field separator, each as a flag of its own.
std::vector<std::string> oneCharacterFlags() {
  std::vector<std::string> flags;
  for (char byte = ' '; byte <= '~'; ++byte) {
    if (byte != '|') flags.emplace_back(1, byte);
  }
  return flags;
}

}  // namespace abnormal_flags_test

TEST(AbnormalFlags, EachOneCharacterFlagReadsAsTheGeneralPathReadsIt) {
  using namespace abnormal_flags_test;
  for (const std::string charset : {"", "8859/1", "UNICODE UTF-8"}) {
    for (const bool escaped : {false, true}) {
      for (const std::string& flag : oneCharacterFlags()) {
        SCOPED_TRACE("flag '" + flag + "', MSH-18 '" + charset + "'" +
                     (escaped ? ", escaped" : ""));
        EXPECT_EQ(interpretationsOf(reportWithFlags(flag, charset, escaped)),
                  interpretationsOf(reportWithFlags(flag + "~", charset, escaped)));
      }
    }
  }
}

TEST(AbnormalFlags, TheUsualFlagsReadTheirTable0078Interpretation) {
  using namespace abnormal_flags_test;
  const auto high = interpretationsOf(reportWithFlags("H"));
  ASSERT_EQ(high.size(), 1u);
  EXPECT_EQ(high[0].v2, "H");
  EXPECT_EQ(high[0].fhir.code, "H");
  EXPECT_EQ(high[0].fhir.display, "High");
  EXPECT_TRUE(high[0].fhir.system.wellKnown());
  const auto unmapped = interpretationsOf(reportWithFlags("X"));
  ASSERT_EQ(unmapped.size(), 1u);
  EXPECT_EQ(unmapped[0].v2, "X");
  EXPECT_TRUE(unmapped[0].fhir.code.empty());
  EXPECT_TRUE(interpretationsOf(reportWithFlags("^")).empty());
  EXPECT_TRUE(interpretationsOf(reportWithFlags("~")).empty());
}

// One result normalized into again: a lone flag is written over none, one or several flags of
// the message before, and over flags that are read through the memo.
TEST(AbnormalFlags, AStreamOfFlagsEqualsFreshNormalizations) {
  using namespace abnormal_flags_test;
  std::vector<std::string> stream;
  for (const std::string flags : {"H", "", "L~HH", "N", "N", "A^x", "H", "L", "X", "\\", "N~",
                                   "LL", "H", "<", "~", "N"}) {
    stream.push_back(reportWithFlags(flags));
    stream.push_back(reportWithFlags(flags, "8859/1", true));
  }
  test::expectEachEqualsFresh(stream);
}
