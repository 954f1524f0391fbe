// Reading of orders, results, specimens and immunizations: ServiceRequest, DiagnosticReport,
// Observation, Specimen, Immunization.
#include <charconv>

#include "parsers/fhir/fhir_codes.h"
#include "parsers/fhir/resource_reader.h"
#include "parsers/terminology/coding_systems.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::fhir {
namespace {

using Get = DatatypeReader;

std::optional<double> parseNumber(const std::string& t) {
  double d = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
  return d;
}

canonical::StatusCode status(std::string_view table, std::string fhir) {
  canonical::StatusCode s;
  if (const auto row = terminology::toV2(table, fhir)) s.v2 = row->v2_code;
  s.fhir = std::move(fhir);
  return s;
}

// A Quantity's unit as a canonical Coding: the UCUM (or other) code, its system, the unit text.
canonical::Coding unitOf(const DatatypeReader& dt, const JsonValue* quantity) {
  return {dt.view(quantity, "system"), dt.text(quantity, "code"), dt.text(quantity, "unit")};
}

}  // namespace

std::uint32_t ResourceReader::serviceRequest(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.orders.size());
  const ItemRef self{ResourceKind::ServiceRequest, index};
  canonical::Order& o = out_.orders.emplace_back();
  // Typed PLAC / FILL identifiers are the order numbers; untyped ones fill placer, then filler.
  forEachElement(Get::get(&r, "identifier"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::Identifier id = dt_.identifier(&v);
    canonical::Identifier* slot = nullptr;
    if (id.type == codes::kPlacerIdentifier) {
      slot = &o.placer_order_number;
    } else if (id.type == codes::kFillerIdentifier) {
      slot = &o.filler_order_number;
    } else if (id.type.empty()) {
      slot = o.placer_order_number.value.empty() ? &o.placer_order_number : &o.filler_order_number;
    }
    if (slot == nullptr || !slot->value.empty()) return;
    id.type.clear();
    *slot = std::move(id);
  });
  o.code = dt_.codeableConcept(Get::get(&r, "code"));
  // The way back of table 0038 (revoked -> CA, active -> IP); a status v2 has no code for
  // (draft, unknown) leaves ORC-5 empty and is kept by the fidelity extensions.
  if (const auto status = terminology::toV2("0038", dt_.text(&r, "status"))) {
    o.order_status = std::string(status->v2_code);
  }
  o.observation_time = dt_.text(&r, "occurrenceDateTime");
  o.requested_time = dt_.text(&r, "authoredOn");
  canonical::Practitioner requester =
      practitioner(r, Get::get(&r, "requester"), self, kSlotPerformer, path + ".requester");
  out_.orders[index].ordering_provider = std::move(requester);
  forEachElement(Get::get(&r, "reasonCode"), [&](const JsonValue& v, rapidjson::SizeType) {
    out_.orders[index].reason_codes.push_back(dt_.codeableConcept(&v));
  });
  forEachElement(Get::get(&r, "note"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::Note note;
    note.text = dt_.text(&v, "text");
    note.order_index = index;
    out_.notes.push_back(std::move(note));
  });
  link(LinkRole::Patient, self, Get::get(&r, "subject"), path + ".subject");
  link(LinkRole::Encounter, self, Get::get(&r, "encounter"), path + ".encounter");
  links(LinkRole::OrderSpecimen, self, r, "specimen", path);
  return index;
}

std::uint32_t ResourceReader::diagnosticReport(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.orders.size());
  const ItemRef self{ResourceKind::DiagnosticReport, index};
  canonical::Order& o = out_.orders.emplace_back();
  forEachElement(Get::get(&r, "identifier"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::Identifier id = dt_.identifier(&v);
    if (!o.filler_order_number.value.empty()) return;
    if (id.type == codes::kFillerIdentifier) id.type.clear();
    if (id.type.empty()) o.filler_order_number = std::move(id);
  });
  // A report always has a status (required); "unknown" keeps one that lacks it a report.
  std::string s = dt_.text(&r, "status");
  o.result_status = status("0123", s.empty() ? std::string("unknown") : s);
  o.code = dt_.codeableConcept(Get::get(&r, "code"));
  o.observation_time = dt_.text(&r, "effectiveDateTime");
  o.results_time = dt_.text(&r, "issued");
  link(LinkRole::Patient, self, Get::get(&r, "subject"), path + ".subject");
  link(LinkRole::Encounter, self, Get::get(&r, "encounter"), path + ".encounter");
  links(LinkRole::ReportBasedOn, self, r, "basedOn", path);
  links(LinkRole::OrderSpecimen, self, r, "specimen", path);
  links(LinkRole::ReportResult, self, r, "result", path);
  return index;
}

std::uint32_t ResourceReader::observation(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.observations.size());
  const ItemRef self{ResourceKind::Observation, index};
  canonical::Observation& o = out_.observations.emplace_back();
  o.status = status("0085", dt_.text(&r, "status"));
  forEachElement(Get::get(&r, "category"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::CodeableConcept category = dt_.codeableConcept(&v);
    if (!(category == canonical::CodeableConcept{})) o.category.push_back(std::move(category));
  });
  o.code = dt_.codeableConcept(Get::get(&r, "code"));
  o.observation_time = dt_.text(&r, "effectiveDateTime");
  o.analysis_time = dt_.text(&r, "issued");
  performers(r, index, path);
  observationValue(r, o);
  forEachElement(Get::get(&r, "interpretation"), [&](const JsonValue& v, rapidjson::SizeType) {
    const canonical::Coding c = dt_.firstCoding(&v);
    if (c.code.empty()) return;
    canonical::Interpretation in;
    if (c.system == terminology::codingSystemUri("HL70078")) {
      in.v2 = c.code;
    } else {
      in.fhir = c;
      if (const auto row = terminology::toV2("0078", c.code); row && row->fhir_system == c.system) {
        in.v2 = row->v2_code;
      }
    }
    o.interpretations.push_back(std::move(in));
  });
  forEachElement(Get::get(&r, "note"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::Note note;
    note.text = dt_.text(&v, "text");
    note.observation_index = index;
    out_.notes.push_back(std::move(note));
  });
  if (const JsonValue* method = Get::get(&r, "method")) o.method = dt_.codeableConcept(method);
  if (const JsonValue* range = Get::at(&r, "referenceRange")) {
    o.reference_range.text = dt_.text(range, "text");
    o.reference_range.low = dt_.numberValue(Get::get(range, "low"), "value");
    o.reference_range.high = dt_.numberValue(Get::get(range, "high"), "value");
  }
  link(LinkRole::Patient, self, Get::get(&r, "subject"), path + ".subject");
  link(LinkRole::Encounter, self, Get::get(&r, "encounter"), path + ".encounter");
  links(LinkRole::ObservationBasedOn, self, r, "basedOn", path);
  return index;
}

// Observation.performer in the writer's order (clinical_writer.cpp): a Practitioner before any
// Organization is the responsible observer (OBX-16), the Organization the performing lab
// (OBX-23, OBX-24), a Practitioner after it the lab's medical director (OBX-25).
void ResourceReader::performers(const JsonValue& r, std::uint32_t index, const std::string& path) {
  const ItemRef self{ResourceKind::Observation, index};
  bool organization_seen = false;
  bool observer_seen = false;
  forEachElement(Get::get(&r, "performer"), [&](const JsonValue& v, rapidjson::SizeType i) {
    const std::string element = path + ".performer[" + std::to_string(i) + "]";
    const std::string ref = dt_.text(&v, "reference");
    const JsonValue* contained = containedResource(r, ref);
    const std::string type = contained != nullptr ? dt_.text(contained, "resourceType") : dt_.text(&v, "type");
    const bool is_organization = type == "Organization" || ref.rfind("Organization/", 0) == 0 ||
                              (ref.empty() && Get::get(&v, "display") != nullptr);
    canonical::Observation& o = out_.observations[index];
    if (is_organization) {
      if (organization_seen) return;
      organization_seen = true;
      o.performing_organization = organization(r, &v, self, kSlotPerformer, element);
    } else if (!organization_seen && !observer_seen) {
      observer_seen = true;
      o.performer = practitioner(r, &v, self, kSlotPerformer, element);
    } else if (organization_seen && *o.medical_director == canonical::Practitioner{}) {
      o.medical_director = practitioner(r, &v, self, kSlotMedicalDirector, element);
    }
  });
}

void ResourceReader::observationValue(const JsonValue& r, canonical::Observation& o) {
  canonical::ObservationValue& v = o.value;
  if (const JsonValue* q = Get::get(&r, "valueQuantity")) {
    const std::string value = dt_.number(q, "value");
    if (value.empty()) return;
    o.units = unitOf(dt_, q);
    if (const std::string comparator = dt_.text(q, "comparator"); !comparator.empty()) {
      o.value_type = "SN";
      canonical::StructuredNumeric& sn = v.structured_numeric.mut();
      sn.comparator = comparator;
      sn.num1 = value;
    } else {
      o.value_type = "NM";
      v.number = parseNumber(value);
      v.decimal = value;
    }
  } else if (const JsonValue* cc = Get::get(&r, "valueCodeableConcept")) {
    o.value_type = "CWE";
    v.coded = dt_.codeableConcept(cc);
  } else if (const JsonValue* s = Get::get(&r, "valueString")) {
    o.value_type = "ST";
    v.text = dt_.text(s);
  } else if (const JsonValue* dt = Get::get(&r, "valueDateTime")) {
    v.date_time = dt_.text(dt);
    o.value_type = v.date_time->view().find('T') == std::string_view::npos ? "DT" : "DTM";
  } else if (const JsonValue* range = Get::get(&r, "valueRange")) {
    const JsonValue* low = Get::get(range, "low");
    const JsonValue* high = Get::get(range, "high");
    const std::string lowValue = dt_.number(low, "value");
    const std::string highValue = dt_.number(high, "value");
    if (lowValue.empty() || highValue.empty()) return;
    o.value_type = "SN";
    v.structured_numeric = {"", lowValue, "-", highValue};
    o.units = unitOf(dt_, low);
  } else if (const JsonValue* ratio = Get::get(&r, "valueRatio")) {
    const std::string num = dt_.number(Get::get(ratio, "numerator"), "value");
    const std::string den = dt_.number(Get::get(ratio, "denominator"), "value");
    if (num.empty() || den.empty()) return;
    o.value_type = "SN";
    v.structured_numeric = {"", num, ":", den};
  }
}

std::uint32_t ResourceReader::specimen(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.specimens.size());
  const ItemRef self{ResourceKind::Specimen, index};
  canonical::Specimen& s = out_.specimens.emplace_back();
  s.identifier = dt_.identifier(Get::at(&r, "identifier"));
  s.type = dt_.codeableConcept(Get::get(&r, "type"));
  const JsonValue* collection = Get::get(&r, "collection");
  s.received_time = dt_.text(&r, "receivedTime");
  if (const JsonValue* period = Get::get(collection, "collectedPeriod")) {
    s.collection_time = dt_.text(period, "start");
    s.collection_end_time = dt_.text(period, "end");
  } else {
    s.collection_time = dt_.text(collection, "collectedDateTime");
  }
  s.source_site = dt_.codeableConcept(Get::get(collection, "bodySite"));
  link(LinkRole::Patient, self, Get::get(&r, "subject"), path + ".subject");
  links(LinkRole::SpecimenRequest, self, r, "request", path);
  return index;
}

std::uint32_t ResourceReader::immunization(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.immunizations.size());
  const ItemRef self{ResourceKind::Immunization, index};
  canonical::Immunization& im = out_.immunizations.emplace_back();
  im.status = dt_.text(&r, "status");
  im.vaccine_code = dt_.codeableConcept(Get::get(&r, "vaccineCode"));
  im.administered_time = dt_.text(&r, "occurrenceDateTime");
  im.information_source = dt_.codeableConcept(Get::get(&r, "reportOrigin"));
  const JsonValue* manufacturer = Get::get(&r, "manufacturer");
  const JsonValue* mvx = Get::get(manufacturer, "identifier");
  im.manufacturer = {dt_.view(mvx, "system"), dt_.text(mvx, "value"),
                     mvx ? dt_.text(manufacturer, "display") : ""};
  im.lot_number = dt_.text(&r, "lotNumber");
  im.expiration_date = dt_.text(&r, "expirationDate");
  im.site = dt_.codeableConcept(Get::get(&r, "site"));
  im.route = dt_.codeableConcept(Get::get(&r, "route"));
  if (const JsonValue* dose = Get::get(&r, "doseQuantity")) {
    im.dose = dt_.number(dose, "value");
    im.dose_unit = unitOf(dt_, dose);
  }
  const JsonValue* performer = Get::at(&r, "performer");
  im.performer =
      practitioner(r, Get::get(performer, "actor"), self, kSlotPerformer, path + ".performer[0].actor");
  link(LinkRole::Patient, self, Get::get(&r, "patient"), path + ".patient");
  link(LinkRole::Encounter, self, Get::get(&r, "encounter"), path + ".encounter");
  return index;
}

}  // namespace ferry::fhir
