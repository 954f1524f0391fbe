// The lab and national-reporting fields (tests/support/lab_reporting_message.h) from HL7 v2 to
// FHIR R4 where HL7's v2-to-FHIR segment maps put them, and from FHIR back to the same canonical
// values.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "parsers/fhir/writer.h"
#include "tests/fhir/fhir_test_support.h"
#include "tests/support/lab_reporting_message.h"

namespace ferry::fhir {
namespace {

const rapidjson::Value* resource(const rapidjson::Document& bundle, const char* type) {
  for (const auto& e : bundle["entry"].GetArray()) {
    if (std::string(e["resource"]["resourceType"].GetString()) == type) return &e["resource"];
  }
  ADD_FAILURE() << "no " << type;
  return nullptr;
}

// The contained resource a "#id" reference names.
const rapidjson::Value* contained(const rapidjson::Value& r, const rapidjson::Value& reference) {
  const std::string id = std::string(reference["reference"].GetString()).substr(1);
  for (const auto& c : r["contained"].GetArray()) {
    if (id == c["id"].GetString()) return &c;
  }
  ADD_FAILURE() << "no contained " << id;
  return nullptr;
}

class LabReportingToFhir : public ::testing::Test {
 protected:
  canonical::Message v2 = ferry::test::normalizedLabReport(ferry::test::kLabReporting);
  std::string json = writeBundle(v2, BundleType::Transaction);
  rapidjson::Document bundle = [this] {
    rapidjson::Document d;
    d.Parse(json.c_str());
    return d;
  }();
};

TEST_F(LabReportingToFhir, IsValidR4) { EXPECT_TRUE(test::errorsOf(json).empty()) << describe(test::errorsOf(json)); }

TEST_F(LabReportingToFhir, PatientElements) {
  const rapidjson::Value* p = resource(bundle, "Patient");
  ASSERT_NE(p, nullptr);
  bool maiden = false;
  for (const auto& ext : (*p)["extension"].GetArray()) {
    if (std::string(ext["url"].GetString()) ==
        "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName") {
      maiden = true;
      EXPECT_STREQ(ext["valueString"].GetString(), "Maidenname");
    }
  }
  EXPECT_TRUE(maiden);
  const auto& communication = (*p)["communication"][0];
  EXPECT_STREQ(communication["language"]["coding"][0]["code"].GetString(), "eng");
  EXPECT_TRUE(communication["preferred"].GetBool());
  // The date says more than PID-30's "Y", and the birth order more than PID-24's "Y".
  EXPECT_STREQ((*p)["deceasedDateTime"].GetString(), "2026-11-25T10:15:00-05:00");
  EXPECT_FALSE(p->HasMember("deceasedBoolean"));
  EXPECT_EQ((*p)["multipleBirthInteger"].GetInt(), 2);
  EXPECT_FALSE(p->HasMember("multipleBirthBoolean"));
}

TEST_F(LabReportingToFhir, IndicatorsWithoutDateOrOrderAreBooleans) {
  canonical::Message m = v2;
  m.patient.deceased_time.clear();
  m.patient.birth_order.reset();
  m.patient.multiple_birth_indicator = "N";
  rapidjson::Document d;
  d.Parse(writeBundle(m, BundleType::Transaction).c_str());
  const rapidjson::Value* p = resource(d, "Patient");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE((*p)["deceasedBoolean"].GetBool());
  EXPECT_FALSE((*p)["multipleBirthBoolean"].GetBool());
}

TEST_F(LabReportingToFhir, ServiceRequestReasonCodes) {
  const rapidjson::Value* sr = resource(bundle, "ServiceRequest");
  ASSERT_NE(sr, nullptr);
  ASSERT_EQ((*sr)["reasonCode"].Size(), 2u);
  EXPECT_STREQ((*sr)["reasonCode"][0]["coding"][0]["code"].GetString(), "R05");
  EXPECT_STREQ((*sr)["reasonCode"][1]["coding"][0]["code"].GetString(), "Z20.822");
}

TEST_F(LabReportingToFhir, ObservationMethodAndPerformers) {
  const rapidjson::Value* o = resource(bundle, "Observation");
  ASSERT_NE(o, nullptr);
  EXPECT_STREQ((*o)["method"]["coding"][0]["code"].GetString(), "PCR");
  // OBX-16 is empty: the performing organization first, then its medical director.
  ASSERT_EQ((*o)["performer"].Size(), 2u);
  const rapidjson::Value* org = contained(*o, (*o)["performer"][0]);
  ASSERT_NE(org, nullptr);
  EXPECT_STREQ((*org)["resourceType"].GetString(), "Organization");
  EXPECT_STREQ((*org)["name"].GetString(), "Northlab Reference Laboratory");
  EXPECT_STREQ((*org)["identifier"][0]["value"].GetString(), "05D0987654");
  EXPECT_STREQ((*org)["address"][0]["postalCode"].GetString(), "62702");
  const rapidjson::Value* director = contained(*o, (*o)["performer"][1]);
  ASSERT_NE(director, nullptr);
  EXPECT_STREQ((*director)["resourceType"].GetString(), "Practitioner");
  EXPECT_STREQ((*director)["name"][0]["family"].GetString(), "Director");
}

TEST_F(LabReportingToFhir, SpecimenTimes) {
  const rapidjson::Value* s = resource(bundle, "Specimen");
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ((*s)["receivedTime"].GetString(), "2026-11-20T09:00:00-05:00");
  const auto& period = (*s)["collection"]["collectedPeriod"];
  EXPECT_STREQ(period["start"].GetString(), "2026-11-20T07:15:00-05:00");
  EXPECT_STREQ(period["end"].GetString(), "2026-11-20T07:30:00-05:00");
  EXPECT_FALSE((*s)["collection"].HasMember("collectedDateTime"));
}

TEST_F(LabReportingToFhir, ReadBackGivesTheSameCanonicalValues) {
  const canonical::Message back = test::readOk(json).message;
  EXPECT_EQ(back.patient.mothers_maiden_name.family, "Maidenname");  // FHIR keeps the family name
  EXPECT_EQ(back.patient.language, v2.patient.language);
  EXPECT_EQ(back.patient.deceased_time, v2.patient.deceased_time);
  EXPECT_EQ(back.patient.birth_order, v2.patient.birth_order);
  // Written as the date and the birth order, which imply the indicators; nothing is inferred.
  EXPECT_TRUE(back.patient.deceased_indicator.empty());
  EXPECT_TRUE(back.patient.multiple_birth_indicator.empty());
  ASSERT_EQ(back.orders.size(), 1u);
  EXPECT_EQ(back.orders[0].reason_codes, v2.orders[0].reason_codes);
  ASSERT_EQ(back.observations.size(), 1u);
  EXPECT_EQ(back.observations[0].method, v2.observations[0].method);
  EXPECT_EQ(back.observations[0].performing_organization, v2.observations[0].performing_organization);
  EXPECT_EQ(back.observations[0].medical_director, v2.observations[0].medical_director);
  EXPECT_FALSE(back.observations[0].performer.has_value());
  ASSERT_EQ(back.specimens.size(), 1u);
  EXPECT_EQ(back.specimens[0].collection_time, v2.specimens[0].collection_time);
  EXPECT_EQ(back.specimens[0].collection_end_time, v2.specimens[0].collection_end_time);
  EXPECT_EQ(back.specimens[0].received_time, v2.specimens[0].received_time);
}

TEST_F(LabReportingToFhir, ObserverOrganizationAndDirectorReadBackInTheirPlaces) {
  canonical::Message m = v2;
  m.observations[0].performer.mut().name.family = "Observer";
  m.observations[0].performer.mut().identifier.value = "9876543210";
  const canonical::Message back = test::readOk(writeBundle(m, BundleType::Transaction)).message;
  ASSERT_EQ(back.observations.size(), 1u);
  EXPECT_EQ(back.observations[0].performer, m.observations[0].performer);
  EXPECT_EQ(back.observations[0].performing_organization, m.observations[0].performing_organization);
  EXPECT_EQ(back.observations[0].medical_director, m.observations[0].medical_director);
}

TEST_F(LabReportingToFhir, FhirInputReadTwiceIsStable) {
  // FHIR -> canonical -> FHIR -> canonical: the second reading equals the first.
  const canonical::Message first = test::readOk(json).message;
  const canonical::Message second = test::readOk(writeBundle(first, BundleType::Transaction)).message;
  EXPECT_EQ(second.patient, first.patient);
  EXPECT_EQ(second.orders, first.orders);
  EXPECT_EQ(second.observations, first.observations);
  EXPECT_EQ(second.specimens, first.specimens);
}

}  // namespace
}  // namespace ferry::fhir
