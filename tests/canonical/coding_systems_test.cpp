// Specification of code system and identifier namespace names (parsers/terminology/coding_systems.h).
#include "parsers/terminology/coding_systems.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::terminology {
namespace {

TEST(CodingSystems, WellKnownV2IdsMapToFhirUris) {
  EXPECT_EQ(codingSystemUri("LN"), "http://loinc.org");
  EXPECT_EQ(codingSystemUri("SCT"), "http://snomed.info/sct");
  EXPECT_EQ(codingSystemUri("UCUM"), "http://unitsofmeasure.org");
  EXPECT_EQ(codingSystemUri("CVX"), "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(codingSystemUri("MVX"), "http://hl7.org/fhir/sid/mvx");
  EXPECT_EQ(codingSystemUri("I10"), "http://hl7.org/fhir/sid/icd-10");
  EXPECT_EQ(codingSystemUri("I10C"), "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(codingSystemUri("NCIT"), "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl");
  EXPECT_EQ(codingSystemUri("CDCREC"), "urn:oid:2.16.840.1.113883.6.238");
}

TEST(CodingSystems, Hl7TablesMapToTerminologyHl7OrgCodeSystems) {
  EXPECT_EQ(codingSystemUri("HL70163"), "http://terminology.hl7.org/CodeSystem/v2-0163");
  EXPECT_EQ(codingSystemUri("HL70078"), "http://terminology.hl7.org/CodeSystem/v2-0078");
}

TEST(CodingSystems, UnknownIdIsReturnedUnchanged) {
  EXPECT_EQ(codingSystemUri("L"), "L");
  EXPECT_EQ(codingSystemUri("99LAB"), "99LAB");
  EXPECT_EQ(codingSystemUri(""), "");
  EXPECT_EQ(codingSystemUri("ln"), "ln");
}

TEST(CodingSystems, UnknownIdIsAViewOfTheInput) {
  const std::string local = "99LAB";
  EXPECT_EQ(codingSystemUri(local).data(), local.data());
}

TEST(CodingSystems, UriMapsBackToTheV2Id) {
  EXPECT_EQ(v2CodingSystemId("http://loinc.org"), "LN");
  EXPECT_EQ(v2CodingSystemId("http://unitsofmeasure.org"), "UCUM");
  EXPECT_EQ(v2CodingSystemId("http://terminology.hl7.org/CodeSystem/v2-0163"), "HL70163");
}

TEST(CodingSystems, CptUriGoesBackAsTable0396CodeC4) {
  EXPECT_EQ(codingSystemUri("CPT"), "http://www.ama-assn.org/go/cpt");
  EXPECT_EQ(v2CodingSystemId("http://www.ama-assn.org/go/cpt"), "C4");
}

TEST(CodingSystems, UnknownUriIsReturnedUnchanged) {
  EXPECT_EQ(v2CodingSystemId("http://example.org/codes"), "http://example.org/codes");
}

TEST(CodingSystems, WellKnownAssigningAuthoritiesMapToIdentifierSystems) {
  EXPECT_EQ(identifierSystemUri("NPI"), "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(identifierSystemUri("USSSA"), "http://hl7.org/fhir/sid/us-ssn");
  EXPECT_EQ(identifierSystemUri("CITYHOSP"), "CITYHOSP");
}

}  // namespace
}  // namespace ferry::terminology
