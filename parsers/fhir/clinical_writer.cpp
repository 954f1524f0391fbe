// Orders, results, specimens and immunizations: ServiceRequest, DiagnosticReport, Observation,
// Specimen, Immunization.
#include <charconv>

#include "parsers/fhir/fhir_codes.h"
#include "parsers/fhir/resource_writer.h"
#include "parsers/terminology/coding_systems.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::fhir {
namespace {

// Shortest JSON text that reads back as the same double ("70", "4.5").
std::string numberText(double d) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

canonical::Identifier typed(canonical::Identifier id, std::string_view type) {
  if (id.type.empty()) id.type = type;
  return id;
}

Node unknownConcept() {
  return Node::object().set("text", "unknown");
}

}  // namespace

Node ResourceWriter::serviceRequest(std::uint32_t i) {
  const canonical::Order& o = m_.orders[i];
  Node r = begin("ServiceRequest");
  Node ids = Node::array();
  if (!o.placer_order_number.value.empty()) {
    ids.push(dt_.identifier(typed(o.placer_order_number, codes::kPlacerIdentifier)));
  }
  if (!o.filler_order_number.value.empty()) {
    ids.push(dt_.identifier(typed(o.filler_order_number, codes::kFillerIdentifier)));
  }
  r.set("identifier", std::move(ids));
  // status and intent are required. ORC-5 (table 0038) through the published map; a code it
  // leaves unmapped (A) or no status at all is "unknown". An ORC is an order: intent "order".
  const terminology::ConceptMapping* status = terminology::findFhir("0038", o.order_status);
  r.set("status", status != nullptr ? std::string(status->fhir_code) : std::string("unknown"));
  r.set("intent", "order");
  r.set("code", dt_.codeableConcept(o.code));
  r.set("subject", patientRef(true)).set("encounter", encounterRef());
  r.set("occurrenceDateTime", dt_.dateTime(o.observation_time, "ServiceRequest.occurrenceDateTime"));
  r.set("authoredOn", dt_.dateTime(o.requested_time, "ServiceRequest.authoredOn"));
  r.set("requester", practitionerRef(o.ordering_provider));
  Node reasons = Node::array();
  for (const canonical::CodeableConcept& reason : o.reason_codes) reasons.push(dt_.codeableConcept(reason));
  r.set("reasonCode", std::move(reasons));
  r.set("specimen", specimenRefs(i));
  r.set("note", notesFor(i, std::nullopt));
  return finish(std::move(r));
}

Node ResourceWriter::diagnosticReport(std::uint32_t i) {
  const canonical::Order& o = m_.orders[i];
  Node r = begin("DiagnosticReport");
  if (!o.filler_order_number.value.empty()) {
    r.set("identifier",
          Node::array().push(dt_.identifier(typed(o.filler_order_number, codes::kFillerIdentifier))));
  }
  r.set("basedOn", Node::array().push(orderRef(i, false)));
  std::string status = o.result_status.fhir;
  if (status.empty() && !o.result_status.v2.empty()) {
    if (const auto mapped = terminology::toFhir("0123", o.result_status.v2)) status = mapped->fhir_code;
  }
  // Required; table 0123 leaves some codes unmapped: "unknown" is a diagnostic-report-status.
  r.set("status", status.empty() ? std::string("unknown") : status);
  Node code = dt_.codeableConcept(o.code);
  r.set("code", code.empty() ? unknownConcept() : std::move(code));
  r.set("subject", patientRef(false)).set("encounter", encounterRef());
  r.set("effectiveDateTime", dt_.dateTime(o.observation_time, "DiagnosticReport.effectiveDateTime"));
  r.set("issued", dt_.instant(o.results_time, "DiagnosticReport.issued"));
  r.set("specimen", specimenRefs(i));
  r.set("result", resultRefs(i));
  return finish(std::move(r));
}

Node ResourceWriter::observation(std::uint32_t i) {
  const canonical::Observation& o = m_.observations[i];
  Node r = begin("Observation");
  if (o.order_index) r.set("basedOn", Node::array().push(orderRef(*o.order_index, false)));
  std::string status = o.status.fhir;
  if (status.empty() && !o.status.v2.empty()) {
    if (const auto mapped = terminology::toFhir("0085", o.status.v2)) status = mapped->fhir_code;
  }
  // Observation.status is required; table 0085 leaves B, I, N, O, R, S, U, V unmapped and
  // "unknown" is a valid observation-status: the documented fallback.
  r.set("status", status.empty() ? std::string("unknown") : status);
  Node categories = Node::array();
  for (const canonical::CodeableConcept& category : o.category)
    categories.push(dt_.codeableConcept(category));
  r.set("category", std::move(categories));
  Node code = dt_.codeableConcept(o.code);
  r.set("code", code.empty() ? unknownConcept() : std::move(code));
  r.set("subject", patientRef(false)).set("encounter", encounterRef());
  r.set("effectiveDateTime", dt_.dateTime(o.observation_time, "Observation.effectiveDateTime"));
  r.set("issued", dt_.instant(o.analysis_time, "Observation.issued"));
  // Performers in the v2-to-FHIR IG's order: the responsible observer (OBX-16), the performing
  // organization (OBX-23, OBX-24), its medical director (OBX-25). The reader tells the two
  // Practitioners apart by that order: one after the Organization is the director.
  Node performers = Node::array();
  if (Node p = practitionerRef(*o.performer); !p.empty()) performers.push(std::move(p));
  if (Node org = organizationRef(*o.performing_organization, false); !org.empty())
    performers.push(std::move(org));
  if (Node director = practitionerRef(*o.medical_director); !director.empty())
    performers.push(std::move(director));
  r.set("performer", std::move(performers));
  observationValue(o, r);
  Node interpretations = Node::array();
  for (const canonical::Interpretation& in : o.interpretations) {
    if (!(in.fhir == canonical::Coding{})) {
      interpretations.push(dt_.codeableConcept(in.fhir));
    } else if (!in.v2.empty()) {
      interpretations.push(dt_.codeableConcept(
          canonical::Coding{std::string(terminology::codingSystemUri("HL70078")), in.v2, ""}));
    }
  }
  r.set("interpretation", std::move(interpretations));
  r.set("note", notesFor(std::nullopt, i));
  r.set("method", dt_.codeableConcept(*o.method));
  const canonical::ReferenceRange& rr = o.reference_range;
  if (!(rr == canonical::ReferenceRange{})) {
    const std::string unit = o.units.display.empty() ? o.units.code : o.units.display;
    Node range = Node::object();
    if (rr.low)
      range.set("low", Node::object().set("value", Node::number(numberText(*rr.low))).set("unit", unit));
    if (rr.high) {
      range.set("high", Node::object().set("value", Node::number(numberText(*rr.high))).set("unit", unit));
    }
    range.set("text", rr.text);
    r.set("referenceRange", Node::array().push(std::move(range)));
  }
  return finish(std::move(r));
}

void ResourceWriter::observationValue(const canonical::Observation& o, Node& r) {
  const canonical::ObservationValue& v = o.value;
  const std::string& type = o.value_type;
  const std::string path = "Observation.value";
  if (type == "NM" && !v.decimal.empty()) {
    Node q = quantity(v.decimal, o.units, path + "Quantity");
    if (!q.empty()) {
      r.put("valueQuantity", std::move(q));
    } else {
      r.put("valueString", Node::string(v.decimal));  // not a number: kept as text
    }
    return;
  }
  if (type == "SN") {
    observationStructuredNumeric(o, r);
    return;
  }
  if (type == "CWE" || type == "CE" || type == "CNE" || type == "CF") {
    r.set("valueCodeableConcept", dt_.codeableConcept(*v.coded));
    return;
  }
  if (type == "DT" || type == "DTM" || type == "TS") {
    r.set("valueDateTime", dt_.dateTime(*v.date_time, path + "DateTime"));
    return;
  }
  if (!v.text->empty()) {
    r.set("valueString", *v.text);
  } else if (!v.decimal.empty()) {
    r.set("valueString", v.decimal);
  }
}

void ResourceWriter::observationStructuredNumeric(const canonical::Observation& o, Node& r) {
  const canonical::StructuredNumeric& sn = *o.value.structured_numeric;
  const std::string path = "Observation.value";
  const bool fhirComparator =
      sn.comparator == "<" || sn.comparator == "<=" || sn.comparator == ">=" || sn.comparator == ">";
  if (sn.separator.empty() && (fhirComparator || sn.comparator.empty() || sn.comparator == "=")) {
    Node q = quantity(sn.num1, o.units, path + "Quantity");
    if (!q.empty()) {
      if (fhirComparator)
        q.members().insert(q.members().begin() + 1, {"comparator", Node::string(sn.comparator)});
      r.put("valueQuantity", std::move(q));
      return;
    }
  }
  if (sn.comparator.empty() && sn.separator == "-") {
    Node low = quantity(sn.num1, o.units, path + "Range.low");
    Node high = quantity(sn.num2, o.units, path + "Range.high");
    if (!low.empty() && !high.empty()) {
      r.put("valueRange", Node::object().set("low", std::move(low)).set("high", std::move(high)));
      return;
    }
  }
  if (sn.comparator.empty() && (sn.separator == ":" || sn.separator == "/")) {
    Node num = dt_.decimal(sn.num1, path + "Ratio.numerator.value");
    Node den = dt_.decimal(sn.num2, path + "Ratio.denominator.value");
    if (!num.empty() && !den.empty()) {
      r.put("valueRatio", Node::object()
                              .set("numerator", Node::object().set("value", std::move(num)))
                              .set("denominator", Node::object().set("value", std::move(den))));
      return;
    }
  }
  // Anything else ("<>", "2+"): FHIR has no structured form for it, so it is written as text.
  r.set("valueString", sn.comparator + sn.num1 + sn.separator + sn.num2);
}

Node ResourceWriter::specimen(std::uint32_t i) {
  const canonical::Specimen& s = m_.specimens[i];
  Node r = begin("Specimen");
  if (!s.identifier.value.empty()) r.set("identifier", Node::array().push(dt_.identifier(s.identifier)));
  r.set("type", dt_.codeableConcept(s.type));
  r.set("subject", patientRef(false));
  if (s.order_index) r.set("request", Node::array().push(orderRef(*s.order_index, false)));
  r.set("receivedTime", dt_.dateTime(s.received_time, "Specimen.receivedTime"));
  Node collection = Node::object();
  if (s.collection_end_time.empty()) {
    collection.set("collectedDateTime",
                   dt_.dateTime(s.collection_time, "Specimen.collection.collectedDateTime"));
  } else {
    // SPM-17 as a range (DR): FHIR's collectedPeriod holds both ends.
    collection.set("collectedPeriod",
                   Node::object()
                       .set("start", dt_.dateTime(s.collection_time, "Specimen.collection.collectedPeriod.start"))
                       .set("end", dt_.dateTime(s.collection_end_time, "Specimen.collection.collectedPeriod.end")));
  }
  collection.set("bodySite", dt_.codeableConcept(s.source_site));
  r.set("collection", std::move(collection));
  return finish(std::move(r));
}

Node ResourceWriter::immunization(std::uint32_t i) {
  const canonical::Immunization& im = m_.immunizations[i];
  Node r = begin("Immunization");
  // Required: a recorded administration is "completed" unless the source said otherwise.
  r.set("status", im.status.empty() ? std::string("completed") : im.status);
  Node vaccine = dt_.codeableConcept(im.vaccine_code);
  r.set("vaccineCode", vaccine.empty() ? unknownConcept() : std::move(vaccine));
  r.set("patient", patientRef(true)).set("encounter", encounterRef());
  Node when = dt_.dateTime(im.administered_time, "Immunization.occurrenceDateTime");
  if (when.empty()) {
    r.set("occurrenceString", "unknown");  // occurrence[x] is required
  } else {
    r.set("occurrenceDateTime", std::move(when));
  }
  // NIP001 "00" is a new record from the administering provider: FHIR primarySource.
  const canonical::CodeableConcept& source = im.information_source;
  if (!source.codings.empty() && source.codings[0].code == "00") {
    r.put("primarySource", Node::boolean(true));
  } else if (!(source == canonical::CodeableConcept{})) {
    r.put("primarySource", Node::boolean(false));
    r.set("reportOrigin", dt_.codeableConcept(source));
  }
  const canonical::Coding& mvx = im.manufacturer;
  if (!(mvx == canonical::Coding{})) {
    Node id = Node::object().set("system", mvx.system).set("value", mvx.code);
    r.set("manufacturer", Node::object().set("identifier", std::move(id)).set("display", mvx.display));
  }
  r.set("lotNumber", im.lot_number);
  r.set("expirationDate", dt_.date(im.expiration_date, "Immunization.expirationDate"));
  r.set("site", dt_.codeableConcept(im.site));
  r.set("route", dt_.codeableConcept(im.route));
  if (im.dose != "999") r.set("doseQuantity", quantity(im.dose, im.dose_unit, "Immunization.doseQuantity"));
  if (Node actor = practitionerRef(im.performer); !actor.empty()) {
    const canonical::Coding function{std::string(codes::kV2PerformerFunction), "AP",
                                     "Administering Provider"};
    r.set("performer",
          Node::array().push(
              Node::object().set("function", dt_.codeableConcept(function)).set("actor", std::move(actor))));
  }
  return finish(std::move(r));
}

}  // namespace ferry::fhir
