// A second insurer format added as a profile file only: the Swiss generalInvoice 4.5 request
// (Forum Datenaustausch) is read and written by the same code path as the example insurer,
// with the profile directory as the only difference.

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "parsers/xml/reader.h"
#include "parsers/xml/writer.h"
#include "tests/xml/xml_test_support.h"

using ferry::test::compareTrees;
using ferry::test::profilesDirectory;
using ferry::test::xmlSample;
namespace xml = ferry::xml;
namespace canonical = ferry::canonical;

namespace {

const std::string kProfile = "forum-datenaustausch-generalinvoice-4.5-request";

// Loaded here from the directory, exactly as the engine does, rather than shared with the
// other tests.
const xml::ProfileSet& profiles() {
  static const xml::ProfileSet set = xml::ProfileSet::load(profilesDirectory());
  return set;
}

canonical::Message readInvoice() {
  xml::ReadResult result = xml::read(xmlSample("generalinvoice_request.xml"), profiles());
  if (!result) throw std::runtime_error(result.error.describe());
  return std::move(*result.message);
}

}  // namespace

TEST(GeneralInvoice, TheProfileFolderChoosesTheGeneralInvoiceProfile) {
  const xml::ReadResult result = xml::read(xmlSample("generalinvoice_request.xml"), profiles());
  ASSERT_TRUE(result) << result.error.describe();
  EXPECT_EQ(result.profile->name(), kProfile);
  EXPECT_EQ(result.message->header.source_format, "xml");
  EXPECT_EQ(result.message->header.message_type, "request");
}

TEST(GeneralInvoice, ReadsTheInvoiceAsAClaim) {
  const canonical::Message message = readInvoice();
  ASSERT_EQ(message.claims.size(), 1u);
  const canonical::Claim& claim = message.claims[0];
  EXPECT_EQ(claim.claim_id, "RE-2026-004211");
  EXPECT_EQ(claim.created, "2026-11-21T10:12:00");
  EXPECT_EQ(claim.status, "active");
  EXPECT_EQ(claim.type.code, "institutional");
  EXPECT_EQ(claim.provider.identifier.value, "7609999000019");
  EXPECT_EQ(claim.provider.identifier.system, "urn:oid:2.51.1.3");
  EXPECT_EQ(claim.provider.name, "Spital Musterstadt");
  EXPECT_EQ(claim.payer.identifier.value, "7609999000095");
  EXPECT_EQ(claim.payer.name, "Beispiel Krankenversicherung AG");
  EXPECT_EQ(claim.member.value, "80756999990000000001");
  EXPECT_EQ(claim.service_start, "2026-11-19");
  EXPECT_EQ(claim.service_end, "2026-11-21");
  EXPECT_EQ(claim.total, "1136.40");
  EXPECT_EQ(claim.currency, "CHF");
  ASSERT_EQ(claim.diagnoses.size(), 1u);
  EXPECT_EQ(claim.diagnoses[0].code.codings.at(0).system, "http://hl7.org/fhir/sid/icd-10");
  EXPECT_EQ(claim.diagnoses[0].code.codings.at(0).code, "J18.9");
}

TEST(GeneralInvoice, ReadsEachService) {
  const canonical::Claim claim = readInvoice().claims.at(0);
  ASSERT_EQ(claim.items.size(), 3u);
  const std::vector<std::string> codes{"00.0010", "39.0020", "STAY-DAY"};
  const std::vector<std::string> quantities{"1", "1", "2"};
  const std::vector<std::string> nets{"9.57", "126.83", "1000.00"};
  const std::vector<std::string> unit_prices{"9.57", "126.83", "500"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(claim.items[i].sequence, i + 1);
    EXPECT_EQ(claim.items[i].code.codings.at(0).code, codes[i]);
    EXPECT_EQ(claim.items[i].quantity, quantities[i]);
    EXPECT_EQ(claim.items[i].net, nets[i]);
    EXPECT_EQ(claim.items[i].unit_price, unit_prices[i]);
    EXPECT_EQ(claim.items[i].service_date, "2026-11-19");
  }
  EXPECT_EQ(claim.items[0].code.codings[0].system, "001");
  EXPECT_EQ(claim.items[1].code.codings[0].display, "Thorax-R\xC3\xB6ntgen, zwei Ebenen");
}

TEST(GeneralInvoice, ReadsThePatientAndTheTreatingPhysician) {
  const canonical::Message message = readInvoice();
  EXPECT_EQ(message.patient.names.at(0).family, "Beispiel");
  EXPECT_EQ(message.patient.names.at(0).given, std::vector<std::string>{"Lena"});
  EXPECT_EQ(message.patient.birth_date, "1984-06-12");
  EXPECT_EQ(message.patient.sex, "female");
  EXPECT_EQ(message.patient.identifiers.at(0).value, "7569999999991");
  EXPECT_EQ(message.patient.addresses.at(0).lines, std::vector<std::string>{"Lindenweg 7"});
  EXPECT_EQ(message.patient.addresses.at(0).postal_code, "9998");
  EXPECT_EQ(message.patient.addresses.at(0).city, "Musterdorf");
  const canonical::Practitioner& physician = message.encounter.attending.at(0);
  EXPECT_EQ(physician.identifier.value, "7609999000026");
  EXPECT_EQ(physician.name.family, "Muster");
  EXPECT_EQ(physician.name.prefix, "Dr. med.");
  EXPECT_EQ(message.encounter.admit_time, "2026-11-19");
  EXPECT_EQ(message.coverages.at(0).member_id, "80756999990000000001");
}

TEST(GeneralInvoice, WhatTheProfileDoesNotMapIsKept) {
  const canonical::Message message = readInvoice();
  auto has = [&](const std::string& path) {
    for (const auto& extension : message.extensions) {
      if (extension.path == path) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("/invoice:request/@xsi:schemaLocation"));
  EXPECT_TRUE(has("/invoice:request/invoice:processing[1]"));
  EXPECT_TRUE(has("/invoice:request/invoice:payload[1]/invoice:body[1]/invoice:esrQR[1]"));
  EXPECT_TRUE(has("/invoice:request/invoice:payload[1]/invoice:body[1]/invoice:services[1]/invoice:service[3]/@provider_id"));
}

TEST(GeneralInvoice, WritesBackTheSameTree) {
  const std::string original = xmlSample("generalinvoice_request.xml");
  const xml::WriteResult written = xml::write(readInvoice(), *profiles().find(kProfile));
  ASSERT_TRUE(written) << written.error;
  EXPECT_EQ(compareTrees(original, written.xml), "") << written.xml;
  EXPECT_NE(written.xml.find("<invoice:request xmlns:invoice=\"http://www.forum-datenaustausch.ch/invoice\""),
            std::string::npos)
      << written.xml.substr(0, 300);
}

TEST(GeneralInvoice, WrittenInvoiceReadsBackToTheSameMessage) {
  const canonical::Message first = readInvoice();
  const xml::WriteResult written = xml::write(first, *profiles().find(kProfile));
  ASSERT_TRUE(written) << written.error;
  const xml::ReadResult second = xml::read(written.xml, profiles());
  ASSERT_TRUE(second) << second.error.describe();
  EXPECT_EQ(first, *second.message);
}

TEST(GeneralInvoice, TheExampleInsurersClaimBecomesAGeneralInvoice) {
  xml::ReadResult source = xml::read(xmlSample("claim_submission.xml"), profiles());
  ASSERT_TRUE(source) << source.error.describe();
  const xml::WriteResult written = xml::write(*source.message, *profiles().find(kProfile));
  ASSERT_TRUE(written) << written.error;
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(written.xml.c_str()));
  const pugi::xml_node body = document.document_element().child("invoice:payload").child("invoice:body");
  EXPECT_STREQ(body.attribute("role").value(), "hospital");
  const pugi::xml_node patient = body.child("invoice:tiers_garant").child("invoice:patient");
  EXPECT_STREQ(patient.attribute("gender").value(), "male");
  EXPECT_STREQ(patient.attribute("birthdate").value(), "1958-01-02T00:00:00");
  const pugi::xml_node service = body.child("invoice:services").child("invoice:service");
  EXPECT_STREQ(service.attribute("code").value(), "99223");
  EXPECT_STREQ(service.attribute("amount").value(), "410.00");
  EXPECT_STREQ(service.attribute("date_begin").value(), "2026-11-19T00:00:00");

  const xml::ReadResult back = xml::read(written.xml, profiles());
  ASSERT_TRUE(back) << back.error.describe();
  const canonical::Claim& claim = back.message->claims.at(0);
  EXPECT_EQ(claim.claim_id, "CLM-55013");
  EXPECT_EQ(claim.total, "506.50");
  EXPECT_EQ(claim.items, source.message->claims[0].items);
}
