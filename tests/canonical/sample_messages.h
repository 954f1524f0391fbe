// Hand-built canonical messages shared by the JSON writer and reader tests.
//
// labResult() is the ORU^R01 of samples/hl7v2/oru_r01_lab_result.hl7 as a codec should
// normalize it; everyMemberSet() fills every member of every struct with a distinct value, so a
// round trip through JSON exercises each name in json_schema.h.
#pragma once

#include <string>
#include <utility>

#include "engine/canonical/message.h"

namespace ferry::canonical::samples {

inline Coding coding(std::string system, std::string code, std::string display) {
  return Coding{std::move(system), std::move(code), std::move(display)};
}

inline Message labResult() {
  Message m;
  m.header.source_format = "hl7v2";
  m.header.message_type = "ORU";
  m.header.trigger_event = "R01";
  m.header.message_structure = "ORU_R01";
  m.header.control_id = "NL-000184211";
  m.header.version = "2.5.1";
  m.header.sending_application = "NORTHLAB";
  m.header.sending_facility = "NORTHLAB";
  m.header.receiving_application = "HOSPRES";
  m.header.receiving_facility = "CITYHOSP";
  m.header.message_datetime = "2026-11-20T08:30:15-05:00";
  m.header.processing_id = "P";
  m.header.accept_ack_type = "AL";
  m.header.application_ack_type = "NE";

  m.patient.identifiers = {{"MRN448812", "CITYHOSP", "MR"},
                           {"990-22-1234", "http://hl7.org/fhir/sid/us-ssn", "SS"}};
  m.patient.names = {HumanName{"Testperson", {"Adaline", "Q"}, "", "", "official"}};
  m.patient.birth_date = "1972-03-14";
  m.patient.sex = "female";
  m.patient.addresses = {Address{{"118 Elm Street", "Apt 4"}, "Springfield", "IL", "62701", "USA", "home"}};
  m.patient.telecom = {ContactPoint{"phone", "(217) 555-0123", "home"}};
  m.patient.race = {coding("urn:oid:2.16.840.1.113883.6.238", "2106-3", "White")};
  m.patient.account_number = Identifier{"ACCT55012", "", "AN"};

  m.encounter.class_code = coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory");
  m.encounter.patient_class = "O";
  m.encounter.location.point_of_care = "LAB";
  m.encounter.location.facility = "CITYHOSP";
  m.encounter.attending = {Practitioner{{"1234567893", "http://hl7.org/fhir/sid/us-npi", "NPI"},
                                        HumanName{"Rivera", {"Marco"}, "Dr", "", ""}}};
  m.encounter.visit_number = Identifier{"V55012", "", "VN"};

  Order order;
  order.placer_order_number = {"ORD-77120", "HOSPORD", ""};
  order.filler_order_number = {"LAB-55120", "NORTHLAB", ""};
  order.order_control = "RE";
  order.order_status = "CM";
  order.result_status = {"F", "final"};
  order.code.codings = {coding("L", "GLU-P", "Glucose panel")};
  order.ordering_provider = m.encounter.attending.front();
  order.observation_time = "2026-11-20T07:15:00-05:00";
  order.results_time = "2026-11-20T08:29:00-05:00";
  m.orders.push_back(order);

  Observation glucose;
  glucose.set_id = "1";
  glucose.value_type = "NM";
  glucose.code.codings = {coding("L", "GLU", "Glucose"),
                          coding("http://loinc.org", "2345-7", "Glucose [Mass/volume] in Serum or Plasma")};
  glucose.value.decimal = "182";
  glucose.value.number = 182;
  glucose.units = coding("http://unitsofmeasure.org", "mg/dL", "mg/dL");
  glucose.reference_range = {"70-99", 70.0, 99.0};
  glucose.interpretations = {
      {"H", coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H", "High")}};
  glucose.status = {"F", "final"};
  glucose.observation_time = "2026-11-20T07:15:00-05:00";
  glucose.analysis_time = "2026-11-20T08:25:00-05:00";
  glucose.order_index = 0;
  m.observations.push_back(glucose);

  Observation hba1c = glucose;
  hba1c.set_id = "2";
  hba1c.code.codings = {coding("L", "HBA1C", "Hemoglobin A1c"),
                        coding("http://loinc.org", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")};
  hba1c.value.decimal = "8.10";
  hba1c.value.number = 8.1;
  hba1c.units = coding("http://unitsofmeasure.org", "%", "%");
  hba1c.reference_range = {"4.0-5.6", 4.0, 5.6};
  hba1c.analysis_time.clear();
  m.observations.push_back(hba1c);

  Observation comment;
  comment.set_id = "3";
  comment.value_type = "ST";
  comment.code.codings = {coding("L", "COMM", "Comment")};
  comment.value.text = "Fasting specimen & verified by tech | 2nd draw";
  comment.status = {"F", "final"};
  comment.order_index = 0;
  m.observations.push_back(comment);

  m.notes.push_back(Note{"Patient reports fasting since 22:00 ~ no medications.", "L", {}, 0, 2});

  Specimen specimen;
  specimen.identifier = {"SP-99812", "NORTHLAB", ""};
  specimen.type.codings = {coding("http://snomed.info/sct", "119297000", "Blood specimen")};
  specimen.collection_time = "2026-11-20T07:15:00-05:00";
  specimen.order_index = 0;
  m.specimens.push_back(specimen);
  return m;
}

inline Practitioner practitioner(const std::string& id) {
  return Practitioner{{id, "http://hl7.org/fhir/sid/us-npi", "NPI"},
                      HumanName{"Family" + id, {"Given" + id, "Middle" + id}, "Dr", "Jr", "official"}};
}

inline Organization organization(const std::string& id) {
  return Organization{{id, "urn:oid:2.16.840.1.113883.3.9999", "XX"},
                      "Org " + id,
                      Address{{"1 Main St " + id, "Suite " + id}, "Hartford", "CT", "06101", "USA", "work"}};
}

inline CodeableConcept codeable(const std::string& code) {
  return CodeableConcept{
      {coding("http://loinc.org", code, "Display " + code), coding("L", "L" + code, "Local " + code)},
      "Text " + code};
}

inline Message everyMemberSet() {
  Message m;
  Header& h = m.header;
  h = Header{"hl7v2",         "ADT",     "A01",     "ADT_A01", "CTRL-1",           "2.5.1",
             "SENDAPP",       "SENDFAC", "RECVAPP", "RECVFAC", "2026-11-19T14:22", "P",
             "UNICODE UTF-8", "AL",      "NE"};

  Patient& p = m.patient;
  p.identifiers = {{"MRN1", "CITYHOSP", "MR"}, {"990-22-1234", "http://hl7.org/fhir/sid/us-ssn", "SS"}};
  p.names = {HumanName{"Samplename", {"Bertram", "J"}, "Mr", "III", "official"}};
  p.birth_date = "1958-01-02";
  p.sex = "male";
  p.addresses = {Address{{"44 Oak Road", "Unit 2"}, "Springfield", "IL", "62702", "USA", "home"}};
  p.telecom = {ContactPoint{"phone", "(217)555-0199", "home"},
               ContactPoint{"email", "b@example.org", "work"}};
  p.race = {coding("urn:oid:2.16.840.1.113883.6.238", "2106-3", "White")};
  p.ethnicity = {coding("urn:oid:2.16.840.1.113883.6.238", "2186-5", "Not Hispanic or Latino")};
  p.marital_status = coding("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M", "Married");
  p.account_number = {"ACCT55013", "CITYHOSP", "AN"};
  p.mothers_maiden_name = HumanName{"Maidenname", {"Clara"}, "Ms", "Sr", "maiden"};
  p.language = codeable("eng");
  p.deceased_time = "2026-11-25T10:15:00-05:00";
  p.deceased_indicator = "Y";
  p.multiple_birth_indicator = "Y";
  p.birth_order = 2;

  Encounter& e = m.encounter;
  e.class_code = coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter");
  e.patient_class = "I";
  e.location = Location{"4W", "412", "B", "CITYHOSP"};
  e.attending = {practitioner("2233445566")};
  e.admitting = {practitioner("3344556677"), practitioner("4455667788")};
  e.admit_time = "2026-11-19T14:00";
  e.discharge_time = "2026-11-23T10:30";
  e.visit_number = {"V55013", "CITYHOSP", "VN"};

  Order o;
  o.placer_order_number = {"ORD-1", "HOSPORD", "PLAC"};
  o.filler_order_number = {"LAB-1", "NORTHLAB", "FILL"};
  o.order_control = "NW";
  o.order_status = "IP";
  o.result_status = {"P", "preliminary"};
  o.code = codeable("24323-8");
  o.ordering_provider = practitioner("1234567893");
  o.requested_time = "2026-11-20T06:54:00";
  o.observation_time = "2026-11-20T07:15:00-05:00";
  o.results_time = "2026-11-20T08:29:00-05:00";
  o.reason_codes = {codeable("R05"), codeable("Z20.822")};
  m.orders = {o, o};
  m.orders[1].placer_order_number.value = "ORD-2";

  Observation x;
  x.set_id = "1";
  x.value_type = "NM";
  x.category = {codeable("laboratory")};
  x.code = codeable("2345-7");
  x.sub_id = "1a";
  x.value.decimal = "8.10";
  x.value.number = 0.1 + 0.2;  // 0.30000000000000004 needs all 17 digits to survive
  x.value.text = "eight point one";
  x.value.coded = codeable("260373001");
  x.value.structured_numeric = StructuredNumeric{">=", "1", ":", "128"};
  x.value.date_time = "2026-11-20";
  x.units = coding("http://unitsofmeasure.org", "mg/dL", "milligram per deciliter");
  x.reference_range = ReferenceRange{"70-99", 70.0, 99.5};
  x.interpretations = {
      {"H", coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H", "High")},
      {"TOX", Coding{}}};
  x.status = {"C", "corrected"};
  x.observation_time = "2026-11-20T07:15:00-05:00";
  x.analysis_time = "2026-11-20T08:25:00.1234-05:00";
  x.performer = practitioner("5566778899");
  x.method = codeable("PCR");
  x.performing_organization = organization("05D0987654");
  x.medical_director = practitioner("6677889900");
  x.order_index = 1;
  m.observations = {x};

  m.specimens = {Specimen{
      {"SP-1", "NORTHLAB", "SID"}, codeable("119297000"), "2026-11-20T07:15:00-05:00", codeable("LACF"), 0,
      "2026-11-20T07:30:00-05:00", "2026-11-20T09:00:00-05:00"}};
  m.notes = {Note{"Line one\nLine two", "L",
                  coding("http://terminology.hl7.org/CodeSystem/v2-0364", "RE", "Remark"), 0, 0}};

  Immunization i;
  i.vaccine_code = codeable("141");
  i.administered_time = "2026-11-18T10:00:00-05:00";
  i.dose = "0.5";
  i.dose_unit = coding("http://unitsofmeasure.org", "mL", "milliliter");
  i.lot_number = "FL1234A";
  i.expiration_date = "2027-06-30";
  i.manufacturer = coding("http://hl7.org/fhir/sid/mvx", "SKB", "GlaxoSmithKline");
  i.route = codeable("C28161");
  i.site = codeable("LD");
  i.status = "completed";
  i.completion_status = "CP";
  i.information_source = codeable("00");
  i.performer = practitioner("4455667788");
  m.immunizations = {i};

  Coverage c;
  c.plan_id = "PPO-GOLD";
  c.plan_name = "Gold PPO";
  c.payer = organization("INS001");
  c.group_number = "GRP-7788";
  c.group_name = "Acme Employees";
  c.member_id = "MEM-55013";
  c.subscriber_name = HumanName{"Samplename", {"Bertram"}, "Mr", "III", "official"};
  c.relationship = coding("http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self", "Self");
  c.period_start = "2026-01-01";
  c.period_end = "2026-12-31";
  m.coverages = {c};

  Claim claim;
  claim.claim_id = "CLM-1";
  claim.submission_id = "SUB-1";
  claim.status = "active";
  claim.type = coding("http://terminology.hl7.org/CodeSystem/claim-type", "institutional", "Institutional");
  claim.created = "2026-11-24";
  claim.service_start = "2026-11-19";
  claim.service_end = "2026-11-23";
  claim.provider = organization("1234567893");
  claim.payer = organization("INS001");
  claim.member = {"MEM-55013", "INS001", "MB"};
  claim.diagnoses = {ClaimDiagnosis{1, codeable("E11.9")}};
  claim.items = {ClaimItem{1, codeable("99223"), "1", "250.00", "250.00", "2026-11-19"},
                 ClaimItem{2, codeable("80053"), "2", "37.50", "75.00", "2026-11-20"}};
  claim.total = "325.00";
  claim.currency = "USD";
  m.claims = {claim};

  ClaimResponse r;
  r.response_id = "RSP-1";
  r.claim_id = "CLM-1";
  r.submission_id = "SUB-1";
  r.status = "active";
  r.outcome = "partial";
  r.disposition = "Line 2 reduced to fee schedule";
  r.created = "2026-12-01";
  r.payer = organization("INS001");
  r.items = {ClaimResponseItem{2, "60.00", "48.00", "12.00", {Adjustment{"CO", "45", "15.00"}}}};
  r.adjustments = {Adjustment{"PR", "1", "12.00"}};
  r.total_submitted = "325.00";
  r.total_allowed = "310.00";
  r.total_paid = "298.00";
  r.total_patient_share = "12.00";
  r.payment_date = "2026-12-03";
  r.payment_reference = "EFT-000912";
  r.currency = "USD";
  m.claim_responses = {r};

  m.extensions = {Extension{"ZPV", "hl7v2", "ZPV|VIP^N|Preferred language^ENG \\T\\ more\r"}};
  return m;
}

}  // namespace ferry::canonical::samples
