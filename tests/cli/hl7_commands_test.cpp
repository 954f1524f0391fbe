// The HL7 v2 subcommands as a user runs them: real binary, real files, exit status and output.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/run.h"

using ferry::test::ferryCommand;
using ferry::test::run;
using ferry::test::kHl7v2SamplesDir;

namespace {
std::string writeTemp(const std::string& name, const std::string& bytes) {
  const std::string path = "/tmp/ferry_cli_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}
}  // namespace

TEST(GetCommand, PrintsOneLinePerMessageOfABatch) {
  auto r = run(ferryCommand("get 'OBX-5.2' " + kHl7v2SamplesDir + "batch_elr.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Detected\nSalmonella\n");
}

TEST(GetCommand, PrintsEmptyLineWhenAbsent) {
  auto r = run(ferryCommand("get 'ZPV-2.2' " + kHl7v2SamplesDir + "adt_a01_admit.hl7 && " +
                            ferryCommand("get 'ZPV-2.2' " + kHl7v2SamplesDir + "oru_r01_lab_result.hl7")));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "ENG\n\n");
}

TEST(GetCommand, ReadsStandardInput) {
  auto r = run("cat " + kHl7v2SamplesDir + "oru_r01_lab_result.hl7 | " + ferryCommand("get 'OBX[3]-5' -"));
  EXPECT_EQ(r.out, "Fasting specimen & verified by tech | 2nd draw\n");
}

// A value whose decoded text holds line breaks still takes one line: line n is message n.
TEST(GetCommand, LineBreaksInAValueKeepOneLinePerMessage) {
  const std::string path = writeTemp(
      "breaks.hl7",
      "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\r"
      "OBX|1|TX|x^y^L||one\\X0D0A\\two\\X0A\\three\\X0D\\four\r\n"
      "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|2|P|2.5.1\r"
      "OBX|1|TX|x^y^L||second\r");
  auto r = run(ferryCommand("get OBX-5 " + path));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "one\\.br\\two\\.br\\three\\.br\\four\nsecond\n");
}

TEST(GetCommand, RejectsMalformedPath) {
  auto r = run(ferryCommand("get 'PID-x' " + kHl7v2SamplesDir + "oru_r01_lab_result.hl7"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("expected"), std::string::npos);
}

TEST(ConvertCommand, WritesEverySampleBackByteForByte) {
  for (const char* name : {"adt_a01_admit.hl7", "batch_elr.hl7", "oml_o21_order.hl7",
                           "oru_r01_lab_result.hl7", "vxu_v04_immunization.hl7"}) {
    auto r = run(ferryCommand(std::string("convert --to hl7v2 ") + kHl7v2SamplesDir + name));
    EXPECT_EQ(r.status, 0) << name << r.err;
    EXPECT_EQ(r.out, ferry::test::readFile(kHl7v2SamplesDir + name)) << name;
  }
}

TEST(ConvertCommand, NormalizesLineFeedsToCarriageReturns) {
  const std::string path = writeTemp("lf.hl7", "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.3\nPID|1||X\n");
  auto r = run(ferryCommand("convert --to hl7v2 " + path));
  EXPECT_EQ(r.out, "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.3\rPID|1||X\r");
}

TEST(BadInput, ReportsMessageSegmentAndOffsetAndContinues) {
  const std::string good1 = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.3\rPID|1||X\r";
  const std::string bad = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|2|P|2.3\rPID|1||Y\rpv1|bad\r";
  const std::string good3 = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|3|P|2.3\rPID|1||Z\r";
  const std::string path = writeTemp("bad.hl7", good1 + bad + good3);
  auto r = run(ferryCommand("get PID-3 " + path));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "X\n\nZ\n");
  const std::string offset = std::to_string(good1.size() + bad.find("pv1"));
  EXPECT_NE(r.err.find("message 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("byte " + offset), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("segment 3"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(BadInput, MissingFileIsAUsageError) {
  auto r = run(ferryCommand("get PID-3 /nonexistent/file.hl7"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot open"), std::string::npos);
}

TEST(ParseCommand, PrintsOneCanonicalJsonLinePerMessageOfABatch) {
  auto r = run(ferryCommand("parse " + kHl7v2SamplesDir + "batch_elr.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
  const std::string first = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(first.rfind("{\"schema\":\"ferry.canonical/v1\"", 0), 0u);
  EXPECT_NE(first.find("\"controlId\":\"B1-0001\""), std::string::npos);
  EXPECT_NE(r.out.find("\"controlId\":\"B1-0002\""), std::string::npos);
  EXPECT_NE(r.out.find("\"code\":\"27268008\""), std::string::npos);
}

TEST(ParseCommand, LabResultCarriesGlucoseFacts) {
  auto r = run(ferryCommand("parse " + kHl7v2SamplesDir + "oru_r01_lab_result.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"decimal\":\"182\""), std::string::npos);
  EXPECT_NE(r.out.find("\"code\":\"2345-7\""), std::string::npos);
  EXPECT_NE(r.out.find("\"birthDate\":\"1972-03-14\""), std::string::npos);
}

TEST(ParseCommand, UnsupportedTypeFailsThatMessageOnly) {
  const std::string path = writeTemp("mixed.hl7",
                                     "MSH|^~\\&|A|B|C|D|2026||MFN^M02|1|P|2.5\r"
                                     "MSH|^~\\&|A|B|C|D|2026||ADT^A08|2|P|2.5\rPID|1||X\rPV1|1|O\r");
  auto r = run(ferryCommand("parse " + path));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
  EXPECT_NE(r.out.find("\"controlId\":\"2\""), std::string::npos);
  EXPECT_NE(r.err.find("message 1, segment MSH (#1), field 9.1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'MFN' is not supported"), std::string::npos) << r.err;
}

TEST(ParseCommand, MissingSegmentNamesAByteInsideItsMessage) {
  const std::string good = "MSH|^~\\&|A|B|C|D|2026||ADT^A08|1|P|2.5\rPID|1||X\rPV1|1|O\r";
  const std::string bad = "MSH|^~\\&|A|B|C|D|2026||ORU^R01|2|P|2.5\rPID|1||Y\rOBX|1|NM|A^a^L||5\r";
  const std::string path = writeTemp("missing_obr.hl7", good + good + bad + good);
  auto r = run(ferryCommand("parse " + path));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
  // Where the OBR belongs: the end of PID, inside message 3 (not the first byte of message 4).
  const std::string offset = std::to_string(2 * good.size() + bad.find("\rOBX"));
  EXPECT_NE(r.err.find("message 3, segment OBR, byte " + offset +
                       ": segment OBR is required in ORU messages but is missing; it belongs "
                       "after PID (segment 2)\n"),
            std::string::npos)
      << r.err;
}

TEST(ParseCommand, ErrorOffsetsNameTheInputsByteWhenLinesEndInCrLf) {
  // The parsed message counts "\r\n" as one byte; the error must still point into the file.
  const std::string good = "MSH|^~\\&|A|B|C|D|2026||ADT^A08|1|P|2.5\r\nPID|1||X\r\nPV1|1|O\r\n";
  const std::string bad = "MSH|^~\\&|A|B|C|D|2026||ORU^R01|2|P|2.5\r\nPID|1||Y\r\nOBX|1|NM|A^a^L||5\r\n";
  const std::string path = writeTemp("missing_obr_crlf.hl7", good + bad);
  auto r = run(ferryCommand("parse " + path));
  EXPECT_EQ(r.status, 1);
  // The end of PID in message 2: its "\r", as it lies in the file.
  const std::string offset = std::to_string(good.size() + bad.find("\r\nOBX"));
  EXPECT_NE(r.err.find("message 2, segment OBR, byte " + offset + ": "), std::string::npos) << r.err;
}
