// parse / convert / validate across formats, on the real binary: the format is detected from
// the content, and every conversion goes through the canonical model.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tests/support/lab_reporting_message.h"
#include "tests/support/run.h"

using ferry::test::ferryCommand;
using ferry::test::run;
using ferry::test::kSamplesDir;

namespace {
const std::string kProfiles = " --profiles " + kSamplesDir + "profiles ";
const std::string kFhirBundle = std::string(FERRY_SOURCE_DIR) + "/tests/fhir/data/bundle_lab_result.json";
}  // namespace

TEST(FormatCommands, ParseDetectsFhirJson) {
  auto r = run(ferryCommand("parse " + kFhirBundle));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"sourceFormat\":\"fhir\""), std::string::npos);
  EXPECT_NE(r.out.find("\"code\":\"2345-7\""), std::string::npos);
  EXPECT_NE(r.out.find("\"birthDate\":\"1972-03-14\""), std::string::npos);
}

TEST(FormatCommands, ParseDetectsInsurerXmlByProfile) {
  auto r = run(ferryCommand("parse" + kProfiles + kSamplesDir + "xml/claim_submission.xml"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"sourceFormat\":\"xml\""), std::string::npos);
  EXPECT_NE(r.out.find("\"controlId\":\"SUB-20261121-0042\""), std::string::npos);
}

TEST(FormatCommands, UnknownXmlRootNamesTheKnownProfiles) {
  const std::string path = "/tmp/ferry_cli_unknown_" + std::to_string(::getpid()) + ".xml";
  std::ofstream(path) << "<Invoice xmlns=\"urn:nobody\"/>";
  auto r = run(ferryCommand("parse" + kProfiles + path));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("example-insurer-claims-1-submission"), std::string::npos) << r.err;
}

TEST(FormatCommands, ConvertHl7v2ToFhirTransactionBundle) {
  auto r = run(ferryCommand("convert --to fhir " + kSamplesDir + "hl7v2/oru_r01_lab_result.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"resourceType\":\"Bundle\"", 0), 0u);
  EXPECT_NE(r.out.find("\"type\":\"transaction\""), std::string::npos);
  EXPECT_NE(r.out.find("\"resourceType\":\"Observation\""), std::string::npos);
  EXPECT_NE(r.out.find("\"value\":182"), std::string::npos);
}

TEST(FormatCommands, ConvertFhirToHl7v2Oru) {
  auto r = run(ferryCommand("convert --to hl7v2 " + kFhirBundle + " | " + ferryCommand("get OBX-5 -")));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "182\n");
}

// The lab and national-reporting fields through the binary: v2 -> FHIR -> v2 puts them back at
// their places (FHIR keeps the birth order and the death date, not PID-24's and PID-30's "Y").
TEST(FormatCommands, ReportingFieldsSurviveHl7v2ToFhirAndBack) {
  const std::string path = "/tmp/ferry_cli_elr_" + std::to_string(::getpid()) + ".hl7";
  std::ofstream(path) << ferry::test::kLabReporting;
  const std::string fhir = "/tmp/ferry_cli_elr_" + std::to_string(::getpid()) + ".json";
  auto toFhir = run(ferryCommand("convert --to fhir " + path) + " > " + fhir);
  EXPECT_EQ(toFhir.status, 0) << toFhir.err;
  for (const char* field : {"PID-6.1", "PID-15.1", "PID-25", "PID-29", "OBR-31[2].1", "OBX-17.1",
                            "OBX-23.1", "OBX-23.10", "OBX-24.1", "OBX-25.2", "SPM-17", "SPM-18"}) {
    auto r = run(ferryCommand("convert --to hl7v2 " + fhir) + " | " +
                 ferryCommand(std::string("get ") + field + " -"));
    auto original = run(ferryCommand(std::string("get ") + field + " " + path));
    EXPECT_EQ(r.status, 0) << field << ": " << r.err;
    EXPECT_FALSE(original.out.empty() || original.out == "\n") << field;
    EXPECT_EQ(r.out, original.out) << field;
  }
  std::remove(path.c_str());
  std::remove(fhir.c_str());
}

TEST(FormatCommands, ConvertXmlClaimBackToTheSameProfile) {
  auto r = run(ferryCommand("convert --to xml:example-insurer-claims-1-submission" + kProfiles +
                            kSamplesDir + "xml/claim_submission.xml"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("urn:example:insurer:claims:1"), std::string::npos);
  EXPECT_NE(r.out.find("SUB-20261121-0042"), std::string::npos);
}

TEST(FormatCommands, ConvertToUnknownProfileIsAUsageError) {
  auto r = run(ferryCommand("convert --to xml:nope" + kProfiles + kSamplesDir + "xml/claim_submission.xml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no XML profile named 'nope'"), std::string::npos);
}

TEST(FormatCommands, ValidateFhirPrintsOperationOutcome) {
  const std::string path = "/tmp/ferry_cli_bad_" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << R"({"resourceType":"Patient","birthDate":"1972-13-45"})";
  auto r = run(ferryCommand("validate " + path));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("\"resourceType\":\"OperationOutcome\""), std::string::npos);
  EXPECT_NE(r.out.find("Patient.birthDate"), std::string::npos);
}

TEST(FormatCommands, ValidateConfigurationFolder) {
  // The sample HTTPS stand-ins need the demo certificates (`make run` and `make test` make them).
  ASSERT_EQ(run(std::string(FERRY_SOURCE_DIR) + "/scripts/sample-certs.sh " + kSamplesDir + "var/tls").status, 0);
  auto r = run(ferryCommand("validate " + kSamplesDir));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("configuration valid: 11 channel(s), 12 destination(s), 4 mapping(s), 3 code table(s)"),
            std::string::npos)
      << r.out;
}

TEST(FormatCommands, UnknownContentIsReportedAtByteZero) {
  const std::string path = "/tmp/ferry_cli_text_" + std::to_string(::getpid()) + ".txt";
  std::ofstream(path) << "hello";
  auto r = run(ferryCommand("parse " + path));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("byte 0: not a format Ferry reads"), std::string::npos);
}
