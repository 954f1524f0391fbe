#include "parsers/fhir/bundle_reader.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "parsers/fhir/resource_writer.h"

namespace ferry::fhir {
namespace {

// References as the writer makes them while the reader compares: link elements are compared
// later (RefCheck), so their value does not matter here.
class DiffReferences : public ReferenceContext {
 public:
  Node reference(ItemRef) const override { return Node::object().set("reference", "#"); }
  bool comparing() const override { return true; }
};

bool isOrder(const std::optional<ItemRef>& item) {
  return item && (item->kind == ResourceKind::ServiceRequest || item->kind == ResourceKind::DiagnosticReport);
}

bool requestFacts(const canonical::Order& o) {
  return !o.placer_order_number.value.empty() || !(o.ordering_provider == canonical::Practitioner{}) ||
         !o.requested_time.empty() || !o.order_control.empty() || !o.order_status.empty() ||
         !o.reason_codes.empty();
}

template <typename T>
bool agree(const T& a, const T& b) {
  return a == T{} || b == T{} || a == b;
}

template <typename T>
void fill(T& into, const T& from) {
  if (into == T{}) into = from;
}

}  // namespace

BundleReader::BundleReader(const JsonInput& input, canonical::Message& message, std::vector<Issue>& issues,
                           std::vector<Issue>& outcome)
    : input_(input),
      msg_(message),
      issues_(issues),
      outcome_(outcome),
      reader_(input, message, links_, issues) {
  msg_.header.source_format = std::string(canonical::kSourceFhir);
}

void BundleReader::reserve(std::size_t entries) {
  records_.reserve(entries);
  facts_.reserve(entries);
  by_full_url_.reserve(entries);
}

void BundleReader::badEntry(std::size_t index) {
  issues_.push_back({Severity::Error, "structure", "a Bundle entry must be a JSON object; it was skipped",
                     entryPath(index), std::nullopt});
  (void)index;
  records_.emplace_back();
  facts_.emplace_back();
}

std::string BundleReader::skeleton(const JsonValue& entry, std::string_view resourceType, bool whole) const {
  if (whole) return input_.json(entry);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  const std::string defaultRequest = R"({"method":"POST","url":")" + std::string(resourceType) + R"("})";
  for (auto it = entry.MemberBegin(); it != entry.MemberEnd(); ++it) {
    // The request every transaction entry of this type would get is left out: the writer
    // makes it again for transactions and batches.
    if (keyOf(it) == "request" && input_.json(it->value) == defaultRequest) continue;
    w.Key(it->name.GetString(), it->name.GetStringLength());
    if (keyOf(it) == "resource") {
      w.StartObject();
      w.Key("resourceType");
      w.String(resourceType.data(), static_cast<rapidjson::SizeType>(resourceType.size()));
      w.EndObject();
    } else {
      const std::string value = input_.json(it->value);
      w.RawValue(value.data(), value.size(), rapidjson::kObjectType);
    }
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void BundleReader::keepKnownResource(std::size_t index, std::string_view type, const JsonValue& resource) {
  const DatatypeReader& dt = reader_.datatypes();
  if (type == "Practitioner") {
    practitioners_[index] = dt.practitioner(&resource);
  } else if (type == "Organization") {
    organizations_[index] = dt.organization(&resource);
  } else if (type == "Location") {
    locations_[index] = readLocation(dt, resource, nullptr);
  } else if (type == "RelatedPerson") {
    people_[index] = dt.humanName(DatatypeReader::at(&resource, "name"));
  } else if (type == "OperationOutcome") {
    for (Issue& issue : reader_.operationOutcome(resource)) outcome_.push_back(std::move(issue));
  }
}

void BundleReader::entry(std::size_t index, const JsonValue& entry) {
  const std::string path = entryPath(index);
  references_.clear();
  Validator validator(input_, issues_, &references_);
  validator.bundleEntry(entry, path);

  BundleEntryFacts facts = entryFacts(input_, entry);
  const std::string_view fullUrl = facts.full_url;
  const std::string type(facts.resource_type);
  facts.full_url = {};
  facts.resource_type = {};
  if (facts_.empty()) {  // only the first entry's type matters to the rules
    first_resource_type_ = type;
    facts.resource_type = first_resource_type_;
  }
  facts_.push_back(facts);
  if (!fullUrl.empty() && !by_full_url_.contains(fullUrl)) {
    by_full_url_.emplace(full_urls_.keep(fullUrl), index);
  } else if (!fullUrl.empty()) {
    issues_.push_back(
        {Severity::Error, "invalid",
         "fullUrl " + std::string(fullUrl) + " is the fullUrl of an earlier entry as well (bdl-7)",
         path + ".fullUrl", std::nullopt});
  }
  const JsonValue* resource = member(entry, "resource");
  const DatatypeReader& dt = reader_.datatypes();
  if (const std::string id = dt.text(resource, "id"); !type.empty() && !id.empty()) {
    by_type_id_.emplace(type + "/" + id, index);
  }

  EntryRecord record;
  record.patient_type = type == "Patient";
  entry_checks_.clear();
  const std::size_t firstNewLink = links_.size();
  const std::optional<ResourceKind> kind = resourceKindOf(type);
  if (resource != nullptr && resource->IsObject() && kind) {
    record.item = reader_.read(*kind, *resource, path + ".resource");
  }
  msg_.extensions.push_back({path, "fhir", skeleton(entry, type, !record.item)});
  if (record.item) {
    const DiffReferences references;
    notes_index_.addNotes(msg_);
    ResourceWriter writer(msg_, references, {}, nullptr, &notes_index_);
    const Node generated = writer.write(*record.item);
    diffResource(input_, *resource, generated, type, path + ".resource", msg_.extensions, &entry_checks_);
    if (!fullUrl.empty() && record.item->kind == ResourceKind::Patient) {
      patient_ref_ = Node::object().set("reference", referenceTo(fullUrl, ResourceKind::Patient)).json();
    }
    if (!fullUrl.empty() && record.item->kind == ResourceKind::Encounter) {
      encounter_ref_ = Node::object().set("reference", referenceTo(fullUrl, ResourceKind::Encounter)).json();
    }
  } else if (resource != nullptr && resource->IsObject()) {
    keepKnownResource(index, type, *resource);
  }
  if (resource != nullptr) checkReferences(*resource);
  records_.push_back(record);
  settleEarly(firstNewLink, entry_checks_);
  keepLinks();
  keepChecks(records_.back(), entry_checks_);
}

void BundleReader::keepChecks(EntryRecord& record, const std::vector<RefCheck>& checks) {
  record.first_check = static_cast<std::uint32_t>(checks_.size());
  record.check_count = static_cast<std::uint32_t>(checks.size());
  for (const RefCheck& c : checks) {
    const std::string_view text = check_text_.keep(c.path + c.raw);
    checks_.push_back(
        {text.data(), static_cast<std::uint32_t>(c.path.size()), static_cast<std::uint32_t>(c.raw.size())});
  }
}

std::vector<RefCheck> BundleReader::checksOf(const EntryRecord& record) const {
  std::vector<RefCheck> out;
  out.reserve(record.check_count);
  for (std::uint32_t k = record.first_check; k < record.first_check + record.check_count; ++k) {
    const KeptCheck& c = checks_[k];
    out.push_back({std::string(c.text, c.path_size), std::string(c.text + c.path_size, c.raw_size)});
  }
  return out;
}

void BundleReader::settleEarly(std::size_t firstNewLink, std::vector<RefCheck>& checks) {
  // Links to the patient and the encounter need nothing but a check once their entry is known.
  auto done = [&](const Link& link) {
    if (link.role != LinkRole::Patient && link.role != LinkRole::Encounter) return false;
    const std::optional<std::size_t> t = resolve(link.reference);
    if (!t) return false;
    if (link.role == LinkRole::Patient && records_[*t].patient_type && !records_[*t].item) {
      issues_.push_back({Severity::Warning, "not-supported",
                         "refers to a second Patient; Ferry keeps one patient a message (the first) and "
                         "keeps the others as they are",
                         std::string(link.path), std::nullopt});
    }
    return true;
  };
  links_.erase(std::remove_if(links_.begin() + static_cast<std::ptrdiff_t>(firstNewLink), links_.end(), done),
               links_.end());
  // Reference elements that name the patient or encounter exactly as the writer will.
  const bool patient = !patient_ref_.empty() && !(msg_.patient == canonical::Patient{});
  const bool encounter = !encounter_ref_.empty() && !(msg_.encounter == canonical::Encounter{});
  std::erase_if(checks, [&](const RefCheck& c) {
    if (c.path == "subject" || c.path == "patient" || c.path == "beneficiary")
      return patient && c.raw == patient_ref_;
    return c.path == "encounter" && encounter && c.raw == encounter_ref_;
  });
}

void BundleReader::keepLinks() {
  for (const Link& link : links_) {
    KeptLink kept{link.role, link.from, link.slot, KeptLink::kUnresolved, {}, {}};
    // Only a fullUrl is settled for good: a later entry cannot take it (bdl-7 keeps the
    // first), while a "Type/id" resolved now could name a later fullUrl at the end.
    if (const std::optional<std::size_t> t = byFullUrl(link.reference)) {
      kept.target = static_cast<std::uint32_t>(*t);
    } else {
      kept.reference = link_text_.keep(link.reference);
    }
    if (link.role == LinkRole::Patient) kept.path = link_text_.keep(link.path);
    kept_links_.push_back(kept);
  }
  links_.clear();
}

std::optional<std::size_t> BundleReader::resolve(const KeptLink& link) const {
  if (link.target != KeptLink::kUnresolved) return link.target;
  return resolve(link.reference);
}

std::optional<std::size_t> BundleReader::byFullUrl(std::string_view reference) const {
  if (const std::size_t history = reference.find("/_history/"); history != std::string_view::npos) {
    reference = reference.substr(0, history);
  }
  if (const auto it = by_full_url_.find(reference); it != by_full_url_.end()) return it->second;
  return std::nullopt;
}

std::optional<std::size_t> BundleReader::resolve(std::string_view reference) const {
  if (const std::optional<std::size_t> t = byFullUrl(reference)) return t;
  if (const std::size_t history = reference.find("/_history/"); history != std::string_view::npos) {
    reference = reference.substr(0, history);
  }
  if (by_type_id_.empty()) return std::nullopt;
  if (const auto it = by_type_id_.find(std::string(reference)); it != by_type_id_.end()) return it->second;
  return std::nullopt;
}

bool BundleReader::isExternal(std::string_view reference) const {
  // Absolute URLs may name resources on other servers; conditional references ("Patient?
  // identifier=...") are resolved by the server processing a transaction.
  return reference.rfind("http://", 0) == 0 || reference.rfind("https://", 0) == 0 ||
         reference.find('?') != std::string_view::npos;
}

void BundleReader::checkReferences(const JsonValue& resource) {
  for (ReferenceUse& use : references_) {
    const std::string_view ref = use.reference;
    if (!ref.empty() && ref[0] == '#') {
      if (ref != "#" && containedResource(resource, ref) == nullptr) {
        issues_.push_back({Severity::Error, "not-found",
                           "reference " + use.reference + " names no contained resource", use.path,
                           std::nullopt});
      }
      continue;
    }
    if (resolve(ref) || isExternal(ref)) continue;
    pending_.push_back({std::move(use.path), std::move(use.reference)});
  }
  references_.clear();
}

void BundleReader::resolvePending() {
  for (const PendingReference& p : pending_) {
    if (resolve(p.reference)) continue;
    issues_.push_back({Severity::Error, "not-found",
                       "reference " + p.reference + " names no entry of this Bundle (dangling reference)",
                       p.path, std::nullopt});
  }
  std::vector<PendingReference>().swap(pending_);
}

void BundleReader::finish(const JsonValue& shell) {
  Validator validator(input_, issues_);
  validator.bundleShell(shell);
  if (const JsonValue* entries = member(shell, "entry"); entries != nullptr && !entries->IsArray()) {
    issues_.push_back(
        {Severity::Error, "structure", "Bundle.entry must be a JSON array", "Bundle.entry", std::nullopt});
  }
  reader_.bundleShell(shell);
  const std::string type = reader_.datatypes().text(&shell, "type");
  checkBundleRules(type, facts_, issues_);
  std::vector<BundleEntryFacts>().swap(facts_);
  std::vector<RefCheck>().swap(entry_checks_);

  const DatatypeWriter dt(msg_, {}, nullptr);
  static constexpr std::string_view kSkip[] = {"type", "entry"};
  diffResource(input_, shell, bundleShell(msg_, type, dt), "Bundle", "Bundle", msg_.extensions, nullptr,
               kSkip);

  resolvePending();
  applyLinks();  // clinicians, organizations, locations first: a merge needs the orderer
  mergeOrders();
  settle();
}

void BundleReader::applyLinks() {
  // Values of whole-kept entries (Practitioner, Organization, Location, RelatedPerson) go where
  // the references to them point.
  for (const KeptLink& link : kept_links_) {
    const std::optional<std::size_t> target = resolve(link);
    if (!target) continue;
    const std::size_t t = *target;
    const std::uint32_t i = link.from.index;
    if (link.role == LinkRole::Practitioner && practitioners_.count(t) != 0) {
      const canonical::Practitioner& p = practitioners_[t];
      switch (link.from.kind) {
        case ResourceKind::Observation:
          (link.slot == kSlotMedicalDirector ? msg_.observations[i].medical_director
                                             : msg_.observations[i].performer) = p;
          break;
        case ResourceKind::Immunization:
          msg_.immunizations[i].performer = p;
          break;
        case ResourceKind::ServiceRequest:
          msg_.orders[i].ordering_provider = p;
          break;
        case ResourceKind::Encounter:
          if (link.slot >= kSlotAdmitting) {
            msg_.encounter.admitting.at(link.slot - kSlotAdmitting) = p;
          } else {
            msg_.encounter.attending.at(link.slot) = p;
          }
          break;
        default:
          break;
      }
    } else if (link.role == LinkRole::Organization && organizations_.count(t) != 0) {
      const canonical::Organization& o = organizations_[t];
      switch (link.from.kind) {
        case ResourceKind::Coverage:
          msg_.coverages[i].payer = o;
          break;
        case ResourceKind::Claim:
          (link.slot == kSlotProvider ? msg_.claims[i].provider : msg_.claims[i].payer) = o;
          break;
        case ResourceKind::ClaimResponse:
          msg_.claim_responses[i].payer = o;
          break;
        case ResourceKind::Observation:
          msg_.observations[i].performing_organization = o;
          break;
        default:
          break;
      }
    } else if (link.role == LinkRole::Location && locations_.count(t) != 0) {
      msg_.encounter.location = locations_[t];
    } else if (link.role == LinkRole::Subscriber) {
      if (people_.count(t) != 0) {
        msg_.coverages[i].subscriber_name = people_[t];
      } else if (records_[t].item && records_[t].item->kind == ResourceKind::Patient &&
                 !msg_.patient.names.empty()) {
        msg_.coverages[i].subscriber_name = msg_.patient.names[0];
      }
    } else if (link.role == LinkRole::Patient && records_[t].patient_type && !records_[t].item) {
      issues_.push_back({Severity::Warning, "not-supported",
                         "refers to a second Patient; Ferry keeps one patient a message (the first) and "
                         "keeps the others as they are",
                         std::string(link.path), std::nullopt});
    }
  }
}

void BundleReader::mergeOrders() {
  // A DiagnosticReport based on one ServiceRequest of the Bundle becomes one canonical order
  // with it (v2: one ORC/OBR), when their facts agree and the entry order lets the writer put
  // both back in their entries (see bundle_layout.h): the request comes first, and merged reports
  // keep the order of their requests.
  const std::size_t n = msg_.orders.size();
  std::vector<std::size_t> entryOf(n, 0);
  std::vector<bool> isReport(n, false);
  for (std::size_t e = 0; e < records_.size(); ++e) {
    if (!isOrder(records_[e].item)) continue;
    entryOf[records_[e].item->index] = e;
    isReport[records_[e].item->index] = records_[e].item->kind == ResourceKind::DiagnosticReport;
  }
  std::vector<int> basedOnCount(n, 0);
  std::vector<std::uint32_t> basedOn(n, 0);
  for (const KeptLink& link : kept_links_) {
    if (link.role != LinkRole::ReportBasedOn) continue;
    const std::optional<std::size_t> t = resolve(link);
    if (!t || !records_[*t].item || records_[*t].item->kind != ResourceKind::ServiceRequest) continue;
    ++basedOnCount[link.from.index];
    basedOn[link.from.index] = records_[*t].item->index;
  }
  std::vector<std::optional<std::uint32_t>> mergedInto(n);
  std::vector<bool> requestTaken(n, false);
  std::optional<std::size_t> lastKey;
  for (std::uint32_t p = 0; p < n; ++p) {
    if (!isReport[p]) continue;
    const std::uint32_t s = basedOn[p];
    const canonical::Order& sr = msg_.orders[s];
    const canonical::Order& dr = msg_.orders[p];
    const bool ok = basedOnCount[p] == 1 && entryOf[s] < entryOf[p] && !requestTaken[s] &&
                    (!lastKey || entryOf[s] > *lastKey) && requestFacts(sr) && agree(sr.code, dr.code) &&
                    agree(sr.observation_time, dr.observation_time) &&
                    agree(sr.filler_order_number, dr.filler_order_number);
    if (!ok) {
      lastKey = entryOf[p];
      continue;
    }
    canonical::Order& into = msg_.orders[s];
    fill(into.code, dr.code);
    fill(into.observation_time, dr.observation_time);
    fill(into.filler_order_number, dr.filler_order_number);
    into.result_status = dr.result_status;
    into.results_time = dr.results_time;
    mergedInto[p] = s;
    requestTaken[s] = true;
    lastKey = entryOf[s];
  }
  // Compacted in place: a second vector of orders would be a second copy of them at the peak.
  order_map_.assign(n, 0);
  std::uint32_t kept = 0;
  for (std::uint32_t p = 0; p < n; ++p) {
    if (mergedInto[p]) {
      order_map_[p] = order_map_[*mergedInto[p]];
      continue;
    }
    order_map_[p] = kept;
    if (kept != p) msg_.orders[kept] = std::move(msg_.orders[p]);
    ++kept;
  }
  msg_.orders.erase(msg_.orders.begin() + kept, msg_.orders.end());
  for (canonical::Note& note : msg_.notes) {
    if (note.order_index) note.order_index = order_map_[*note.order_index];
  }
  for (KeptLink& link : kept_links_) {
    if (link.from.kind == ResourceKind::ServiceRequest || link.from.kind == ResourceKind::DiagnosticReport) {
      link.from.index = order_map_[link.from.index];
    }
  }
  for (EntryRecord& record : records_) {
    if (isOrder(record.item)) record.item->index = order_map_[record.item->index];
  }
}

void BundleReader::settle() {
  // Links that tie results and specimens to orders: a report's result list first, then what
  // the results and specimens say themselves.
  for (int pass = 0; pass < 2; ++pass) {
    for (const KeptLink& link : kept_links_) {
      const std::optional<std::size_t> t = resolve(link);
      if (!t || !records_[*t].item) continue;
      const ItemRef target = *records_[*t].item;
      const std::uint32_t i = link.from.index;
      if (pass == 0 && link.role == LinkRole::ReportResult && target.kind == ResourceKind::Observation) {
        msg_.observations[target.index].order_index = i;
      } else if (pass == 0 && link.role == LinkRole::OrderSpecimen && target.kind == ResourceKind::Specimen) {
        if (!msg_.specimens[target.index].order_index) msg_.specimens[target.index].order_index = i;
      } else if (pass == 1 && link.role == LinkRole::ObservationBasedOn && isOrder(target)) {
        if (!msg_.observations[i].order_index) msg_.observations[i].order_index = target.index;
      } else if (pass == 1 && link.role == LinkRole::SpecimenRequest && isOrder(target)) {
        if (!msg_.specimens[i].order_index) msg_.specimens[i].order_index = target.index;
      } else if (pass == 1 && link.role == LinkRole::ClaimRequest && target.kind == ResourceKind::Claim) {
        if (msg_.claim_responses[i].claim_id.empty()) {
          msg_.claim_responses[i].claim_id = msg_.claims[target.index].claim_id;
        }
      }
    }
  }
  // Nothing is resolved after this point: the links and the fullUrl index go before the
  // layout is built.
  std::vector<KeptLink>().swap(kept_links_);
  link_text_ = TextArena();
  decltype(by_full_url_)().swap(by_full_url_);
  decltype(by_type_id_)().swap(by_type_id_);
  full_urls_ = TextArena();

  // Reference elements against the resources as they will be written. References to the
  // patient and the encounter are what the writer makes whenever the message has them, so they
  // are compared without writing the resource again.
  BundleLayout layout = BundleLayout::fromMessage(msg_);
  layout.assignItems(msg_);
  const BundleReferences references(layout, msg_);
  const std::string patientRef = msg_.patient == canonical::Patient{}
                                     ? std::string()
                                     : references.reference({ResourceKind::Patient, 0}).json();
  const std::string encounterRef = msg_.encounter == canonical::Encounter{}
                                       ? std::string()
                                       : references.reference({ResourceKind::Encounter, 0}).json();
  auto obvious = [&](const RefCheck& c) {
    if (c.path == "subject" || c.path == "patient" || c.path == "beneficiary") {
      return !patientRef.empty() && c.raw == patientRef;
    }
    return c.path == "encounter" && !encounterRef.empty() && c.raw == encounterRef;
  };
  const WriterIndex index = WriterIndex::build(msg_);
  std::vector<const LayoutEntry*> byIndex(records_.size(), nullptr);
  for (const LayoutEntry& entry : layout.entries) {
    if (entry.index < byIndex.size()) byIndex[entry.index] = &entry;
  }
  for (std::size_t e = 0; e < records_.size(); ++e) {
    EntryRecord& record = records_[e];
    if (!record.item) continue;
    const std::optional<ItemRef> placed = byIndex[e] != nullptr ? byIndex[e]->item : std::nullopt;
    if (!placed || !(*placed == *record.item)) {
      issues_.push_back({Severity::Warning, "processing",
                         "this entry cannot be tied back to its canonical item; writing the message "
                         "again may place it elsewhere",
                         entryPath(e), std::nullopt});
      continue;
    }
    if (record.check_count == 0) continue;
    std::vector<RefCheck> checks = checksOf(record);
    std::erase_if(checks, obvious);
    if (checks.empty()) continue;
    ResourceWriter writer(msg_, references, {}, nullptr, &index);
    settleReferences(writer.write(*placed), checks, entryPath(e) + ".resource", msg_.extensions);
  }
}

void BundleReader::single(const JsonValue& resource) {
  references_.clear();
  Validator validator(input_, issues_, &references_);
  const DatatypeReader& dt = reader_.datatypes();
  const std::string type = dt.text(&resource, "resourceType");
  const std::string root = type.empty() ? std::string("Resource") : type;
  const bool known = validator.resource(resource, root);
  for (const ReferenceUse& use : references_) {
    if (!use.reference.empty() && use.reference[0] == '#' && use.reference != "#" &&
        containedResource(resource, use.reference) == nullptr) {
      issues_.push_back({Severity::Error, "not-found",
                         "reference " + use.reference + " names no contained resource", use.path,
                         std::nullopt});
    }
  }
  references_.clear();
  const std::optional<ResourceKind> kind = resourceKindOf(type);
  std::optional<ItemRef> item;
  if (known && kind) item = reader_.read(*kind, resource, root);
  if (!item) {
    msg_.extensions.push_back({root, "fhir", input_.json(resource)});
    if (type == "OperationOutcome") {
      for (Issue& issue : reader_.operationOutcome(resource)) outcome_.push_back(std::move(issue));
    } else if (known) {
      issues_.push_back({Severity::Information, "not-supported",
                         type + " has no canonical counterpart; it is kept whole as an extension", root,
                         std::nullopt});
    }
    return;
  }
  std::vector<RefCheck> checks;
  {
    const DiffReferences references;
    ResourceWriter writer(msg_, references, {}, nullptr);
    diffResource(input_, resource, writer.write(*item), type, root, msg_.extensions, &checks);
  }
  links_.clear();  // a single resource's references name resources elsewhere: kept as they are
  const LogicalReferences references(msg_);
  ResourceWriter writer(msg_, references, {}, nullptr);
  settleReferences(writer.write(*item), checks, root, msg_.extensions);
}

}  // namespace ferry::fhir
