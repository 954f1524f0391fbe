// The reader keeps the last dates it converted (datatype_reader.h, RecentDateTime): a repeated
// date must read exactly as a first one, and a bad one must warn every time it appears.
#include <gtest/gtest.h>

#include <string>

#include "parsers/hl7v2/normalizer.h"

using namespace ferry;

namespace {

hl7v2::Normalized normalized(const std::string& bytes) {
  auto message = hl7v2::Message::parse(bytes);
  EXPECT_TRUE(message) << message.error().describe();
  return hl7v2::normalize(*message);
}

const std::string kHeader = "MSH|^~\\&|LAB|NL|RES|CH|20261120083015-0500||ORU^R01|C1|P|2.5.1\rOBR|1\r";

}  // namespace

TEST(RepeatedDates, ARepeatedDateReadsLikeTheFirst) {
  const auto n = normalized(kHeader +
                            "OBX|1|NM|A^a^LN||1||||||F|||20261120060000-0500|||||20261120074600-0500\r"
                            "OBX|2|NM|B^b^LN||2||||||F|||20261120060000-0500|||||20261120074600-0500\r"
                            "OBX|3|NM|C^c^LN||3||||||F|||20261120074600-0500|||||20261120060000-0500\r");
  ASSERT_EQ(n.message.observations.size(), 3u);
  for (const auto& obs : {n.message.observations[0], n.message.observations[1]}) {
    EXPECT_EQ(obs.observation_time, "2026-11-20T06:00:00-05:00");
    EXPECT_EQ(obs.analysis_time, "2026-11-20T07:46:00-05:00");
  }
  EXPECT_EQ(n.message.observations[2].observation_time, "2026-11-20T07:46:00-05:00");
  EXPECT_EQ(n.message.observations[2].analysis_time, "2026-11-20T06:00:00-05:00");
  EXPECT_TRUE(n.warnings.empty());
}

TEST(RepeatedDates, ABadDateWarnsEveryTime) {
  const auto n = normalized(kHeader +
                            "OBX|1|NM|A^a^LN||1||||||F|||20261332\r"
                            "OBX|2|NM|B^b^LN||2||||||F|||20261332\r");
  ASSERT_EQ(n.warnings.size(), 2u);
  EXPECT_TRUE(n.message.observations[0].observation_time.empty());
  EXPECT_TRUE(n.message.observations[1].observation_time.empty());
  ASSERT_EQ(n.message.extensions.size(), 2u);
  EXPECT_EQ(n.message.extensions[1].raw, "20261332");
}

TEST(RepeatedDates, TheSameBytesAsAFieldAndAsARepetitionReadTheirOwnWay) {
  // OBX-14 is read as a field (its first component), OBX-5 of type TS as a repetition (whole):
  // "20261120^x" is a date as the first, and no date as the second.
  const auto n = normalized(kHeader +
                            "OBX|1|NM|A^a^LN||1||||||F|||20261120^x\r"
                            "OBX|2|TS|B^b^LN||20261120^x||||||F\r");
  ASSERT_EQ(n.message.observations.size(), 2u);
  EXPECT_EQ(n.message.observations[0].observation_time, "2026-11-20");
  EXPECT_TRUE(n.message.observations[1].value.date_time->empty());
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_EQ(n.warnings[0].field, 5);
}

TEST(RepeatedDates, AnEscapedDateIsDecodedBeforeItIsRead) {
  const auto n = normalized(kHeader +
                            "OBX|1|NM|A^a^LN||1||||||F|||2026\\X31\\120\r"
                            "OBX|2|NM|B^b^LN||2||||||F|||2026\\X31\\120\r");
  ASSERT_EQ(n.message.observations.size(), 2u);
  EXPECT_EQ(n.message.observations[0].observation_time, "2026-11-20");
  EXPECT_EQ(n.message.observations[1].observation_time, "2026-11-20");
}

TEST(RepeatedDates, BytesWithoutSeparatorsReadAlikeAtEveryLevel) {
  // OBX-5 of type TS is read as a repetition, OBX-14 and SPM-18 as fields, SPM-17.1 as a
  // component: the same bytes without separators are the same date at each. Bytes with a
  // component separator are a date as a field (its first component) and none as a repetition.
  const auto n = normalized(kHeader +
                            "OBX|1|TS|A^a^LN||20261120060000-0500||||||F|||20261120060000-0500\r"
                            "OBX|2|NM|B^b^LN||2||||||F|||20261121^x|||||20261121\r"
                            "OBX|3|TS|C^c^LN||20261121^x||||||F|||20261121\r"
                            "SPM|1||||||||||||||||20261120060000-0500^20261120070000|"
                            "20261120060000-0500\r");
  ASSERT_EQ(n.message.observations.size(), 3u);
  const auto& first = n.message.observations[0];
  EXPECT_EQ(*first.value.date_time, "2026-11-20T06:00:00-05:00");
  EXPECT_EQ(first.observation_time, "2026-11-20T06:00:00-05:00");
  EXPECT_EQ(n.message.observations[1].observation_time, "2026-11-21");
  EXPECT_EQ(n.message.observations[1].analysis_time, "2026-11-21");
  EXPECT_TRUE(n.message.observations[2].value.date_time->empty());
  EXPECT_EQ(n.message.observations[2].observation_time, "2026-11-21");
  ASSERT_EQ(n.message.specimens.size(), 1u);
  EXPECT_EQ(n.message.specimens[0].collection_time, "2026-11-20T06:00:00-05:00");
  EXPECT_EQ(n.message.specimens[0].collection_end_time, "2026-11-20T07:00:00");
  EXPECT_EQ(n.message.specimens[0].received_time, "2026-11-20T06:00:00-05:00");
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_EQ(n.warnings[0].field, 5);
}

TEST(RepeatedDates, AFieldLongerThanADateIsKeptAndReadsLikeTheFirst) {
  // The recent dates name their bytes in the message, of any length: a field of 60 bytes whose
  // first component is the date repeats like a short one.
  const std::string field = "20261120060000-0500^" + std::string(40, 'x');
  const auto n = normalized(kHeader + "OBX|1|NM|A^a^LN||1||||||F|||" + field + "\r" +
                            "OBX|2|NM|B^b^LN||2||||||F|||" + field + "\r" +
                            "OBX|3|TS|C^c^LN||" + field + "||||||F|||" + field + "\r");
  ASSERT_EQ(n.message.observations.size(), 3u);
  for (const auto& obs : n.message.observations) {
    EXPECT_EQ(obs.observation_time, "2026-11-20T06:00:00-05:00");
  }
  // As OBX-5 of type TS the same bytes are a repetition, read whole: no date.
  EXPECT_TRUE(n.message.observations[2].value.date_time->empty());
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_EQ(n.warnings[0].field, 5);
}
