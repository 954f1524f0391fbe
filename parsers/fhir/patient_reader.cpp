// Reading of the message envelope, the patient and the visit: Bundle, MessageHeader, Patient,
// Encounter, OperationOutcome; and the reference helpers every resource reader uses.
#include "parsers/fhir/fhir_codes.h"
#include "parsers/fhir/resource_reader.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::fhir {
namespace {

using Get = DatatypeReader;

// A FHIR boolean as v2 table 0136 ("Y", "N"); empty when absent or not a boolean.
std::string yesNo(const JsonValue* v) {
  if (v == nullptr || !v->IsBool()) return {};
  return v->GetBool() ? "Y" : "N";
}

}  // namespace

std::optional<ItemRef> ResourceReader::read(ResourceKind kind, const JsonValue& r, const std::string& path) {
  auto item = [](ResourceKind k, std::uint32_t i) { return std::optional<ItemRef>(ItemRef{k, i}); };
  switch (kind) {
    case ResourceKind::MessageHeader:
      if (header_read_) return std::nullopt;
      messageHeader(r);
      return item(kind, 0);
    case ResourceKind::Patient:
      if (patient_read_) return std::nullopt;
      patient(r);
      return item(kind, 0);
    case ResourceKind::Encounter:
      if (encounter_read_) return std::nullopt;
      encounter(r, path);
      return item(kind, 0);
    case ResourceKind::ServiceRequest:
      return item(kind, serviceRequest(r, path));
    case ResourceKind::DiagnosticReport:
      return item(kind, diagnosticReport(r, path));
    case ResourceKind::Observation:
      return item(kind, observation(r, path));
    case ResourceKind::Specimen:
      return item(kind, specimen(r, path));
    case ResourceKind::Immunization:
      return item(kind, immunization(r, path));
    case ResourceKind::Coverage:
      return item(kind, coverage(r, path));
    case ResourceKind::Claim:
      return item(kind, claim(r, path));
    case ResourceKind::ClaimResponse:
      return item(kind, claimResponse(r, path));
  }
  return std::nullopt;
}

void ResourceReader::link(LinkRole role, ItemRef from, const JsonValue* reference, const std::string& path,
                          std::uint32_t slot) {
  const std::string ref = dt_.text(reference, "reference");
  if (ref.empty() || ref[0] == '#') return;
  links_.push_back({role, from, slot, ref, path + ".reference"});
}

void ResourceReader::links(LinkRole role, ItemRef from, const JsonValue& resource, std::string_view element,
                           const std::string& path) {
  forEachElement(Get::get(&resource, element), [&](const JsonValue& ref, rapidjson::SizeType i) {
    link(role, from, &ref, path + "." + std::string(element) + "[" + std::to_string(i) + "]");
  });
}

canonical::Practitioner ResourceReader::practitioner(const JsonValue& resource, const JsonValue* reference,
                                                     ItemRef from, std::uint32_t slot,
                                                     const std::string& path) {
  if (reference == nullptr) return {};
  const std::string ref = dt_.text(reference, "reference");
  if (const JsonValue* contained = containedResource(resource, ref)) {
    if (dt_.text(contained, "resourceType") == "Practitioner") return dt_.practitioner(contained);
    return {};
  }
  if (!ref.empty()) {
    link(LinkRole::Practitioner, from, reference, path, slot);
    return {};
  }
  canonical::Practitioner p;  // a logical reference: the identifier is all there is
  p.identifier = dt_.identifier(Get::get(reference, "identifier"));
  return p;
}

canonical::Organization ResourceReader::organization(const JsonValue& resource, const JsonValue* reference,
                                                     ItemRef from, std::uint32_t slot,
                                                     const std::string& path) {
  if (reference == nullptr) return {};
  const std::string ref = dt_.text(reference, "reference");
  if (const JsonValue* contained = containedResource(resource, ref)) {
    if (dt_.text(contained, "resourceType") == "Organization") return dt_.organization(contained);
    return {};
  }
  if (!ref.empty()) {
    link(LinkRole::Organization, from, reference, path, slot);
    return {};
  }
  return dt_.organizationReference(reference);
}

void ResourceReader::logicalPatient(const JsonValue* reference) {
  const JsonValue* id = Get::get(reference, "identifier");
  if (id == nullptr || patient_read_ || !out_.patient.identifiers.empty()) return;
  out_.patient.identifiers.push_back(dt_.identifier(id));
}

void ResourceReader::bundleShell(const JsonValue& bundle) {
  canonical::Header& h = out_.header;
  h.source_format = std::string(canonical::kSourceFhir);
  if (std::string id = dt_.text(Get::get(&bundle, "identifier"), "value"); !id.empty()) h.control_id = id;
  if (std::string ts = dt_.text(&bundle, "timestamp"); !ts.empty()) h.message_datetime = ts;
}

void ResourceReader::messageHeader(const JsonValue& r) {
  header_read_ = true;
  canonical::Header& h = out_.header;
  h.source_format = std::string(canonical::kSourceFhir);
  forEachElement(Get::get(Get::get(&r, "meta"), "tag"), [&](const JsonValue& tag, rapidjson::SizeType) {
    const canonical::Coding c = dt_.coding(&tag);
    if (c.system == codes::kV2MessageType && h.message_type.empty()) h.message_type = c.code;
    if (c.system == codes::kV2MessageStructure && h.message_structure.empty()) h.message_structure = c.code;
  });
  const canonical::Coding event = dt_.coding(Get::get(&r, "eventCoding"));
  if (event.system == codes::kV2EventType) h.trigger_event = event.code;
  constexpr std::string_view kFerryEvent = "urn:ferry:event:";
  const std::string uri = dt_.text(&r, "eventUri");
  if (uri.rfind(kFerryEvent, 0) == 0 && uri.size() > kFerryEvent.size() && h.message_type.empty() &&
      uri.substr(kFerryEvent.size()) != "unknown") {
    h.message_type = uri.substr(kFerryEvent.size());
  }
  const JsonValue* destination = Get::at(&r, "destination");
  h.receiving_application = dt_.text(destination, "name");
  h.receiving_facility = dt_.text(Get::get(destination, "receiver"), "display");
  h.sending_facility = dt_.text(Get::get(&r, "sender"), "display");
  h.sending_application = dt_.text(Get::get(&r, "source"), "name");
  if (h.control_id.empty()) h.control_id = dt_.text(&r, "id");
}

void ResourceReader::patient(const JsonValue& r) {
  if (!patient_read_) out_.patient = {};  // a Claim's patient identifier gives way to the resource
  patient_read_ = true;
  canonical::Patient& p = out_.patient;
  forEachElement(Get::get(&r, "extension"), [&](const JsonValue& ext, rapidjson::SizeType) {
    const std::string url = dt_.text(&ext, "url");
    if (url == codes::kMothersMaidenName) {
      p.mothers_maiden_name.family = dt_.text(&ext, "valueString");
      return;
    }
    std::vector<canonical::Coding>* target = url == codes::kUsCoreRace        ? &p.race
                                             : url == codes::kUsCoreEthnicity ? &p.ethnicity
                                                                              : nullptr;
    if (target == nullptr) return;
    forEachElement(Get::get(&ext, "extension"), [&](const JsonValue& part, rapidjson::SizeType) {
      const std::string partUrl = dt_.text(&part, "url");
      if (partUrl == "ombCategory" || partUrl == "detailed") {
        target->push_back(dt_.coding(Get::get(&part, "valueCoding")));
      }
    });
  });
  // An account number (type AN) is the canonical account_number, as v2 keeps it apart (PID-18).
  forEachElement(Get::get(&r, "identifier"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::Identifier id = dt_.identifier(&v);
    if (id.type == "AN" && p.account_number.value.empty()) {
      p.account_number = std::move(id);
    } else {
      p.identifiers.push_back(std::move(id));
    }
  });
  forEachElement(Get::get(&r, "name"),
                 [&](const JsonValue& v, rapidjson::SizeType) { p.names.push_back(dt_.humanName(&v)); });
  forEachElement(Get::get(&r, "telecom"),
                 [&](const JsonValue& v, rapidjson::SizeType) { p.telecom.push_back(dt_.contactPoint(&v)); });
  p.sex = dt_.text(&r, "gender");
  p.birth_date = dt_.text(&r, "birthDate");
  forEachElement(Get::get(&r, "address"),
                 [&](const JsonValue& v, rapidjson::SizeType) { p.addresses.push_back(dt_.address(&v)); });
  p.marital_status = dt_.firstCoding(Get::get(&r, "maritalStatus"));
  // Each choice is read as what it is, with nothing inferred: a death date leaves PID-30 empty.
  p.deceased_time = dt_.text(&r, "deceasedDateTime");
  p.deceased_indicator = yesNo(Get::get(&r, "deceasedBoolean"));
  p.birth_order = dt_.positiveInt(&r, "multipleBirthInteger");
  p.multiple_birth_indicator = yesNo(Get::get(&r, "multipleBirthBoolean"));
  // The preferred language (PID-15 holds one), else the first.
  const JsonValue* language = nullptr;
  forEachElement(Get::get(&r, "communication"), [&](const JsonValue& c, rapidjson::SizeType) {
    const JsonValue* preferred = Get::get(&c, "preferred");
    if (language == nullptr || (preferred != nullptr && preferred->IsBool() && preferred->GetBool())) {
      language = Get::get(&c, "language");
    }
  });
  p.language = dt_.codeableConcept(language);
}

void ResourceReader::encounter(const JsonValue& r, const std::string& path) {
  encounter_read_ = true;
  canonical::Encounter& e = out_.encounter;
  const ItemRef self{ResourceKind::Encounter, 0};
  e.visit_number = dt_.identifier(Get::at(&r, "identifier"));
  e.class_code = dt_.coding(Get::get(&r, "class"));
  if (const auto v2 = terminology::toV2("0004", e.class_code.code);
      v2 && v2->fhir_system == e.class_code.system) {
    e.patient_class = v2->v2_code;
  }
  link(LinkRole::Patient, self, Get::get(&r, "subject"), path + ".subject");
  forEachElement(Get::get(&r, "participant"), [&](const JsonValue& part, rapidjson::SizeType i) {
    const std::string role = dt_.firstCoding(Get::at(&part, "type")).code;
    if (role != "ATND" && role != "ADM") return;
    std::vector<canonical::Practitioner>& list = role == "ATND" ? e.attending : e.admitting;
    const std::uint32_t slot = static_cast<std::uint32_t>(list.size()) +
                               (role == "ADM" ? static_cast<std::uint32_t>(kSlotAdmitting) : 0u);
    const std::string partPath = path + ".participant[" + std::to_string(i) + "].individual";
    list.push_back(practitioner(r, Get::get(&part, "individual"), self, slot, partPath));
  });
  const JsonValue* period = Get::get(&r, "period");
  e.admit_time = dt_.text(period, "start");
  e.discharge_time = dt_.text(period, "end");
  const JsonValue* location = Get::get(Get::at(&r, "location"), "location");
  const std::string ref = dt_.text(location, "reference");
  if (const JsonValue* contained = containedResource(r, ref)) {
    if (dt_.text(contained, "resourceType") == "Location") e.location = readLocation(dt_, *contained, &r);
  } else {
    link(LinkRole::Location, self, location, path + ".location[0].location");
  }
}

std::vector<Issue> ResourceReader::operationOutcome(const JsonValue& r) const {
  std::vector<Issue> out;
  forEachElement(Get::get(&r, "issue"), [&](const JsonValue& v, rapidjson::SizeType) {
    Issue issue;
    const std::string severity = dt_.text(&v, "severity");
    issue.severity = severity == "fatal"         ? Severity::Fatal
                     : severity == "warning"     ? Severity::Warning
                     : severity == "information" ? Severity::Information
                                                 : Severity::Error;
    issue.code = dt_.text(&v, "code");
    issue.diagnostics = dt_.text(&v, "diagnostics");
    if (issue.diagnostics.empty()) issue.diagnostics = dt_.text(Get::get(&v, "details"), "text");
    issue.expression = dt_.text(Get::at(&v, "expression"));
    out.push_back(std::move(issue));
  });
  return out;
}

}  // namespace ferry::fhir
