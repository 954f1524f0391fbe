#include "parsers/fhir/resource_writer.h"

#include <span>
#include <tuple>

#include "parsers/fhir/fhir_codes.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::fhir {
namespace {

constexpr std::string_view kOmbRace[] = {"1002-5", "2028-9", "2054-5", "2076-8", "2106-3", "UNK", "ASKU"};
constexpr std::string_view kOmbEthnicity[] = {"2135-2", "2186-5", "UNK", "ASKU"};

bool contains(std::span<const std::string_view> list, std::string_view code) {
  for (std::string_view c : list) {
    if (c == code) return true;
  }
  return false;
}

std::string displayName(const canonical::HumanName& n) {
  std::string out = n.prefix;
  for (const std::string& g : n.given) out += (out.empty() ? "" : " ") + g;
  if (!n.family.empty()) out += (out.empty() ? "" : " ") + n.family;
  return out;
}

}  // namespace

Node LogicalReferences::reference(ItemRef target) const {
  DatatypeWriter dt(message_, {}, nullptr);
  auto byIdentifier = [&](const canonical::Identifier& id) {
    if (id.value.empty()) return Node();
    return Node::object().set("identifier", dt.identifier(id));
  };
  switch (target.kind) {
    case ResourceKind::Patient:
      return message_.patient.identifiers.empty() ? Node() : byIdentifier(message_.patient.identifiers[0]);
    case ResourceKind::Encounter:
      return byIdentifier(message_.encounter.visit_number);
    case ResourceKind::ServiceRequest:
      return target.index < message_.orders.size()
                 ? byIdentifier(message_.orders[target.index].placer_order_number)
                 : Node();
    case ResourceKind::DiagnosticReport:
      return target.index < message_.orders.size()
                 ? byIdentifier(message_.orders[target.index].filler_order_number)
                 : Node();
    case ResourceKind::Specimen:
      return target.index < message_.specimens.size()
                 ? byIdentifier(message_.specimens[target.index].identifier)
                 : Node();
    default:
      return Node();
  }
}

WriterIndex WriterIndex::build(const canonical::Message& m) {
  WriterIndex index;
  index.results_by_order.resize(m.orders.size());
  index.specimens_by_order.resize(m.orders.size());
  for (std::uint32_t k = 0; k < m.observations.size(); ++k) {
    const auto& o = m.observations[k].order_index;
    if (o && *o < m.orders.size()) index.results_by_order[*o].push_back(k);
  }
  for (std::uint32_t k = 0; k < m.specimens.size(); ++k) {
    const auto& o = m.specimens[k].order_index;
    if (o && *o < m.orders.size()) index.specimens_by_order[*o].push_back(k);
  }
  index.addNotes(m);
  return index;
}

void WriterIndex::addNotes(const canonical::Message& m) {
  for (; notes_seen < m.notes.size(); ++notes_seen) {
    const canonical::Note& n = m.notes[notes_seen];
    const auto k = static_cast<std::uint32_t>(notes_seen);
    if (n.observation_index) {
      if (notes_by_observation.size() <= *n.observation_index)
        notes_by_observation.resize(*n.observation_index + 1);
      notes_by_observation[*n.observation_index].push_back(k);
    } else if (n.order_index) {
      if (notes_by_order.size() <= *n.order_index) notes_by_order.resize(*n.order_index + 1);
      notes_by_order[*n.order_index].push_back(k);
    }
  }
}

ResourceWriter::ResourceWriter(const canonical::Message& message, const ReferenceContext& references,
                               const WriteOptions& options, std::vector<Issue>* issues,
                               const WriterIndex* index)
    : m_(message), references_(references), index_(index), dt_(message, options, issues) {}

bool ResourceWriter::writesDiagnosticReport(const canonical::Order& o) {
  return !o.result_status.v2.empty() || !o.result_status.fhir.empty() || !o.results_time.empty();
}

bool ResourceWriter::writesServiceRequest(const canonical::Order& o) {
  return !writesDiagnosticReport(o) || !o.placer_order_number.value.empty() || !o.order_control.empty() ||
         !o.order_status.empty() || !(o.ordering_provider == canonical::Practitioner{}) ||
         !o.requested_time.empty() || !o.reason_codes.empty();
}

std::vector<ItemRef> ResourceWriter::items(const canonical::Message& m) {
  std::vector<ItemRef> out;
  if (!(m.patient == canonical::Patient{})) out.push_back({ResourceKind::Patient, 0});
  if (!(m.encounter == canonical::Encounter{})) out.push_back({ResourceKind::Encounter, 0});
  for (std::uint32_t i = 0; i < m.orders.size(); ++i) {
    if (writesServiceRequest(m.orders[i])) out.push_back({ResourceKind::ServiceRequest, i});
    if (writesDiagnosticReport(m.orders[i])) out.push_back({ResourceKind::DiagnosticReport, i});
  }
  auto all = [&](ResourceKind kind, std::size_t count) {
    for (std::uint32_t i = 0; i < count; ++i) out.push_back({kind, i});
  };
  all(ResourceKind::Specimen, m.specimens.size());
  all(ResourceKind::Observation, m.observations.size());
  all(ResourceKind::Immunization, m.immunizations.size());
  all(ResourceKind::Coverage, m.coverages.size());
  all(ResourceKind::Claim, m.claims.size());
  all(ResourceKind::ClaimResponse, m.claim_responses.size());
  return out;
}

Node ResourceWriter::write(ItemRef item) {
  switch (item.kind) {
    case ResourceKind::MessageHeader:
      return messageHeader();
    case ResourceKind::Patient:
      return patient();
    case ResourceKind::Encounter:
      return encounter();
    case ResourceKind::ServiceRequest:
      return serviceRequest(item.index);
    case ResourceKind::DiagnosticReport:
      return diagnosticReport(item.index);
    case ResourceKind::Observation:
      return observation(item.index);
    case ResourceKind::Specimen:
      return specimen(item.index);
    case ResourceKind::Immunization:
      return immunization(item.index);
    case ResourceKind::Coverage:
      return coverage(item.index);
    case ResourceKind::Claim:
      return claim(item.index);
    case ResourceKind::ClaimResponse:
      return claimResponse(item.index);
  }
  return {};
}

Node ResourceWriter::begin(std::string_view resourceType) {
  contained_.clear();
  contained_count_ = 0;
  return Node::object().set("resourceType", resourceType);
}

Node ResourceWriter::finish(Node resource) {
  if (contained_.empty()) return resource;
  Node contained = Node::array();
  for (Node& c : contained_) contained.push(std::move(c));
  contained_.clear();
  auto& members = resource.members();
  members.insert(members.begin() + 1, Node::Member("contained", std::move(contained)));
  return resource;
}

std::string ResourceWriter::containedId(std::string_view kind) {
  return std::string(codes::kContainedIdPrefix) + std::string(kind) + "-" +
         std::to_string(++contained_count_);
}

Node ResourceWriter::patientRef(bool required) const {
  if (!(m_.patient == canonical::Patient{})) {
    Node r = ref({ResourceKind::Patient, 0});
    if (!r.empty()) return r;
  }
  if (!required) return {};
  std::string display = m_.patient.names.empty() ? std::string() : displayName(m_.patient.names[0]);
  return Node::object().set("display", display.empty() ? std::string("unknown patient") : display);
}

Node ResourceWriter::encounterRef() const {
  if (m_.encounter == canonical::Encounter{}) return {};
  return ref({ResourceKind::Encounter, 0});
}

Node ResourceWriter::orderRef(std::uint32_t order, bool report) const {
  if (order >= m_.orders.size()) return {};
  const canonical::Order& o = m_.orders[order];
  if (report ? !writesDiagnosticReport(o) : !writesServiceRequest(o)) return {};
  return ref({report ? ResourceKind::DiagnosticReport : ResourceKind::ServiceRequest, order});
}

Node ResourceWriter::practitionerRef(const canonical::Practitioner& p) {
  if (p == canonical::Practitioner{}) return {};
  if (std::string known = references_.knownPractitioner(p); !known.empty()) {
    return Node::object().set("reference", known);
  }
  const std::string id = containedId("practitioner");
  Node resource = Node::object().set("resourceType", "Practitioner").set("id", id);
  if (!p.identifier.value.empty())
    resource.set("identifier", Node::array().push(dt_.identifier(p.identifier)));
  resource.set("name", Node::array().push(dt_.humanName(p.name)));
  contained_.push_back(std::move(resource));
  return Node::object().set("reference", "#" + id);
}

Node ResourceWriter::organizationRef(const canonical::Organization& o, bool required) {
  if (o == canonical::Organization{}) {
    return required ? Node::object().set("display", "unknown") : Node();
  }
  if (std::string known = references_.knownOrganization(o); !known.empty()) {
    return Node::object().set("reference", known);
  }
  if (o.address == canonical::Address{}) {
    Node r = Node::object();
    if (!o.identifier.value.empty()) r.set("identifier", dt_.identifier(o.identifier));
    return r.set("display", o.name);
  }
  const std::string id = containedId("organization");
  Node resource = Node::object().set("resourceType", "Organization").set("id", id);
  if (!o.identifier.value.empty())
    resource.set("identifier", Node::array().push(dt_.identifier(o.identifier)));
  resource.set("name", o.name).set("address", Node::array().push(dt_.address(o.address)));
  contained_.push_back(std::move(resource));
  return Node::object().set("reference", "#" + id);
}

Node ResourceWriter::locationRef(const canonical::Location& l) {
  if (l == canonical::Location{}) return {};
  if (std::string known = references_.knownLocation(l); !known.empty()) {
    return Node::object().set("reference", known);
  }
  // Point of care, room and bed as a chain of Locations (bed partOf room partOf point of care).
  std::string parent;
  auto add = [&](std::string_view name, std::string_view physicalType, std::string_view display,
                 bool withFacility) {
    const std::string id = containedId("location");
    Node loc = Node::object().set("resourceType", "Location").set("id", id).set("name", name);
    if (!physicalType.empty()) {
      loc.set("physicalType",
              dt_.codeableConcept(canonical::Coding{std::string(codes::kLocationPhysicalType),
                                                    std::string(physicalType), std::string(display)}));
    }
    if (withFacility && !l.facility.empty()) {
      loc.set("managingOrganization", Node::object().set("display", l.facility));
    }
    if (!parent.empty()) loc.set("partOf", Node::object().set("reference", "#" + parent));
    contained_.push_back(std::move(loc));
    parent = id;
  };
  add(l.point_of_care, "", "", true);
  if (!l.room.empty()) add(l.room, "ro", "Room", false);
  if (!l.bed.empty()) add(l.bed, "bd", "Bed", false);
  return Node::object().set("reference", "#" + parent);
}

Node ResourceWriter::relatedPersonRef(const canonical::HumanName& name) {
  if (name == canonical::HumanName{}) return {};
  const std::string id = containedId("relatedperson");
  Node resource = Node::object().set("resourceType", "RelatedPerson").set("id", id);
  resource.set("patient", patientRef(true)).set("name", Node::array().push(dt_.humanName(name)));
  contained_.push_back(std::move(resource));
  return Node::object().set("reference", "#" + id);
}

Node ResourceWriter::quantity(std::string_view value, const canonical::Coding& unit,
                              const std::string& path) const {
  Node v = dt_.decimal(value, path + ".value");
  if (v.empty()) return {};
  Node q = Node::object().set("value", std::move(v));
  q.set("unit", unit.display.empty() ? unit.code : unit.display);
  if (!unit.code.empty()) q.set("system", unit.system).set("code", unit.code);
  return q;
}

Node ResourceWriter::notesFor(std::optional<std::uint32_t> order,
                              std::optional<std::uint32_t> observation) const {
  Node notes = Node::array();
  auto add = [&](const canonical::Note& n) {
    if (!n.text.empty()) notes.push(Node::object().set("text", n.text));
  };
  if (index_ != nullptr) {
    const auto& lists = observation ? index_->notes_by_observation : index_->notes_by_order;
    const std::uint32_t key = observation ? *observation : *order;
    if (key < lists.size()) {
      for (std::uint32_t k : lists[key]) add(m_.notes[k]);
    }
    return notes;
  }
  for (const canonical::Note& n : m_.notes) {
    if (n.observation_index != observation) continue;
    if (!observation && n.order_index != order) continue;
    add(n);
  }
  return notes;
}

Node ResourceWriter::resultRefs(std::uint32_t order) const {
  Node refs = Node::array();
  if (references_.comparing()) return refs;
  if (index_ != nullptr) {
    for (std::uint32_t k : index_->results_by_order.at(order)) refs.push(ref({ResourceKind::Observation, k}));
    return refs;
  }
  for (std::uint32_t k = 0; k < m_.observations.size(); ++k) {
    if (m_.observations[k].order_index == order) refs.push(ref({ResourceKind::Observation, k}));
  }
  return refs;
}

Node ResourceWriter::specimenRefs(std::uint32_t order) const {
  Node refs = Node::array();
  if (references_.comparing()) return refs;
  if (index_ != nullptr) {
    for (std::uint32_t k : index_->specimens_by_order.at(order)) refs.push(ref({ResourceKind::Specimen, k}));
    return refs;
  }
  for (std::uint32_t k = 0; k < m_.specimens.size(); ++k) {
    if (m_.specimens[k].order_index == order) refs.push(ref({ResourceKind::Specimen, k}));
  }
  return refs;
}

Node ResourceWriter::patient() {
  const canonical::Patient& p = m_.patient;
  Node r = begin("Patient");
  Node extensions = Node::array();
  for (const auto& [url, codings, omb] :
       {std::tuple{codes::kUsCoreRace, &p.race, std::span<const std::string_view>(kOmbRace)},
        std::tuple{codes::kUsCoreEthnicity, &p.ethnicity,
                   std::span<const std::string_view>(kOmbEthnicity)}}) {
    if (codings->empty()) continue;
    Node parts = Node::array();
    std::string text;
    for (const canonical::Coding& c : *codings) {
      parts.push(Node::object()
                     .set("url", contains(omb, c.code) ? "ombCategory" : "detailed")
                     .set("valueCoding", dt_.coding(c)));
      text += (text.empty() ? "" : ", ") + (c.display.empty() ? c.code : c.display);
    }
    parts.push(Node::object().set("url", "text").set("valueString", text));
    extensions.push(Node::object().set("url", url).set("extension", std::move(parts)));
  }
  if (!p.mothers_maiden_name.family.empty()) {
    extensions.push(Node::object()
                        .set("url", codes::kMothersMaidenName)
                        .set("valueString", p.mothers_maiden_name.family));
  }
  r.set("extension", std::move(extensions));
  Node ids = Node::array();
  for (const canonical::Identifier& id : p.identifiers) ids.push(dt_.identifier(id));
  bool accountListed = p.account_number.value.empty();
  for (const canonical::Identifier& id : p.identifiers)
    accountListed = accountListed || id.value == p.account_number.value;
  if (!accountListed) {
    canonical::Identifier account = p.account_number;
    if (account.type.empty()) account.type = "AN";  // so that reading it back finds the account
    ids.push(dt_.identifier(account));
  }
  r.set("identifier", std::move(ids));
  Node names = Node::array();
  for (const canonical::HumanName& n : p.names) names.push(dt_.humanName(n));
  r.set("name", std::move(names));
  Node telecom = Node::array();
  for (const canonical::ContactPoint& cp : p.telecom) telecom.push(dt_.contactPoint(cp));
  r.set("telecom", std::move(telecom));
  r.set("gender", p.sex);
  r.set("birthDate", dt_.date(p.birth_date, "Patient.birthDate"));
  // deceased[x] and multipleBirth[x] are choices: the date and the birth order say more than
  // the Y/N indicators (table 0136), which are written only without them.
  if (!p.deceased_time.empty()) {
    r.set("deceasedDateTime", dt_.dateTime(p.deceased_time, "Patient.deceasedDateTime"));
  } else if (p.deceased_indicator == "Y" || p.deceased_indicator == "N") {
    r.put("deceasedBoolean", Node::boolean(p.deceased_indicator == "Y"));
  }
  Node addresses = Node::array();
  for (const canonical::Address& a : p.addresses) addresses.push(dt_.address(a));
  r.set("address", std::move(addresses));
  if (!(p.marital_status == canonical::Coding{}))
    r.set("maritalStatus", dt_.codeableConcept(p.marital_status));
  if (p.birth_order && p.multiple_birth_indicator != "N") {
    r.put("multipleBirthInteger", Node::number(std::to_string(*p.birth_order)));
  } else if (p.multiple_birth_indicator == "Y" || p.multiple_birth_indicator == "N") {
    r.put("multipleBirthBoolean", Node::boolean(p.multiple_birth_indicator == "Y"));
  }
  if (Node language = dt_.codeableConcept(p.language); !language.empty()) {
    // PID-15 is the patient's primary language: the preferred one.
    Node communication = Node::object().set("language", std::move(language));
    communication.put("preferred", Node::boolean(true));
    r.set("communication", Node::array().push(std::move(communication)));
  }
  return finish(std::move(r));
}

Node ResourceWriter::encounter() {
  const canonical::Encounter& e = m_.encounter;
  Node r = begin("Encounter");
  if (!e.visit_number.value.empty()) r.set("identifier", Node::array().push(dt_.identifier(e.visit_number)));
  // Encounter.status is required and the canonical model keeps none: derived from the period.
  r.set("status", !e.discharge_time.empty() ? "finished" : !e.admit_time.empty() ? "in-progress" : "unknown");
  canonical::Coding cls = e.class_code;
  if (cls == canonical::Coding{} && !e.patient_class.empty()) {
    if (const auto mapped = terminology::toFhir("0004", e.patient_class)) {
      cls = {std::string(mapped->fhir_system), std::string(mapped->fhir_code), std::string(mapped->display)};
    }
  }
  if (cls == canonical::Coding{}) cls = {std::string(codes::kNullFlavor), "UNK", "unknown"};
  r.set("class", dt_.coding(cls));
  r.set("subject", patientRef(false));
  Node participants = Node::array();
  for (const auto& [list, code, display] :
       {std::tuple{&e.attending, "ATND", "attender"}, std::tuple{&e.admitting, "ADM", "admitter"}}) {
    for (const canonical::Practitioner& p : *list) {
      const canonical::Coding type{std::string(codes::kParticipationType), code, display};
      participants.push(Node::object()
                            .set("type", Node::array().push(dt_.codeableConcept(type)))
                            .set("individual", practitionerRef(p)));
    }
  }
  r.set("participant", std::move(participants));
  r.set("period", Node::object()
                      .set("start", dt_.dateTime(e.admit_time, "Encounter.period.start"))
                      .set("end", dt_.dateTime(e.discharge_time, "Encounter.period.end")));
  if (Node loc = locationRef(e.location); !loc.empty()) {
    r.set("location", Node::array().push(Node::object().set("location", std::move(loc))));
  }
  return finish(std::move(r));
}

Node ResourceWriter::messageHeader() {
  const canonical::Header& h = m_.header;
  Node r = begin("MessageHeader");
  Node tags = Node::array();
  if (!h.message_type.empty())
    tags.push(dt_.coding({std::string(codes::kV2MessageType), h.message_type, ""}));
  if (!h.message_structure.empty()) {
    tags.push(dt_.coding({std::string(codes::kV2MessageStructure), h.message_structure, ""}));
  }
  r.set("meta", Node::object().set("tag", std::move(tags)));
  if (!h.trigger_event.empty()) {
    r.set("eventCoding", dt_.coding({std::string(codes::kV2EventType), h.trigger_event, ""}));
  } else {
    // event[x] is required: a message without a trigger event names the message type at least.
    r.set("eventUri",
          "urn:ferry:event:" + (h.message_type.empty() ? std::string("unknown") : h.message_type));
  }
  if (!h.receiving_application.empty() || !h.receiving_facility.empty()) {
    const std::string name = h.receiving_application.empty() ? h.receiving_facility : h.receiving_application;
    r.set("destination",
          Node::array().push(Node::object()
                                 .set("name", h.receiving_application)
                                 .set("endpoint", "urn:ferry:application:" + name)
                                 .set("receiver", Node::object().set("display", h.receiving_facility))));
  }
  r.set("sender", Node::object().set("display", h.sending_facility));
  const std::string source = h.sending_application.empty() ? std::string("unknown") : h.sending_application;
  r.set("source",
        Node::object().set("name", h.sending_application).set("endpoint", "urn:ferry:application:" + source));
  return finish(std::move(r));
}

}  // namespace ferry::fhir
