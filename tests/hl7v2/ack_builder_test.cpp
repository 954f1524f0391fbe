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
  e.segment_sequence = 2;  // the second segment of the message, its first PID
  e.field = 3;
  e.text = "PID-3 patient identifier list is required";
  const std::string ack = buildAck(oru, AcknowledgmentCode::AE, {e}, options());
  auto m = Message::parse(ack);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("MSA-1"), "AE");
  EXPECT_EQ(m->get("ERR-2.1"), "PID");
  EXPECT_EQ(m->get("ERR-2.2"), "1");
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

// MSH-18 repeats: the default character set, then the alternates the sender switches to. The
// ACK carries them all, as sent.
TEST(AckBuilder, KeepsEveryRepetitionOfTheCharacterSet) {
  const Message m = parsed(
      "MSH|^~\\&|LAB|NORTH|EHR|HOSP|20260101||ORU^R01^ORU_R01|77|P^T|2.5.1||||||"
      "ASCII~ISO IR87~ISO IR159|||PROFILE-1~PROFILE-2\r");
  EXPECT_EQ(buildAck(m, AcknowledgmentCode::AA, {}, options()),
            "MSH|^~\\&|EHR|HOSP|LAB|NORTH|20261126120000+0000||ACK^R01^ACK|ACK-1|P^T|2.5.1||||||"
            "ASCII~ISO IR87~ISO IR159\r"
            "MSA|AA|77\r");
}

TEST(AckBuilder, KeepsRepetitionsInTheMessagesOwnDelimiters) {
  const Message m = parsed("MSH*:+?$*LAB*FAC*EHR*HOSP*20260101**ORU:R01*9*P*2.5.1******"
                           "+ISO IR87+ISO IR159\r");
  EXPECT_EQ(buildAck(m, AcknowledgmentCode::AA, {}, options()),
            "MSH*:+?$*EHR*HOSP*LAB*FAC*20261126120000+0000**ACK:R01:ACK*ACK-1*P*2.5.1******"
            "+ISO IR87+ISO IR159\r"
            "MSA*AA*9\r");
}

// MSA-2 is how the sender finds its message: its control id comes back byte for byte, even with a
// repetition separator in it, as do the applications and the sending facility.
TEST(AckBuilder, EchoesHeaderFieldsWholeButSendsFromOneFacility) {
  const Message m = parsed(
      "MSH|^~\\&|LAB~LAB2|NORTH^1.2.3^ISO~SOUTH|EHR|HOSP^A~HOSP^B|20260101||ADT^A08|A\\T\\B~7|P|"
      "2.5\r");
  EXPECT_EQ(buildAck(m, AcknowledgmentCode::AA, {}, options()),
            "MSH|^~\\&|EHR|HOSP^A|LAB~LAB2|NORTH^1.2.3^ISO~SOUTH|20261126120000+0000||"
            "ACK^A08^ACK|ACK-1|P|2.5\r"
            "MSA|AA|A\\T\\B~7\r");
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

// ERL-2 (ERR-2.2) is the occurrence of the segment id, not the segment's place in the message:
// an error in the third OBX says 3 however many segments come before it.
TEST(AckBuilder, ErrLocationCountsOccurrencesOfTheSegmentId) {
  const Message oru = parsed(
      "MSH|^~\\&|LAB|L|HIS|H|20260105074611||ORU^R01^ORU_R01|C1|P|2.5.1\r"
      "PID|1||MRN1^^^H^MR||Doe^Jane\r"
      "OBR|1|||GLU^Glucose^L\r"
      "OBX|1|NM|GLU^Glucose^L||99|mg/dL\r"
      "NTE|1||comment\r"
      "OBX|2|NM|NA^Sodium^L||140|mmol/L\r"
      "OBX|3|NM|K^Potassium^L||abc|mmol/L\r");
  Error e;
  e.code = ErrorCode::DataType;
  e.segment = "OBX";
  e.segment_sequence = 7;  // the seventh segment
  e.field = 5;
  const std::string ack = buildAck(oru, AcknowledgmentCode::AE, {e}, options());
  const auto m = Message::parse(ack);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("ERR-2"), "OBX^3^5");
}

TEST(AckBuilder, MissingRequiredSegmentIsLocatedAtItsFirstOccurrence) {
  const Message oru = parsed(
      "MSH|^~\\&|LAB|L|HIS|H|20260105074611||ORU^R01^ORU_R01|C1|P|2.5.1\r"
      "PID|1||MRN1^^^H^MR||Doe^Jane\r");
  Error e;
  e.code = ErrorCode::SegmentSequence;
  e.segment = "OBR";  // no position: the segment is not there
  const std::string ack = buildAck(oru, AcknowledgmentCode::AE, {e}, options());
  const auto m = Message::parse(ack);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("ERR-2"), "OBR^1");
  EXPECT_EQ(m->get("ERR-3.1"), "100");
}

TEST(AckBuilder, LegacyErr1CountsOccurrencesToo) {
  const Message adt = parsed(
      "MSH|^~\\&|ADM|H|LAB|L|20260105074611||ADT^A08|C2|P|2.4\r"
      "EVN|A08|20260105074611\r"
      "PID|1||MRN1^^^H^MR||Doe^Jane\r"
      "NK1|1|Doe^John\r"
      "NK1|2|Doe^Ann|SPO\r");
  Error e;
  e.code = ErrorCode::RequiredFieldMissing;
  e.segment = "NK1";
  e.segment_sequence = 5;
  e.field = 3;
  const std::string ack = buildAck(adt, AcknowledgmentCode::AE, {e}, options());
  const auto m = Message::parse(ack);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("ERR-1.1"), "NK1");
  EXPECT_EQ(m->get("ERR-1.2"), "2");
  EXPECT_EQ(m->get("ERR-1.3"), "3");
}

// A position that holds another segment (an error built against other bytes) is not turned into
// a wrong occurrence: ERL-2 stays empty.
TEST(AckBuilder, PositionOfAnotherSegmentLeavesTheOccurrenceEmpty) {
  const Message oru = parsed(ferry::test::sample("hl7v2/oru_r01_lab_result.hl7"));
  Error e;
  e.code = ErrorCode::DataType;
  e.segment = "OBX";
  e.segment_sequence = 1;  // that is MSH
  e.field = 5;
  const auto m = Message::parse(buildAck(oru, AcknowledgmentCode::AE, {e}, options()));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("ERR-2"), "OBX^^5");
}

// Bytes that do not parse are rejected with the occurrence counted in the bytes themselves.
TEST(AckBuilder, RejectOfUnparseableBytesCountsOccurrencesInTheBytes) {
  const std::string bytes =
      "MSH|^~\\&|LAB|L|HIS|H|20260105074611||ORU^R01^ORU_R01|C9|P|2.5.1\r\n"
      "PID|1||MRN1^^^H^MR\r\n"
      "\r\n"
      "OBX|1|NM|A^A^L||1\r\n"
      "OBX|2|NM|B^B^L||2" + std::string(40, '|') + "\r\n";
  Limits limits;
  limits.max_fields_per_segment = 30;  // MSH has 11
  const auto parsedBytes = Message::parse(bytes, limits);
  ASSERT_FALSE(parsedBytes);
  ASSERT_EQ(parsedBytes.error().segment, "OBX");
  const auto m = Message::parse(buildRejectForUnparseable(bytes, parsedBytes.error(), options()));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("MSA-1"), "AR");
  EXPECT_EQ(m->get("MSA-2"), "C9");
  EXPECT_EQ(m->get("ERR-2.1"), "OBX");
  EXPECT_EQ(m->get("ERR-2.2"), "2");
}

// The ACK names the event the message is about even when the sender put it only in EVN-1.
TEST(AckBuilder, EventFromEvn1WhenMsh92IsEmpty) {
  const Message adt = parsed(
      "MSH|^~\\&|ADM|H|LAB|L|20260101||ADT|C1|P|2.4\r"
      "EVN|A08|20260101\r"
      "PID|||X1||Doe^Jane\r");
  const auto m = Message::parse(buildAck(adt, AcknowledgmentCode::AA, {}, options()));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->get("MSH-9"), "ACK^A08^ACK");
}

// Table 0155 in MSH-15, for each outcome code of either mode.
TEST(AckBuilder, AcceptAckRequestedFollowsMsh15) {
  const auto with = [](const std::string& msh15, const std::string& msh16) {
    return parsed("MSH|^~\\&|LAB|L|H|F|20261128||ORU^R01|C1|P|2.5.1|||" + msh15 + "|" + msh16 + "\r");
  };
  using Code = AcknowledgmentCode;
  for (const Code code : {Code::AA, Code::AE, Code::AR, Code::CA, Code::CE, Code::CR}) {
    const bool success = code == Code::AA || code == Code::CA;
    EXPECT_TRUE(acceptAckRequested(with("", ""), code)) << "original mode";
    EXPECT_TRUE(acceptAckRequested(with("AL", "NE"), code));
    EXPECT_TRUE(acceptAckRequested(with("", "AL"), code)) << "enhanced mode with MSH-15 empty";
    EXPECT_TRUE(acceptAckRequested(with("XX", ""), code)) << "an unknown condition is not a reason for silence";
    EXPECT_FALSE(acceptAckRequested(with("NE", "AL"), code));
    EXPECT_EQ(acceptAckRequested(with("ER", "AL"), code), !success) << toString(code);
    EXPECT_EQ(acceptAckRequested(with("SU", "AL"), code), success) << toString(code);
  }
}
