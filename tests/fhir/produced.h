#pragma once
// Every FHIR document the codec tests make Ferry write: FHIR inputs written back, HL7 v2 samples
// as Bundles of each type and as single resources, a canonical message full of edge cases, and
// OperationOutcomes. The tests check them one way each; npm_validation_test.cpp hands all of
// them to the third-party validator (npm "fhir").

#include <ostream>
#include <string>
#include <vector>

#include "parsers/fhir/resource_writer.h"
#include "parsers/fhir/validator.h"
#include "parsers/fhir/writer.h"
#include "tests/fhir/fhir_test_support.h"
#include "tests/support/lab_reporting_message.h"

namespace ferry::fhir::test {

struct Produced {
  std::string name;
  std::string json;
};

// FHIR inputs of tests/fhir/data and the Bundle type each is written back as.
struct FhirInput {
  const char* file;
  BundleType type;
  bool bundle;
  ItemRef single{ResourceKind::Patient, 0};
};

inline void PrintTo(const FhirInput& in, std::ostream* os) {
  *os << in.file;
}

inline const std::vector<FhirInput>& fhirInputs() {
  static const std::vector<FhirInput> inputs = {
      {"bundle_lab_result.json", BundleType::Transaction, true},
      {"bundle_rich_transaction.json", BundleType::Transaction, true},
      {"bundle_message.json", BundleType::Message, true},
      {"bundle_collection.json", BundleType::Collection, true},
      {"bundle_batch.json", BundleType::Batch, true},
      {"claim.json", BundleType::Collection, false, {ResourceKind::Claim, 0}},
      {"claim_response.json", BundleType::Collection, false, {ResourceKind::ClaimResponse, 0}},
  };
  return inputs;
}

// An input read and written back as it came.
inline std::string writtenBack(const FhirInput& in, const canonical::Message& m) {
  return in.bundle ? writeBundle(m, in.type) : writeResource(m, in.single);
}

inline const char* const kV2Samples[] = {"oru_r01_lab_result.hl7", "adt_a01_admit.hl7",
                                         "vxu_v04_immunization.hl7", "oml_o21_order.hl7"};

// A canonical message with the values that need the writer's rules: unmapped statuses, dates
// without a time zone, decimals JSON cannot hold as written, structured numerics, notes.
inline canonical::Message edgeCaseMessage() {
  canonical::Message m;
  m.header.source_format = "hl7v2";
  m.header.message_type = "ORU";
  m.header.trigger_event = "R01";
  m.header.control_id = "EDGE-1";
  m.header.message_datetime = "2026-11-19T14:22";  // no offset anywhere in the message
  m.patient.identifiers.push_back({"MRN-EDGE", "CITYHOSP", "MR"});
  m.patient.names.push_back({"Edgecase", {"Ed"}, "", "", "official"});
  m.patient.birth_date = "1980-02-29T06:10";  // a birth time: Patient.birthDate keeps the date
  m.patient.sex = "unknown";
  canonical::Order order;
  order.placer_order_number = {"ORD-1", "HOSPORD", ""};
  order.code.codings.push_back({"http://loinc.org", "24323-8", "Comprehensive metabolic 2000 panel"});
  order.result_status = {"A", ""};  // table 0123 leaves A unmapped
  order.observation_time = "2026-11-19T14";
  m.orders.push_back(order);
  auto observation = [&](std::string valueType, std::string statusV2) {
    canonical::Observation o;
    o.value_type = std::move(valueType);
    o.code.codings.push_back({"http://loinc.org", "2345-7", "Glucose"});
    o.status = {std::move(statusV2), ""};
    o.order_index = 0;
    o.units = {"http://unitsofmeasure.org", "mg/dL", "mg/dL"};
    return o;
  };
  canonical::Observation nm = observation("NM", "I");  // I (pending) has no FHIR status: "unknown"
  nm.value.decimal = "+.50";
  nm.observation_time = "2026-11-19T14:22";
  nm.analysis_time = "2026-11-19T15:00:05";  // no offset: Observation.issued is left out
  nm.reference_range = {"70-99", 70.0, 99.0};
  nm.interpretations.push_back({"AC", {}});  // a flag the published map leaves unmapped
  m.observations.push_back(nm);
  canonical::Observation sn = observation("SN", "F");
  sn.status.fhir = "final";
  sn.value.structured_numeric = {">", "100", "", ""};
  m.observations.push_back(sn);
  canonical::Observation ratio = observation("SN", "F");
  ratio.value.structured_numeric = {"", "1", ":", "128"};
  m.observations.push_back(ratio);
  canonical::Observation range = observation("SN", "C");
  range.value.structured_numeric = {"", "2", "-", "5"};
  m.observations.push_back(range);
  canonical::Observation plus = observation("SN", "F");
  plus.value.structured_numeric = {"", "2", "+", ""};
  m.observations.push_back(plus);
  canonical::Observation text = observation("TX", "F");
  text.value.text = "Line one\nLine two";
  m.observations.push_back(text);
  canonical::Observation bad = observation("NM", "F");
  bad.value.decimal = "12,5";  // not a number: written as text
  m.observations.push_back(bad);
  canonical::Observation date = observation("DT", "F");
  date.value.date_time = "2026-11-01";
  m.observations.push_back(date);
  canonical::Note note;
  note.text = "Specimen slightly haemolysed";
  note.observation_index = 0;
  m.notes.push_back(note);
  canonical::Note orderNote;
  orderNote.text = "Fasting";
  orderNote.order_index = 0;
  m.notes.push_back(orderNote);
  canonical::Extension z;
  z.path = "ZPV";
  z.format = "hl7v2";
  z.raw = "ZPV|VIP^N";
  m.extensions.push_back(z);
  return m;
}

inline std::vector<Produced> producedDocuments() {
  std::vector<Produced> out;
  for (const FhirInput& in : fhirInputs()) {
    const ReadResult r = read(data(in.file));
    out.push_back({std::string("roundtrip-") + in.file, writtenBack(in, r.message)});
  }
  const ReadResult rich = read(data("bundle_rich_transaction.json"));
  out.push_back({"rich-as-collection.json", writeBundle(rich.message, BundleType::Collection)});
  out.push_back({"rich-as-message.json", writeBundle(rich.message, BundleType::Message)});
  for (const ItemRef& item : ResourceWriter::items(rich.message)) {
    out.push_back(
        {"rich-" + std::string(resourceTypeName(item.kind)) + "-" + std::to_string(item.index) + ".json",
         writeResource(rich.message, item)});
  }
  for (const char* sample : kV2Samples) {
    const canonical::Message m = normalizeV2(sample);
    for (BundleType type :
         {BundleType::Transaction, BundleType::Batch, BundleType::Collection, BundleType::Message}) {
      out.push_back(
          {std::string(sample) + "." + std::string(bundleTypeCode(type)) + ".json", writeBundle(m, type)});
    }
    for (const ItemRef& item : ResourceWriter::items(m)) {
      out.push_back({std::string(sample) + "." + std::string(resourceTypeName(item.kind)) + "-" +
                         std::to_string(item.index) + ".json",
                     writeResource(m, item)});
    }
  }
  // The lab and national-reporting fields (performing organization, medical director, method,
  // reasons, deceased, multiple birth, communication, specimen period and received time).
  if (auto parsed = hl7v2::Message::parse(ferry::test::kLabReporting)) {
    const canonical::Message lab = hl7v2::normalize(*parsed).message;
    out.push_back({"lab-reporting.transaction.json", writeBundle(lab, BundleType::Transaction)});
    out.push_back({"lab-reporting.message.json", writeBundle(lab, BundleType::Message)});
    for (const ItemRef& item : ResourceWriter::items(lab)) {
      out.push_back({"lab-reporting." + std::string(resourceTypeName(item.kind)) + "-" +
                         std::to_string(item.index) + ".json",
                     writeResource(lab, item)});
    }
  }
  const canonical::Message edge = edgeCaseMessage();
  out.push_back({"edge.transaction.json", writeBundle(edge, BundleType::Transaction)});
  out.push_back({"edge.message.json", writeBundle(edge, BundleType::Message)});
  const ReadResult bad = read(R"({"resourceType":"Observation","status":"done","code":{"text":"x"},
                                   "effectiveDateTime":"2026-11-20T07:15"})");
  out.push_back({"outcome-invalid-observation.json", operationOutcomeJson(bad.issues)});
  out.push_back({"outcome-empty.json", operationOutcomeJson({})});
  return out;
}

}  // namespace ferry::fhir::test
