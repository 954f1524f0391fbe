// hl7(), json() and xpath(): reading the raw source message.

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

TEST(MappingSource, Hl7ReadsTheRawV2Message) {
  const std::string raw = oruText();
  Evaluator eval;
  eval.source = Source{Source::Format::Hl7v2, raw, nullptr};
  EXPECT_EQ(eval("hl7('PID-3[1].1')"), "MRN448812");
  EXPECT_EQ(eval("hl7('PID-3[2].4')"), "USSSA");
  EXPECT_EQ(eval("hl7('OBX[2]-3.1')"), "HBA1C");
  EXPECT_EQ(eval("hl7('ZZZ-1')"), "");
}

TEST(MappingSource, Hl7ValuesAreUnescaped) {
  const std::string raw = oruText();
  Evaluator eval;
  eval.source = Source{Source::Format::Hl7v2, raw, nullptr};
  EXPECT_EQ(eval("hl7('OBX[3]-5')"), "Fasting specimen & verified by tech | 2nd draw");
}

TEST(MappingSource, Hl7UsesAPreParsedMessage) {
  const std::string raw = oruText();
  auto parsed = hl7v2::Message::parse(raw);
  ASSERT_TRUE(parsed);
  Evaluator eval;
  eval.source = Source{Source::Format::Hl7v2, raw, &*parsed};
  EXPECT_EQ(eval("hl7('MSH-10')"), "NL-000184211");
}

TEST(MappingSource, JsonReadsTheRawFhirBundle) {
  const std::string raw = ferry::test::sample("fhir/bundle_lab_result.json");
  Evaluator eval;
  eval.source = Source{Source::Format::Json, raw, nullptr};
  EXPECT_EQ(eval("json('id')"), "b-lab-20261120-1");
  EXPECT_EQ(eval("json('entry[0].resource.birthDate')"), "1972-03-14");
  EXPECT_EQ(eval("json('entry[1].resource.code.coding[0].code')"), "2345-7");
  EXPECT_EQ(eval("json('entry[1].resource.valueQuantity.value')"), "182");
  EXPECT_EQ(eval.condition("json('entry[*].resource.resourceType') == 'Observation'"), "true");
  EXPECT_EQ(eval("json('entry[0].resource.nothing')"), "");
}

TEST(MappingSource, XpathReadsTheRawXmlWithTheMappingsPrefixes) {
  const std::string raw = ferry::test::sample("xml/claim_submission.xml");
  Evaluator eval;  // declares c = urn:example:insurer:claims:1
  eval.source = Source{Source::Format::Xml, raw, nullptr};
  EXPECT_EQ(eval("xpath('/c:ClaimSubmission/c:Claim/@id')"), "CLM-55013");
  EXPECT_EQ(eval("xpath('/c:ClaimSubmission/c:Header/c:SubmissionId')"), "SUB-20261121-0042");
  EXPECT_EQ(eval("xpath('count(//c:Line)')"), "2");
  EXPECT_EQ(eval.condition("xpath('//c:Procedure/@code') == '71046'"), "true");
  EXPECT_EQ(eval("xpath('/ClaimSubmission/Claim/@id')"), "");  // unprefixed names have no namespace
}

TEST(MappingSource, XpathRefusesADocumentWithADoctype) {
  const std::string raw =
      "<?xml version=\"1.0\"?><!DOCTYPE c [<!ENTITY x \"boom\">]><c xmlns=\"urn:example:insurer:claims:1\">&x;</c>";
  Evaluator eval;
  eval.source = Source{Source::Format::Xml, raw, nullptr};
  EXPECT_EQ(eval("coalesce(xpath('/c:c'), 'refused')"), "refused");
}

TEST(MappingSource, QueriesForAnotherFormatReadEmpty) {
  const std::string raw = oruText();
  Evaluator eval;
  eval.source = Source{Source::Format::Hl7v2, raw, nullptr};
  EXPECT_EQ(eval("coalesce(json('id'), xpath('/c:x'), 'none')"), "none");
  Evaluator none;
  EXPECT_EQ(none("coalesce(hl7('MSH-10'), 'none')"), "none");
}

}  // namespace
}  // namespace ferry::mappings::test
