#include "parsers/hl7v2/ack_builder.h"

#include <gtest/gtest.h>

#include "tests/support/files.h"
#include "tests/support/parsed_message.h"

using namespace ferry::hl7v2;
using ferry::test::parsed;

namespace {
AckOptions options() {
  AckOptions o;
  o.control_id = "ACK-1";
  o.timestamp = "20261126120000+0000";
  return o;
}
}  // namespace

TEST(AckBuilder, AcceptsLabResultSwappingSenderAndReceiver) {
  const Message oru = parsed(ferry::test::sample("hl7v2/oru_r01_lab_result.hl7"));
  const std::string ack = buildAck(oru, AcknowledgmentCode::AA, {}, options());
  EXPECT_EQ(ack,
            "MSH|^~\\&|HOSPRES|CITYHOSP|NORTHLAB|NORTHLAB^2.16.840.1.113883.3.9999.1^ISO|"
            "20261126120000+0000||ACK^R01^ACK|ACK-1|P|2.5.1\r"
            "MSA|AA|NL-000184211\r");
  auto parsedAck = Message::parse(ack);
  ASSERT_TRUE(parsedAck);
  EXPECT_EQ(parsedAck->get("MSA-2"), "NL-000184211");
}

TEST(AckBuilder, ErrorAckCarriesErrSegmentInV25Form) {
  const Message oru = parsed(ferry::test::sample("hl7v2/oru_r01_lab_result.hl7"));
  Error e;
  e.code = ErrorCode::RequiredFieldMissing;
  e.segment = "PID";
  e.segment_sequence = 2;
  e.field = 3;
  e.text = "PID-3 patient identifier list is required";
  const std::string ack = buildAck(oru, AcknowledgmentCode::AE, {e}, options());
  auto m = Message::parse(ack);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("MSA-1"), "AE");
  EXPECT_EQ(m->get("ERR-2.1"), "PID");
  EXPECT_EQ(m->get("ERR-2.2"), "2");
  EXPECT_EQ(m->get("ERR-2.3"), "3");
  EXPECT_EQ(m->get("ERR-3.1"), "101");
  EXPECT_EQ(m->get("ERR-3.2"), "Required field missing");
  EXPECT_EQ(m->get("ERR-3.3"), "HL70357");
  EXPECT_EQ(m->get("ERR-4"), "E");
  EXPECT_EQ(m->get("ERR-8"), "PID-3 patient identifier list is required");
}

TEST(AckBuilder, OlderVersionsUseErr1) {
  const Message adt = parsed(ferry::test::sample("hl7v2/adt_a01_admit.hl7"));
  Error e;
  e.code = ErrorCode::UnsupportedEventCode;
  e.segment = "MSH";
  e.segment_sequence = 1;
  e.field = 9;
  const std::string ack = buildAck(adt, AcknowledgmentCode::AR, {e}, options());
  auto m = Message::parse(ack);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("MSH-9"), "ACK^A01");  // v2.3 has no message structure component
  EXPECT_EQ(m->get("MSH-12"), "2.3");
  EXPECT_EQ(m->get("MSA-1"), "AR");
  EXPECT_EQ(m->get("MSA-2"), "ADT-3391");
  EXPECT_EQ(m->get("ERR-1.1"), "MSH");
  EXPECT_EQ(m->get("ERR-1.3"), "9");
  EXPECT_EQ(m->get("ERR-1.4.1"), "201");
  EXPECT_EQ(m->get("ERR-1.4.3"), "HL70357");
}

TEST(AckBuilder, EnhancedModeCodes) {
  const Message oru = parsed(ferry::test::sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_NE(buildAck(oru, AcknowledgmentCode::CA, {}, options()).find("MSA|CA|NL-000184211"),
            std::string::npos);
  EXPECT_NE(buildAck(oru, AcknowledgmentCode::CR, {}, options()).find("MSA|CR|"),
            std::string::npos);
}

TEST(AckBuilder, UsesTheMessagesOwnDelimiters) {
  const Message m = parsed("MSH*:+?$*LAB*FAC*EHR*HOSP*20260101**ORU:R01*9*P*2.5.1\r");
  const std::string ack = buildAck(m, AcknowledgmentCode::AA, {}, options());
  EXPECT_EQ(ack, "MSH*:+?$*EHR*HOSP*LAB*FAC*20261126120000+0000**ACK:R01:ACK*ACK-1*P*2.5.1\r"
                 "MSA*AA*9\r");
}

TEST(AckBuilder, Version21HasPlainAckType) {
  const Message m = parsed("MSH|^~\\&|A|B|C|D|20260101||ADT|5|P|2.1\r");
  auto ack = Message::parse(buildAck(m, AcknowledgmentCode::AA, {}, options()));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->get("MSH-9"), "ACK");
}

TEST(AckBuilder, KeepsCharacterSet) {
  const Message m = parsed("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|5|P|2.5||||||UNICODE UTF-8\r");
  auto ack = Message::parse(buildAck(m, AcknowledgmentCode::AA, {}, options()));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->get("MSH-18"), "UNICODE UTF-8");
}

TEST(AckBuilder, RejectsUnparseableBytesRecoveringControlId) {
  Error e;
  e.code = ErrorCode::SegmentSequence;
  e.text = "segment 2 does not start with a 3-character segment id";
  auto ack = Message::parse(buildRejectForUnparseable(
      "MSH|^~\\&|A|B|C|D|2026||ORU^R01|CTRL9|P|2.5\r\x01\x02garbage", e, options()));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->get("MSA-1"), "AR");
  EXPECT_EQ(ack->get("MSA-2"), "CTRL9");
  EXPECT_EQ(ack->get("ERR-3.1"), "100");
  auto blind = Message::parse(buildRejectForUnparseable("\x7f\x45LF", e, options(), true));
  ASSERT_TRUE(blind);
  EXPECT_EQ(blind->get("MSA-1"), "CR");
  EXPECT_EQ(blind->get("MSA-2"), "");
}
