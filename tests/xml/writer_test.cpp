#include "parsers/xml/writer.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "parsers/xml/reader.h"
#include "tests/xml/xml_test_support.h"

using ferry::test::compareTrees;
using ferry::test::kClaimProfile;
using ferry::test::kRemittanceProfile;
using ferry::test::shippedProfile;
using ferry::test::shippedProfiles;
using ferry::test::xmlSample;
namespace xml = ferry::xml;
namespace canonical = ferry::canonical;

namespace {

canonical::Message readOrThrow(const std::string& text) {
  xml::ReadResult result = xml::read(text, shippedProfiles());
  if (!result) throw std::runtime_error(result.error.describe());
  return std::move(*result.message);
}

std::string writeOrThrow(const canonical::Message& message, const std::string& profile) {
  xml::WriteResult result = xml::write(message, shippedProfile(profile));
  if (!result) throw std::runtime_error(result.error);
  return result.xml;
}

std::vector<std::string> childNames(const pugi::xml_node& node) {
  std::vector<std::string> names;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) names.emplace_back(child.name());
  }
  return names;
}

// A claim as a FHIR or HL7 v2 codec would produce it: no XML extensions, more fields than the
// insurer format carries.
canonical::Message claimFromElsewhere() {
  canonical::Message message;
  message.header.source_format = "fhir";
  message.patient.names.push_back({"Testperson", {"Adaline", "Q"}, "", "", "official"});
  message.patient.birth_date = "1972-03-14";
  message.patient.sex = "female";
  canonical::Claim claim;
  claim.claim_id = "CLM-9";
  claim.submission_id = "SUB-9";
  claim.type.code = "professional";
  claim.created = "2026-12-01";
  claim.payer.identifier.value = "INS001";
  claim.member.value = "MEM-1";
  canonical::ClaimItem item;
  item.sequence = 1;
  item.code.codings.push_back({"http://www.ama-assn.org/go/cpt", "99213", "Office visit"});
  item.quantity = "1";
  item.unit_price = "75.00";
  item.net = "75.00";
  claim.items.push_back(item);
  claim.total = "75.00";
  claim.currency = "USD";
  message.claims.push_back(claim);
  return message;
}

}  // namespace

TEST(XmlWriter, ClaimSubmissionRoundTripGivesTheSameTree) {
  const std::string original = xmlSample("claim_submission.xml");
  const std::string written = writeOrThrow(readOrThrow(original), kClaimProfile);
  EXPECT_EQ(compareTrees(original, written), "") << written;
}

TEST(XmlWriter, RemittanceRoundTripGivesTheSameTree) {
  const std::string original = xmlSample("remittance.xml");
  const std::string written = writeOrThrow(readOrThrow(original), kRemittanceProfile);
  EXPECT_EQ(compareTrees(original, written), "") << written;
}

TEST(XmlWriter, WrittenDocumentReadsBackToTheSameMessage) {
  for (const std::string name : {"claim_submission.xml", "remittance.xml"}) {
    const canonical::Message first = readOrThrow(xmlSample(name));
    const std::string profile = first.header.message_structure;
    const canonical::Message second = readOrThrow(writeOrThrow(first, profile));
    EXPECT_EQ(first, second) << name;
  }
}

TEST(XmlWriter, WritesTheProfileNamespaceAsTheDefaultNamespace) {
  const std::string written = writeOrThrow(readOrThrow(xmlSample("claim_submission.xml")), kClaimProfile);
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(written.c_str()));
  const pugi::xml_node root = document.document_element();
  EXPECT_STREQ(root.name(), "ClaimSubmission");
  EXPECT_STREQ(root.attribute("xmlns").value(), "urn:example:insurer:claims:1");
  EXPECT_STREQ(root.first_attribute().name(), "xmlns");
  EXPECT_STREQ(root.attribute("version").value(), "1.2");
  EXPECT_EQ(written.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_EQ(written.find("c:"), std::string::npos) << "no prefixed element names";
}

TEST(XmlWriter, WritesElementsInTheOrderTheProfileListsThem) {
  const std::string written = writeOrThrow(readOrThrow(xmlSample("claim_submission.xml")), kClaimProfile);
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(written.c_str()));
  const pugi::xml_node root = document.document_element();
  EXPECT_EQ(childNames(root), (std::vector<std::string>{"Header", "Claim"}));
  EXPECT_EQ(childNames(root.child("Header")),
            (std::vector<std::string>{"SubmissionId", "Created", "Sender", "Payer"}));
  EXPECT_EQ(childNames(root.child("Claim")),
            (std::vector<std::string>{"Member", "Encounter", "AttendingProvider", "Diagnoses", "Lines", "Total"}));
  EXPECT_EQ(childNames(root.child("Claim").child("Lines").child("Line")),
            (std::vector<std::string>{"Procedure", "Quantity", "Charge"}));
}

TEST(XmlWriter, SchemaOrderHoldsWhenValuesArriveInAnotherOrder) {
  // The header's fields are listed before the claim, but the Payer element is named last here:
  // elementOrder puts it before Sender all the same.
  const std::string profile_json = R"({
    "schema": "ferry.xml-profile/v1", "name": "ordered", "version": "1", "kind": "claim",
    "namespaces": {"o": "urn:ordered"}, "root": {"name": "Doc", "namespace": "urn:ordered"},
    "write": {"elementOrder": {"o:Doc": ["o:Payer", "o:Sender", "o:Total"]}},
    "mappings": [
      {"field": "claims[].total", "path": "o:Total"},
      {"field": "claims[].provider.name", "path": "o:Sender"},
      {"field": "claims[].payer.name", "path": "o:Payer"}
    ]})";
  const xml::Profile profile = xml::Profile::parse(profile_json, "inline");
  canonical::Message message;
  message.claims.emplace_back();
  message.claims[0].total = "1.00";
  message.claims[0].provider.name = "P";
  message.claims[0].payer.name = "Q";
  const xml::WriteResult written = xml::write(message, profile);
  ASSERT_TRUE(written) << written.error;
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(written.xml.c_str()));
  EXPECT_EQ(childNames(document.document_element()), (std::vector<std::string>{"o:Payer", "o:Sender", "o:Total"}));
  EXPECT_STREQ(document.document_element().attribute("xmlns:o").value(), "urn:ordered");
}

TEST(XmlWriter, WritesAClaimFromAnotherSourceWithTheInsurersCodes) {
  const std::string written = writeOrThrow(claimFromElsewhere(), kClaimProfile);
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(written.c_str()));
  const pugi::xml_node claim = document.document_element().child("Claim");
  EXPECT_STREQ(claim.attribute("id").value(), "CLM-9");
  EXPECT_STREQ(claim.attribute("type").value(), "professional");
  EXPECT_STREQ(claim.child("Member").child_value("Sex"), "F");
  EXPECT_STREQ(claim.child("Member").child("Name").attribute("given").value(), "Adaline");
  const pugi::xml_node line = claim.child("Lines").child("Line");
  EXPECT_STREQ(line.child("Procedure").attribute("system").value(), "CPT");
  EXPECT_STREQ(line.child("Procedure").attribute("code").value(), "99213");
  EXPECT_STREQ(line.child_value("Charge"), "75.00");
  EXPECT_STREQ(line.child("Charge").attribute("currency").value(), "USD");
  EXPECT_FALSE(claim.child("Encounter")) << "no empty elements for absent values";
  EXPECT_FALSE(claim.child("Diagnoses"));
}

TEST(XmlWriter, ExtensionsFromOtherFormatsAreNotWritten) {
  canonical::Message message = claimFromElsewhere();
  message.extensions.push_back({"ZPV", "hl7v2", "ZPV|VIP^N"});
  message.extensions.push_back({"/x:Other/x:Thing[1]/@a", "xml", "1"});
  const std::string written = writeOrThrow(message, kClaimProfile);
  EXPECT_EQ(written.find("ZPV"), std::string::npos);
  EXPECT_EQ(written.find("Thing"), std::string::npos);
}

TEST(XmlWriter, UnmappedElementIsWrittenBackWhole) {
  std::string original = xmlSample("claim_submission.xml");
  const std::string remark = "<Remarks xmlns:z=\"urn:z\"><z:Note lang=\"en\">Call &amp; confirm</z:Note></Remarks>";
  original.insert(original.find("    <Total "), "    " + remark + "\n");
  const canonical::Message message = readOrThrow(original);
  ASSERT_EQ(message.extensions.size(), 1u);
  EXPECT_EQ(message.extensions[0].path, "/c:ClaimSubmission/c:Claim[1]/c:Remarks[1]");
  const std::string written = writeOrThrow(message, kClaimProfile);
  // Unknown to the profile, the element goes after the known ones.
  std::string expected = xmlSample("claim_submission.xml");
  expected.insert(expected.find("  </Claim>"), "    " + remark + "\n");
  EXPECT_EQ(compareTrees(expected, written), "") << written;
}

TEST(XmlWriter, FailsWithoutAClaim) {
  canonical::Message message;
  const xml::WriteResult result = xml::write(message, shippedProfile(kClaimProfile));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error.find("no claim"), std::string::npos) << result.error;
}

TEST(XmlWriter, FailsWhenARequiredValueIsEmpty) {
  canonical::Message message = claimFromElsewhere();
  message.claims[0].total.clear();
  const xml::WriteResult result = xml::write(message, shippedProfile(kClaimProfile));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error.find("claims[].total"), std::string::npos) << result.error;
}

TEST(XmlWriter, FailsWhenAOneClaimProfileGetsSeveralClaims) {
  canonical::Message message = claimFromElsewhere();
  message.claims.push_back(message.claims[0]);
  const xml::WriteResult result =
      xml::write(message, shippedProfile("forum-datenaustausch-generalinvoice-4.5-request"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error.find("one claim per document"), std::string::npos) << result.error;
}

TEST(XmlWriter, WritesSeveralClaimsUnderOneSubmissionHeader) {
  canonical::Message message = claimFromElsewhere();
  message.claims.push_back(message.claims[0]);
  message.claims[1].claim_id = "CLM-10";
  const std::string written = writeOrThrow(message, kClaimProfile);
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(written.c_str()));
  EXPECT_EQ(childNames(document.document_element()), (std::vector<std::string>{"Header", "Claim", "Claim"}));
  const canonical::Message back = readOrThrow(written);
  ASSERT_EQ(back.claims.size(), 2u);
  EXPECT_EQ(back.claims[1].claim_id, "CLM-10");
  EXPECT_EQ(back.claims[1].submission_id, "SUB-9");
}
