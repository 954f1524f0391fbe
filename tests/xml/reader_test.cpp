#include "parsers/xml/reader.h"

#include <gtest/gtest.h>

#include "tests/xml/xml_test_support.h"

using ferry::test::kClaimProfile;
using ferry::test::kRemittanceProfile;
using ferry::test::shippedProfile;
using ferry::test::shippedProfiles;
using ferry::test::xmlSample;
namespace xml = ferry::xml;
namespace canonical = ferry::canonical;

namespace {

canonical::Message readSample(const std::string& name) {
  xml::ReadResult result = xml::read(xmlSample(name), shippedProfiles());
  if (!result) throw std::runtime_error(name + ": " + result.error.describe());
  return std::move(*result.message);
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST(XmlReader, ChoosesTheProfileByRootElementAndNamespace) {
  xml::ReadResult result = xml::read(xmlSample("claim_submission.xml"), shippedProfiles());
  ASSERT_TRUE(result) << result.error.describe();
  ASSERT_NE(result.profile, nullptr);
  EXPECT_EQ(result.profile->name(), kClaimProfile);
  EXPECT_EQ(result.message->header.source_format, "xml");
  EXPECT_EQ(result.message->header.message_type, "ClaimSubmission");
  EXPECT_EQ(result.message->header.message_structure, kClaimProfile);
  EXPECT_EQ(result.message->header.version, "1.2");
}

TEST(XmlReader, ReadsTheClaimHeader) {
  const canonical::Message message = readSample("claim_submission.xml");
  ASSERT_EQ(message.claims.size(), 1u);
  const canonical::Claim& claim = message.claims[0];
  EXPECT_EQ(claim.claim_id, "CLM-55013");
  EXPECT_EQ(claim.submission_id, "SUB-20261121-0042");
  EXPECT_EQ(claim.status, "active");
  EXPECT_EQ(claim.type.code, "institutional");
  EXPECT_EQ(claim.type.system, "http://terminology.hl7.org/CodeSystem/claim-type");
  EXPECT_EQ(claim.created, "2026-11-21T09:12:00-05:00");
  EXPECT_EQ(claim.service_start, "2026-11-19");
  EXPECT_EQ(claim.service_end, "2026-11-21");
  EXPECT_EQ(message.header.control_id, "SUB-20261121-0042");
  EXPECT_EQ(message.header.message_datetime, "2026-11-21T09:12:00-05:00");
  EXPECT_EQ(message.header.sending_facility, "CITYHOSP");
}

TEST(XmlReader, ReadsProviderAndPayer) {
  const canonical::Claim claim = readSample("claim_submission.xml").claims.at(0);
  EXPECT_EQ(claim.provider.identifier.value, "1992753880");
  EXPECT_EQ(claim.provider.identifier.system, "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(claim.provider.name, "City Hospital");
  EXPECT_EQ(claim.payer.identifier.value, "INS001");
  EXPECT_EQ(claim.payer.name, "Acme Health Plans");
}

TEST(XmlReader, ReadsTheMemberIntoPatientClaimAndCoverage) {
  const canonical::Message message = readSample("claim_submission.xml");
  const canonical::Claim& claim = message.claims.at(0);
  EXPECT_EQ(claim.member.value, "GRP-7788-001");
  EXPECT_EQ(claim.member.system, "INS001");
  EXPECT_EQ(claim.member.type, "MB");
  ASSERT_EQ(message.patient.names.size(), 1u);
  EXPECT_EQ(message.patient.names[0].family, "Samplename");
  EXPECT_EQ(message.patient.names[0].given, std::vector<std::string>{"Bertram"});
  EXPECT_EQ(message.patient.birth_date, "1958-01-02");
  EXPECT_EQ(message.patient.sex, "male");
  ASSERT_EQ(message.coverages.size(), 1u);
  EXPECT_EQ(message.coverages[0].member_id, "GRP-7788-001");
  EXPECT_EQ(message.coverages[0].group_number, "GRP-7788");
  EXPECT_EQ(message.coverages[0].payer.identifier.value, "INS001");
  EXPECT_EQ(message.coverages[0].payer.name, "Acme Health Plans");
}

TEST(XmlReader, ReadsTheEncounterAndAttendingClinician) {
  const canonical::Message message = readSample("claim_submission.xml");
  EXPECT_EQ(message.encounter.visit_number.value, "V55013");
  EXPECT_EQ(message.encounter.admit_time, "2026-11-19");
  EXPECT_EQ(message.encounter.discharge_time, "2026-11-21");
  ASSERT_EQ(message.encounter.attending.size(), 1u);
  const canonical::Practitioner& attending = message.encounter.attending[0];
  EXPECT_EQ(attending.identifier.value, "2233445566");
  EXPECT_EQ(attending.identifier.system, "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(attending.name.family, "Okafor");
  EXPECT_EQ(attending.name.given, std::vector<std::string>{"Ngozi"});
}

TEST(XmlReader, ReadsDiagnoses) {
  const canonical::Claim claim = readSample("claim_submission.xml").claims.at(0);
  ASSERT_EQ(claim.diagnoses.size(), 1u);
  EXPECT_EQ(claim.diagnoses[0].sequence, 1u);
  ASSERT_EQ(claim.diagnoses[0].code.codings.size(), 1u);
  const canonical::Coding& coding = claim.diagnoses[0].code.codings[0];
  EXPECT_EQ(coding.system, "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(coding.code, "J18.9");
  EXPECT_EQ(coding.display, "Pneumonia, unspecified organism");
}

TEST(XmlReader, ReadsEachServiceLine) {
  const canonical::Claim claim = readSample("claim_submission.xml").claims.at(0);
  ASSERT_EQ(claim.items.size(), 2u);
  EXPECT_EQ(claim.items[0].sequence, 1u);
  EXPECT_EQ(claim.items[0].code.codings.at(0).system, "http://www.ama-assn.org/go/cpt");
  EXPECT_EQ(claim.items[0].code.codings.at(0).code, "99223");
  EXPECT_EQ(claim.items[0].quantity, "1");
  EXPECT_EQ(claim.items[0].net, "410.00");
  EXPECT_EQ(claim.items[0].service_date, "2026-11-19");
  EXPECT_EQ(claim.items[1].sequence, 2u);
  EXPECT_EQ(claim.items[1].code.codings.at(0).code, "71046");
  EXPECT_EQ(claim.items[1].quantity, "1");
  EXPECT_EQ(claim.items[1].net, "96.50");
  EXPECT_EQ(claim.items[1].service_date, "2026-11-19");
}

TEST(XmlReader, ReadsTotalsAndCurrency) {
  const canonical::Claim claim = readSample("claim_submission.xml").claims.at(0);
  EXPECT_EQ(claim.total, "506.50");
  EXPECT_EQ(claim.currency, "USD");
}

TEST(XmlReader, EverySampleValueIsMappedSoNothingIsKeptAsExtension) {
  EXPECT_TRUE(readSample("claim_submission.xml").extensions.empty());
}

TEST(XmlReader, ReadsRemittanceLinesAndAdjustments) {
  const canonical::Message message = readSample("remittance.xml");
  ASSERT_EQ(message.claim_responses.size(), 1u);
  const canonical::ClaimResponse& response = message.claim_responses[0];
  EXPECT_EQ(response.response_id, "REM-88120");
  EXPECT_EQ(response.created, "2026-11-24T16:00:00-05:00");
  EXPECT_EQ(response.payer.identifier.value, "INS001");
  EXPECT_EQ(response.payer.name, "Acme Health Plans");
  EXPECT_EQ(response.status, "active");
  EXPECT_EQ(response.outcome, "partial");
  EXPECT_EQ(response.total_paid, "304.00");
  EXPECT_EQ(response.currency, "USD");
  ASSERT_EQ(response.items.size(), 2u);
  EXPECT_EQ(response.items[0].item_sequence, 1u);
  EXPECT_EQ(response.items[0].allowed, "380.00");
  EXPECT_EQ(response.items[0].paid, "304.00");
  EXPECT_EQ(response.items[0].patient_share, "76.00");
  EXPECT_TRUE(response.items[0].adjustments.empty());
  EXPECT_EQ(response.items[1].item_sequence, 2u);
  EXPECT_EQ(response.items[1].allowed, "0.00");
  EXPECT_EQ(response.items[1].paid, "0.00");
  EXPECT_EQ(response.items[1].patient_share, "0.00");
  ASSERT_EQ(response.items[1].adjustments.size(), 1u);
  EXPECT_EQ(response.items[1].adjustments[0].group_code, "CO");
  EXPECT_EQ(response.items[1].adjustments[0].reason_code, "50");
  EXPECT_EQ(response.items[1].adjustments[0].amount, "");
}

TEST(XmlReader, RemittanceIsLinkedToItsClaimByClaimIdAndSubmissionId) {
  const canonical::Claim claim = readSample("claim_submission.xml").claims.at(0);
  const canonical::ClaimResponse response = readSample("remittance.xml").claim_responses.at(0);
  EXPECT_EQ(response.claim_id, "CLM-55013");
  EXPECT_EQ(response.submission_id, "SUB-20261121-0042");
  EXPECT_EQ(response.claim_id, claim.claim_id);
  EXPECT_EQ(response.submission_id, claim.submission_id);
  ASSERT_EQ(response.items.size(), claim.items.size());
  for (std::size_t i = 0; i < claim.items.size(); ++i) {
    EXPECT_EQ(response.items[i].item_sequence, claim.items[i].sequence);
  }
}

TEST(XmlReader, UnmappedTextIsKeptAsAnExtensionWithItsPath) {
  const canonical::Message message = readSample("remittance.xml");
  ASSERT_EQ(message.extensions.size(), 1u);
  EXPECT_EQ(message.extensions[0].path, "/c:Remittance/c:ClaimResult[1]/c:Line[2]/c:Adjustment[1]/text()");
  EXPECT_EQ(message.extensions[0].format, "xml");
  EXPECT_EQ(message.extensions[0].raw, "Not medically necessary");
}

TEST(XmlReader, AnyPrefixForTheProfileNamespaceReadsTheSame) {
  const std::string original = xmlSample("claim_submission.xml");
  std::string prefixed = replaceAll(original, "<", "<ins:");
  prefixed = replaceAll(prefixed, "<ins:/", "</ins:");
  prefixed = replaceAll(prefixed, "<ins:?", "<?");
  prefixed = replaceAll(prefixed, "<ins:!", "<!");
  prefixed = replaceAll(prefixed, "xmlns=", "xmlns:ins=");
  ASSERT_NE(prefixed.find("<ins:Claim id="), std::string::npos);
  xml::ReadResult result = xml::read(prefixed, shippedProfiles());
  ASSERT_TRUE(result) << result.error.describe();
  EXPECT_EQ(*result.message, readSample("claim_submission.xml"));
}

TEST(XmlReader, ElementsOfAnotherNamespaceDoNotMatchTheProfile) {
  std::string xml = xmlSample("claim_submission.xml");
  xml = replaceAll(xml, "<Claim id=", "<Claim xmlns=\"urn:other\" id=");
  xml::ReadResult result = xml::read(xml, shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::MissingValue);
  EXPECT_NE(result.error.text.find("no claim"), std::string::npos) << result.error.text;
}

TEST(XmlReader, MissingRequiredValueNamesFieldAndPath) {
  std::string xml = replaceAll(xmlSample("claim_submission.xml"), "<Total currency=\"USD\">506.50</Total>", "");
  xml::ReadResult result = xml::read(xml, shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::MissingValue);
  EXPECT_EQ(result.error.path, "/c:ClaimSubmission/c:Claim[1]");
  EXPECT_NE(result.error.text.find("claims[].total"), std::string::npos) << result.error.text;
}

TEST(XmlReader, SequenceThatIsNotANumberIsAnInvalidValue) {
  std::string xml = replaceAll(xmlSample("claim_submission.xml"), "<Line seq=\"2\"", "<Line seq=\"two\"");
  xml::ReadResult result = xml::read(xml, shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::InvalidValue);
  EXPECT_EQ(result.error.path, "/c:ClaimSubmission/c:Claim[1]/c:Lines[1]/c:Line[2]");
  EXPECT_NE(result.error.text.find("'two'"), std::string::npos) << result.error.text;
}

TEST(XmlReader, SeveralClaimsShareTheSubmissionHeader) {
  const std::string original = xmlSample("claim_submission.xml");
  const std::size_t begin = original.find("  <Claim ");
  const std::size_t end = original.find("</Claim>") + 9;
  std::string second = original.substr(begin, end - begin);
  second = replaceAll(second, "CLM-55013", "CLM-55014");
  std::string xml = original;
  xml.insert(end, second);
  xml::ReadResult result = xml::read(xml, shippedProfiles());
  ASSERT_TRUE(result) << result.error.describe();
  ASSERT_EQ(result.message->claims.size(), 2u);
  EXPECT_EQ(result.message->claims[0].claim_id, "CLM-55013");
  EXPECT_EQ(result.message->claims[1].claim_id, "CLM-55014");
  EXPECT_EQ(result.message->claims[1].submission_id, "SUB-20261121-0042");
  EXPECT_EQ(result.message->claims[1].payer.name, "Acme Health Plans");
  EXPECT_EQ(result.message->claims[1].items.size(), 2u);
}

TEST(XmlReader, ReadsWithAProfileNamedByTheCaller) {
  xml::ReadResult result = xml::read(xmlSample("remittance.xml"), shippedProfile(kRemittanceProfile));
  ASSERT_TRUE(result) << result.error.describe();
  EXPECT_EQ(result.message->claim_responses.at(0).claim_id, "CLM-55013");
}

TEST(XmlReader, ProfileNamedByTheCallerMustMatchTheRoot) {
  xml::ReadResult result = xml::read(xmlSample("remittance.xml"), shippedProfile(kClaimProfile));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::UnknownRoot);
  EXPECT_NE(result.error.text.find("'Remittance'"), std::string::npos) << result.error.text;
}

TEST(XmlReader, UnknownRootListsTheKnownProfiles) {
  xml::ReadResult result = xml::read("<Invoice xmlns=\"urn:example:other\"/>", shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::UnknownRoot);
  EXPECT_NE(result.error.text.find("'Invoice' in namespace 'urn:example:other'"), std::string::npos)
      << result.error.text;
  EXPECT_NE(result.error.text.find(kClaimProfile), std::string::npos) << result.error.text;
  EXPECT_NE(result.error.text.find(kRemittanceProfile), std::string::npos) << result.error.text;
  EXPECT_NE(result.error.text.find("forum-datenaustausch-generalinvoice-4.5-request"), std::string::npos);
}

TEST(XmlReader, KnownRootNameInAnotherNamespaceIsUnknown) {
  xml::ReadResult result = xml::read("<ClaimSubmission xmlns=\"urn:example:insurer:claims:2\"/>", shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::UnknownRoot);
}

TEST(XmlReader, UndeclaredPrefixIsMalformed) {
  xml::ReadResult result = xml::read(
      "<ClaimSubmission xmlns=\"urn:example:insurer:claims:1\"><x:Header/></ClaimSubmission>",
      shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::Malformed);
  EXPECT_NE(result.error.text.find("'x'"), std::string::npos) << result.error.text;
  EXPECT_EQ(result.error.offset, 55u);  // the '<' of <x:Header/>
}

TEST(XmlReader, ReadsFromAStreamAndAFile) {
  std::istringstream in(xmlSample("claim_submission.xml"));
  xml::ReadResult from_stream = xml::read(in, shippedProfiles());
  ASSERT_TRUE(from_stream) << from_stream.error.describe();
  xml::ReadResult from_file = xml::readFile(
      std::string(FERRY_SOURCE_DIR) + "/samples/xml/claim_submission.xml", shippedProfiles());
  ASSERT_TRUE(from_file) << from_file.error.describe();
  EXPECT_EQ(*from_stream.message, *from_file.message);
}

TEST(XmlReader, MissingFileIsAnIoError) {
  xml::ReadResult result = xml::readFile("/nonexistent/claim.xml", shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::Io);
}
