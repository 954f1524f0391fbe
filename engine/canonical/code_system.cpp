#include "engine/canonical/code_system.h"

#include <array>
#include <cstring>

namespace ferry::canonical {

namespace {

// The code systems Ferry's codecs write and read: the URIs of v2 table 0396 and of the concept
// maps in parsers/terminology, the v2 tables and FHIR systems the FHIR codec writes
// (parsers/fhir/fhir_codes.h), and the FHIR Observation category system. A URI missing here
// still works; it only costs its own heap block per coding.
constexpr std::array kWellKnownUris = {
    "http://loinc.org",
    "http://snomed.info/sct",
    "http://unitsofmeasure.org",
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
    "http://terminology.hl7.org/CodeSystem/observation-category",
    "http://terminology.hl7.org/CodeSystem/v2-0001",
    "http://terminology.hl7.org/CodeSystem/v2-0002",
    "http://terminology.hl7.org/CodeSystem/v2-0003",
    "http://terminology.hl7.org/CodeSystem/v2-0004",
    "http://terminology.hl7.org/CodeSystem/v2-0005",
    "http://terminology.hl7.org/CodeSystem/v2-0063",
    "http://terminology.hl7.org/CodeSystem/v2-0074",
    "http://terminology.hl7.org/CodeSystem/v2-0076",
    "http://terminology.hl7.org/CodeSystem/v2-0078",
    "http://terminology.hl7.org/CodeSystem/v2-0085",
    "http://terminology.hl7.org/CodeSystem/v2-0119",
    "http://terminology.hl7.org/CodeSystem/v2-0123",
    "http://terminology.hl7.org/CodeSystem/v2-0136",
    "http://terminology.hl7.org/CodeSystem/v2-0162",
    "http://terminology.hl7.org/CodeSystem/v2-0163",
    "http://terminology.hl7.org/CodeSystem/v2-0189",
    "http://terminology.hl7.org/CodeSystem/v2-0203",
    "http://terminology.hl7.org/CodeSystem/v2-0322",
    "http://terminology.hl7.org/CodeSystem/v2-0354",
    "http://terminology.hl7.org/CodeSystem/v2-0396",
    "http://terminology.hl7.org/CodeSystem/v2-0443",
    "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "http://terminology.hl7.org/CodeSystem/v3-NullFlavor",
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
    "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration",
    "http://terminology.hl7.org/CodeSystem/location-physical-type",
    "http://terminology.hl7.org/CodeSystem/coverage-class",
    "http://terminology.hl7.org/CodeSystem/processpriority",
    "http://terminology.hl7.org/CodeSystem/adjudication",
    "http://terminology.hl7.org/CodeSystem/ex-paymenttype",
    "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
    "http://terminology.hl7.org/CodeSystem/claim-type",
    "http://hl7.org/fhir/sid/cvx",
    "http://hl7.org/fhir/sid/mvx",
    "http://hl7.org/fhir/sid/ndc",
    "http://hl7.org/fhir/sid/icd-10",
    "http://hl7.org/fhir/sid/icd-10-cm",
    "http://hl7.org/fhir/sid/icd-9-cm",
    "http://hl7.org/fhir/administrative-gender",
    "http://hl7.org/fhir/observation-status",
    "http://hl7.org/fhir/diagnostic-report-status",
    "http://hl7.org/fhir/request-status",
    "http://www.cms.gov/Medicare/Coding/ICD10",
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "http://www.nlm.nih.gov/research/umls/rxnorm",
    "http://www.ama-assn.org/go/cpt",
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
    "http://nucc.org/provider-taxonomy",
    "https://x12.org/codes/claim-adjustment-group-codes",
    "https://x12.org/codes/claim-adjustment-reason-codes",
    "urn:oid:2.16.840.1.113883.6.238",
};

// Open addressing over a power of two at least four times the list: a look-up is one hash, and
// nearly always one comparison with the URI in its slot or an empty slot.
constexpr std::size_t kSlots = 256;
static_assert(kSlots >= 4 * kWellKnownUris.size());

// Every well-known URI has at least 16 characters: shorter text fits std::string's own buffer, so
// sharing it would gain nothing, and the hash may read the last four characters unchecked.
constexpr std::size_t kShortestShared = 16;

constexpr bool noneShorterThanShared() {
  for (std::string_view uri : kWellKnownUris) {
    if (uri.size() < kShortestShared) return false;
  }
  return true;
}
static_assert(noneShorterThanShared());

// The URIs differ in length and in their last characters (v2-0078, v2-0085): a hash of those is
// enough, and cheap next to the comparison that confirms a match.
std::size_t slotOf(std::string_view text) {
  const std::size_t n = text.size();
  const auto last = [&](std::size_t i) { return static_cast<unsigned char>(text[n - i]); };
  const std::size_t h = (((n * 31 + last(4)) * 31 + last(3)) * 31 + last(2)) * 31 + last(1);
  return h & (kSlots - 1);
}

struct WellKnownTable {
  std::array<std::string, kWellKnownUris.size()> uris;
  std::array<const std::string*, kSlots> slots{};

  WellKnownTable() {
    for (std::size_t i = 0; i < uris.size(); ++i) {
      uris[i] = kWellKnownUris[i];
      std::size_t s = slotOf(uris[i]);
      while (slots[s] != nullptr) s = (s + 1) & (kSlots - 1);
      slots[s] = &uris[i];
    }
  }
};

// Built on first use, so a CodeSystem made during static initialization elsewhere finds it
// ready; immutable afterwards.
const WellKnownTable& wellKnownTable() {
  static const WellKnownTable table;
  return table;
}

}  // namespace

const std::string* findWellKnownCodeSystem(std::string_view text) {
  // Short text (a v2 coding system id: "L", "99LAB") fits std::string's own buffer anyway.
  if (text.size() < kShortestShared) return nullptr;
  const WellKnownTable& table = wellKnownTable();
  for (std::size_t s = slotOf(text);; s = (s + 1) & (kSlots - 1)) {
    const std::string* uri = table.slots[s];
    if (uri == nullptr) return nullptr;
    if (uri->size() == text.size() && std::memcmp(uri->data(), text.data(), text.size()) == 0) return uri;
  }
}

CodeSystem& CodeSystem::assign(std::string_view text) {
  known_ = findWellKnownCodeSystem(text);
  if (known_ != nullptr) {
    own_.clear();
  } else {
    own_.assign(text);
  }
  return *this;
}

CodeSystem& CodeSystem::assign(std::string&& text) {
  known_ = findWellKnownCodeSystem(text);
  if (known_ != nullptr) {
    own_.clear();
  } else {
    own_ = std::move(text);
  }
  return *this;
}

}  // namespace ferry::canonical
