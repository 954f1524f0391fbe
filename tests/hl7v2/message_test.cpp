#include "parsers/hl7v2/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/parsed_message.h"

using ferry::hl7v2::Element;
using ferry::hl7v2::Message;
using ferry::hl7v2::Path;
using ferry::test::sample;
using ferry::test::parsed;

TEST(Message, ReadsLabResultGlucose) {
  const Message m = parsed(sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(m.get("OBX-5"), "182");
  EXPECT_EQ(m.get("OBX-6.1"), "mg/dL");
  EXPECT_EQ(m.get("OBX-8"), "H");
  EXPECT_EQ(m.get("OBX-3.4"), "2345-7");
  EXPECT_EQ(m.get("OBX-3.6"), "LN");
  EXPECT_EQ(m.get("OBX-7"), "70-99");
  EXPECT_EQ(m.get("OBX-11"), "F");
}

TEST(Message, DecodesEscapedCommentInThirdObx) {
  const Message m = parsed(sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(m.get("OBX[3]-5"), "Fasting specimen & verified by tech | 2nd draw");
  EXPECT_EQ(m.at(*Path::parse("OBX[3]-5")).raw(),
            "Fasting specimen \\T\\ verified by tech \\F\\ 2nd draw");
  EXPECT_EQ(m.get("NTE-3"), "Patient reports fasting since 22:00 ^ no medications.");
}

TEST(Message, NumbersHeaderFieldsAsTheStandardDoes) {
  const Message m = parsed(sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(m.get("MSH-1"), "|");
  EXPECT_EQ(m.get("MSH-2"), "^~\\&");
  EXPECT_EQ(m.get("MSH-3"), "NORTHLAB");
  EXPECT_EQ(m.get("MSH-4.2"), "2.16.840.1.113883.3.9999.1");
  EXPECT_EQ(m.get("MSH-9.1"), "ORU");
  EXPECT_EQ(m.get("MSH-9.3"), "ORU_R01");
  EXPECT_EQ(m.get("MSH-10"), "NL-000184211");
  EXPECT_EQ(m.get("MSH-12"), "2.5.1");
  EXPECT_EQ(m.get("MSH-21.1"), "LRI_Common_Component");
  EXPECT_EQ(m.controlId(), "NL-000184211");
  EXPECT_EQ(m.messageCode(), "ORU");
  EXPECT_EQ(m.triggerEvent(), "R01");
  EXPECT_EQ(m.versionId(), "2.5.1");
}

// headerValueField(n) is field(n) for n >= 3, for a header (numbered from MSH-1) and for any
// other segment, up to and past the last field.
TEST(Message, HeaderValueFieldIsFieldFromThreeOn) {
  const Message m = parsed("MSH|^~\\&|A|B|||||ORU^R01|1|P|2.5.1\rPID|1||MRN|\rNTE\r");
  for (std::size_t s = 0; s < m.segmentCount(); ++s) {
    const auto segment = m.segment(s);
    for (int n = 3; n <= 16; ++n) {
      const Element expected = segment.field(n);
      const Element got = segment.headerValueField(n);
      EXPECT_EQ(got.present(), expected.present()) << s << " " << n;
      EXPECT_EQ(got.raw(), expected.raw()) << s << " " << n;
      EXPECT_EQ(got.level(), expected.level()) << s << " " << n;
    }
  }
  EXPECT_FALSE(m.segment(m.segmentCount()).headerValueField(3).present());
}

TEST(Message, ReadsRepetitionsAndComponents) {
  const Message m = parsed(sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(m.get("PID-3.1"), "MRN448812");
  EXPECT_EQ(m.get("PID-3[1].4"), "CITYHOSP");
  EXPECT_EQ(m.get("PID-3[2].1"), "990-22-1234");
  EXPECT_EQ(m.get("PID-3[2].5"), "SS");
  EXPECT_EQ(m.segment(m.findSegment("PID")).field(3).repetitionCount(), 2);
  EXPECT_EQ(m.at(*Path::parse("PID-3")).raw(), "MRN448812^^^CITYHOSP^MR");  // repetition 1
  EXPECT_EQ(m.get("PID-5.2"), "Adaline");
  EXPECT_EQ(m.get("PID-7"), "19720314");
  EXPECT_EQ(m.get("PID-11.2"), "Apt 4");
  EXPECT_EQ(m.get("PID-13.6"), "217");
  EXPECT_EQ(m.get("OBX[2]-5"), "8.1");
  EXPECT_EQ(m.get("SPM-4.2"), "Blood specimen");
}

TEST(Message, ReadsSubcomponents) {
  const Message m = parsed("MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\rOBX|1|CE|x&y&z^t\r");
  EXPECT_EQ(m.get("OBX-3.1.1"), "x");
  EXPECT_EQ(m.get("OBX-3.1.3"), "z");
  EXPECT_EQ(m.get("OBX-3.1"), "x&y&z");  // a composite is returned as written
  EXPECT_FALSE(m.at(*Path::parse("OBX-3.1.4")).present());
}

TEST(Message, ComponentOneOfASimpleFieldIsTheField) {
  const Message m = parsed(sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(m.get("MSH-10.1"), "NL-000184211");
  EXPECT_EQ(m.get("PID-7.1"), "19720314");
}

TEST(Message, DistinguishesAbsentEmptyAndNull) {
  const Message m = parsed("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\rPID|1||ID1||\"\"|\r");
  const Element empty = m.at(*Path::parse("PID-2"));
  const Element null = m.at(*Path::parse("PID-5"));
  const Element beyond = m.at(*Path::parse("PID-9"));
  EXPECT_TRUE(empty.present());
  EXPECT_FALSE(empty.valued());
  EXPECT_FALSE(empty.isNull());
  EXPECT_TRUE(null.present());
  EXPECT_TRUE(null.valued());
  EXPECT_TRUE(null.isNull());
  EXPECT_FALSE(beyond.present());
  EXPECT_FALSE(m.at(*Path::parse("ZZZ-1")).present());
}

TEST(Message, AcceptsLineFeedAndCrLfAndWritesCarriageReturns) {
  const std::string cr = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|7|P|2.3\rPID|1||X\r";
  const std::string lf = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|7|P|2.3\nPID|1||X\n";
  const std::string crlf = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|7|P|2.3\r\nPID|1||X\r\n";
  EXPECT_EQ(parsed(lf).bytes(), cr);
  EXPECT_EQ(parsed(crlf).bytes(), cr);
  EXPECT_EQ(parsed(lf).get("PID-3"), "X");
  EXPECT_EQ(parsed(crlf).segmentCount(), 2u);
}

// parse() finds a \n in the index's pass, after reading the delimiters from bytes that still
// hold it: a header whose delimiters cannot be read gives the error of the same header ended
// by \r, and a \n far into a long message is found as near its start.
TEST(Message, LineFeedsGiveTheAnswersOfCarriageReturns) {
  for (const std::string header : {"MSH|^~", "MSH|^~\\&", "MSH|^~\\&|", "MSH|^~\\&|A"}) {
    const std::string tail = "PID|1\rOBX|1|" + std::string(300, 'x') + "\r";
    for (const std::string end : {"\n", "\r\n"}) {
      Message with_feeds;
      Message with_returns;
      const auto fed = Message::parse(header + end + tail, with_feeds);
      const auto returned = Message::parse(header + "\r" + tail, with_returns);
      ASSERT_EQ(fed.ok(), returned.ok()) << header;
      if (!fed) {
        EXPECT_EQ(fed.error().text, returned.error().text) << header;
        EXPECT_EQ(fed.error().offset, returned.error().offset) << header;
        continue;
      }
      EXPECT_EQ(with_feeds.bytes(), with_returns.bytes()) << header;
      EXPECT_EQ(with_feeds.segmentCount(), 3u) << header;
    }
  }
  Message late;
  ASSERT_TRUE(Message::parse("MSH|^~\\&|A\rPID|" + std::string(700, 'y') + "\nOBX|1", late));
  EXPECT_EQ(late.segmentCount(), 3u);
  EXPECT_EQ(late.get("OBX-1"), "1");
}

// After a message with a \n, parse() searches the next one for a \n before indexing it: a
// Message parsed into again over \r, \n and \r\n messages in every order holds what a fresh
// parse of each gives.
TEST(Message, ParsedIntoAgainOverMixedLineEndsEqualsAFreshParse) {
  const std::string body = "MSH|^~\\&|A|B|||||ORU^R01|1|P|2.5.1\rPID|1||MRN\rOBX|1|NM|x||5";
  const auto withEnds = [&](const std::string& end) {
    std::string text;
    for (const char c : body) text += c == '\r' ? end : std::string(1, c);
    return text;
  };
  const std::string texts[] = {withEnds("\r"), withEnds("\n"), withEnds("\r\n"), withEnds("\r")};
  Message reused;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& text : texts) {
      ASSERT_TRUE(Message::parse(text, reused));
      const Message fresh = parsed(text);
      EXPECT_EQ(reused.bytes(), fresh.bytes());
      ASSERT_EQ(reused.segmentCount(), fresh.segmentCount());
      EXPECT_EQ(reused.get("OBX-5"), "5");
    }
  }
}

TEST(Message, IgnoresBlankLinesBetweenSegments) {
  const Message m = parsed("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|7|P|2.3\r\r\nPID|1||X\r\r");
  EXPECT_EQ(m.segmentCount(), 2u);
  EXPECT_EQ(m.get("PID-3"), "X");
}

TEST(Message, RoundTripsEverySampleByteForByte) {
  for (const char* name : {"adt_a01_admit.hl7", "oml_o21_order.hl7", "oru_r01_lab_result.hl7",
                           "vxu_v04_immunization.hl7"}) {
    const std::string bytes = sample(std::string("hl7v2/") + name);
    EXPECT_EQ(parsed(bytes).bytes(), bytes) << name;
  }
}

TEST(Message, ReadsMessageWithCustomDelimiters) {
  const Message m = parsed("MSH*:+?$*LAB*FAC*R*F*20260101**ORU:R01*9*P*2.4\rPID*1**A1:::H$X+B2\r");
  EXPECT_EQ(m.get("MSH-3"), "LAB");
  EXPECT_EQ(m.get("MSH-9.2"), "R01");
  EXPECT_EQ(m.get("PID-3[1].4.2"), "X");
  EXPECT_EQ(m.get("PID-3[2]"), "B2");
}

TEST(Message, CountsAndFindsSegments) {
  const Message m = parsed(sample("hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(m.countSegments("OBX"), 3);
  EXPECT_EQ(m.segment(m.findSegment("OBX", 2)).field(1).text(), "2");
  EXPECT_EQ(m.findSegment("OBX", 4), m.segmentCount());
  EXPECT_EQ(m.segment(0).id(), "MSH");
  EXPECT_EQ(m.segment(0).fieldCount(), 21);
}

// Ids are compared as three bytes: a last segment that is only its id, ids of other lengths,
// an id that is a prefix of another, and occurrences out of range.
TEST(Message, FindsSegmentsByTheirThreeByteIdOnly) {
  const Message m = parsed("MSH|^~\\&|\rOBX|1\rOB1|2\rOBX|3\rZZZ");
  EXPECT_EQ(m.countSegments("OBX"), 2);
  EXPECT_EQ(m.countSegments("ZZZ"), 1);
  EXPECT_EQ(m.findSegment("ZZZ"), 4u);
  EXPECT_EQ(m.findSegment("OBX", 2), 3u);
  EXPECT_EQ(m.findSegment("OBX", 0), m.segmentCount());
  EXPECT_EQ(m.findSegment("OBX", 3), m.segmentCount());
  for (const std::string_view id : {"OB", "OBXX", "", "ZZ"}) {
    EXPECT_EQ(m.countSegments(id), 0) << id;
    EXPECT_EQ(m.findSegment(id), m.segmentCount()) << id;
  }
}

TEST(Message, ZSegmentIsReadableWhole) {
  const Message m = parsed(sample("hl7v2/adt_a01_admit.hl7"));
  EXPECT_EQ(m.at(*Path::parse("ZPV")).raw(), "ZPV|VIP^N|Preferred language^ENG");
  EXPECT_EQ(m.get("ZPV-2.2"), "ENG");
}

TEST(Message, TextViewIsTheWrittenBytesUnlessTheyHoldAnEscape) {
  const Message m = parsed(
      "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\r"
      "NTE|1|L|plain text|a \\T\\ b|x^y \\S\\ z\r");
  const auto nte = m.segment(1);
  std::string scratch;
  const Element plain = nte.field(3);
  EXPECT_EQ(plain.textView(scratch).data(), plain.raw().data());  // no copy
  EXPECT_EQ(plain.textView(scratch), plain.text());
  const Element escaped = nte.field(4);
  EXPECT_EQ(escaped.textView(scratch), "a & b");
  EXPECT_EQ(escaped.textView(scratch), escaped.text());
  // A composite with an escape is given back as written, as text() gives it.
  const Element composite = nte.field(5);
  EXPECT_EQ(composite.textView(scratch), composite.text());
  EXPECT_EQ(composite.textView(scratch), "x^y \\S\\ z");
  EXPECT_EQ(nte.field(9).textView(scratch), "");
  // A segment view of no segment reads every field as absent.
  EXPECT_FALSE(m.segment(m.segmentCount()).field(1).present());
}

// Segment::needsDecoding() is noted by the index in its 16-byte pass; it must say exactly
// whether the segment's bytes hold the escape character or a byte outside ASCII, wherever that
// byte falls relative to the blocks, the segment ends and the end of the message.
TEST(Message, SegmentKnowsWhetherItNeedsDecoding) {
  for (const char marker : {'\\', '\xE9'}) {
    const std::string header = "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\r";
    const std::string filler = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        // Two segments of the given length after MSH; the marker (when at < length) in the first.
        std::string first = "OBX|" + filler.substr(0, length);
        if (at < length) first[4 + at] = marker;
        const std::string second = "NTE|" + filler.substr(0, length);
        for (const bool last_cr : {true, false}) {
          const std::string bytes = header + first + "\r" + second + (last_cr ? "\r" : "");
          const Message m = parsed(bytes);
          ASSERT_EQ(m.segmentCount(), 3u);
          EXPECT_EQ(m.segment(1).needsDecoding(), at < length) << "length " << length << ", at " << at;
          EXPECT_FALSE(m.segment(2).needsDecoding()) << "length " << length << ", at " << at;
          EXPECT_TRUE(m.segment(0).needsDecoding());  // MSH-2 holds it
        }
      }
    }
  }
}

TEST(Message, EscapedFollowsTheMessagesOwnEscapeCharacter) {
  const Message m = parsed("MSH|^~#&|A|B\rNTE|1||a \\ b\rNTE|2||a #T# b\r");
  EXPECT_FALSE(m.segment(1).needsDecoding());
  EXPECT_TRUE(m.segment(2).needsDecoding());
  EXPECT_EQ(m.get("NTE[2]-3"), "a & b");
}

TEST(Message, EscapedOfLastSegmentWithoutTerminator) {
  const Message m = parsed("MSH|^~\\&|A|B\rNTE|1||\\T\\");
  ASSERT_EQ(m.segmentCount(), 2u);
  EXPECT_TRUE(m.segment(1).needsDecoding());
  EXPECT_EQ(m.get("NTE-3"), "&");
}

namespace message_test {

// What a parse tells of a message's delimiters: all six, or the error.
std::string delimitersOf(const ferry::hl7v2::Result<bool>& parsed, const Message& message) {
  if (!parsed) return "error @" + std::to_string(parsed.error().offset) + ": " + parsed.error().text;
  const auto& e = message.encoding();
  return std::string{e.field, e.component, e.repetition, e.escape, e.subcomponent,
                     e.truncation == '\0' ? '0' : e.truncation} +
         " " + message.get("PID-3.2");
}

}  // namespace message_test

// A message parsed into keeps the delimiters of the last header while the next one starts with
// the same bytes; each header here differs from the one before in a byte that matters, and
// every answer must be a fresh message's.
TEST(Message, ReadsTheDelimitersOfEveryMessageParsedIntoOne) {
  const std::vector<std::string> headers = {
      "MSH|^~\\&|",  "MSH|^~\\&|",  "MSH|^~\\&#|", "MSH|^~\\&#|", "MSH|^~\\&|",
      "MSH|#~\\&|",  "MSH|^~\\&\r", "MSH|^~\\&|",  "MSH|^~\\",    "MSH|^~\\&|",
      "MSH!^~\\&!",  "MSH|^~\\&^|", "MSH|^~\\&|",  "MSH|^~\\&##", "MSH|^~\\&|",
  };
  Message reused;
  for (const std::string& header : headers) {
    const char fs = header[3];
    std::string text = header + "A\rPID" + fs + "1" + fs + fs + "x" + header[4] + "y\r";
    Message fresh;
    const std::string expected = message_test::delimitersOf(Message::parse(text, fresh), fresh);
    const auto parsed = Message::parse(text, reused);
    EXPECT_EQ(message_test::delimitersOf(parsed, reused), expected) << header;
  }
}

namespace message_test {

// fields<N...>() must give what field(n) gives for each n, on its path for a segment that reaches
// the last field, one that stops before it, and a header.
void expectFieldsAsField(const ferry::hl7v2::Segment& s) {
  const auto taken = s.fields<1, 2, 3, 5>();
  const int numbers[] = {1, 2, 3, 5};
  for (std::size_t i = 0; i < taken.size(); ++i) {
    const Element one = s.field(numbers[i]);
    EXPECT_EQ(taken[i].present(), one.present()) << s.id() << "-" << numbers[i];
    EXPECT_EQ(taken[i].raw(), one.raw()) << s.id() << "-" << numbers[i];
    EXPECT_EQ(taken[i].level(), one.level());
    EXPECT_EQ(taken[i].encoding(), one.encoding());
  }
}

}  // namespace message_test

TEST(Message, FieldsTakenTogetherAreTheFieldsTakenOneByOne) {
  const Message m = parsed("MSH|^~\\&|LAB|NORTH\rOBX|1|NM|GLU^Glucose|1|182|mg/dL\rOBX|2|ST\r"
                           "NTE|1||note|\r");
  for (std::size_t i = 0; i < m.segmentCount(); ++i) {
    message_test::expectFieldsAsField(m.segment(i));
  }
}
