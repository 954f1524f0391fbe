// The Bundle half of read(): each entry as it streams in (validation, reading, fidelity diff,
// skeleton), then, with all entries in, references, links between items, order merging and the
// settling of reference elements. Internal to the FHIR codec; the public entry point is reader.h.
//
// What is kept per entry until the end is small on purpose (a large Bundle has hundreds of
// thousands): fullUrls and reference elements are packed into arenas (text_arena.h), references
// to the patient and encounter are settled as soon as their entry has been seen, state is freed
// as soon as its step is done, and the layout of the Bundle is rebuilt at the end from the
// skeleton extensions, exactly as the writer will rebuild it. Nothing kept points into the
// input: read() gives the pages of entries read back to the system (bundle_stream.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/bundle_layout.h"
#include "parsers/fhir/fidelity.h"
#include "parsers/fhir/issue.h"
#include "parsers/fhir/json_input.h"
#include "parsers/fhir/resource_reader.h"
#include "parsers/fhir/text_arena.h"
#include "parsers/fhir/validator.h"

namespace ferry::fhir {

class BundleReader {
 public:
  BundleReader(const JsonInput& input, canonical::Message& message, std::vector<Issue>& issues,
               std::vector<Issue>& outcome);

  // Sizes the per-entry state once for about this many entries (a hint).
  void reserve(std::size_t entries);

  void entry(std::size_t index, const JsonValue& entry);
  void badEntry(std::size_t index);
  // Once every entry is in: the Bundle's own elements, then everything that needs all entries.
  void finish(const JsonValue& shell);

  // A resource that is not a Bundle.
  void single(const JsonValue& resource);

 private:
  struct EntryRecord {
    std::optional<ItemRef> item;    // as read (order indices provisional until merged)
    bool patient_type = false;      // a Patient resource, mapped or kept whole
    std::uint32_t first_check = 0;  // its reference checks: checks_[first_check, + check_count)
    std::uint32_t check_count = 0;
  };
  // A RefCheck waiting for the end, its path and raw JSON back to back in check_text_.
  struct KeptCheck {
    const char* text;
    std::uint32_t path_size;
    std::uint32_t raw_size;
  };
  // A Link waiting for the end. A reference to an entry already read is kept as that entry's
  // index; its text only when it names none yet, its path only for the patient (a warning).
  struct KeptLink {
    LinkRole role;
    ItemRef from;
    std::uint32_t slot = 0;
    std::uint32_t target = kUnresolved;
    std::string_view reference;  // in link_text_
    std::string_view path;       // in link_text_

    static constexpr std::uint32_t kUnresolved = UINT32_MAX;
  };
  struct PendingReference {
    std::string path;
    std::string reference;
  };

  std::optional<std::size_t> byFullUrl(std::string_view reference) const;
  std::optional<std::size_t> resolve(std::string_view reference) const;
  std::optional<std::size_t> resolve(const KeptLink& link) const;
  void keepLinks();
  bool isExternal(std::string_view reference) const;
  void checkReferences(const JsonValue& resource);
  void settleEarly(std::size_t firstNewLink, std::vector<RefCheck>& checks);
  void keepChecks(EntryRecord& record, const std::vector<RefCheck>& checks);
  std::vector<RefCheck> checksOf(const EntryRecord& record) const;
  std::string skeleton(const JsonValue& entry, std::string_view resourceType, bool whole) const;
  void keepKnownResource(std::size_t index, std::string_view type, const JsonValue& resource);

  void resolvePending();
  void mergeOrders();
  void applyLinks();
  void settle();

  const JsonInput& input_;
  canonical::Message& msg_;
  std::vector<Issue>& issues_;
  std::vector<Issue>& outcome_;
  std::vector<Link> links_;  // scratch, per entry: what ResourceReader found
  std::vector<KeptLink> kept_links_;
  TextArena link_text_;
  ResourceReader reader_;
  std::vector<EntryRecord> records_;
  std::vector<KeptCheck> checks_;
  TextArena check_text_;
  std::vector<RefCheck> entry_checks_;  // scratch, per entry
  std::vector<BundleEntryFacts> facts_;
  std::string first_resource_type_;       // what facts_[0].resource_type views
  std::vector<ReferenceUse> references_;  // scratch, per entry
  std::vector<PendingReference> pending_;
  TextArena full_urls_;
  // Views into full_urls_, not into the input: the input's pages are released as entries are read.
  std::unordered_map<std::string_view, std::size_t> by_full_url_;
  std::unordered_map<std::string, std::size_t> by_type_id_;
  std::unordered_map<std::size_t, canonical::Practitioner> practitioners_;
  std::unordered_map<std::size_t, canonical::Organization> organizations_;
  std::unordered_map<std::size_t, canonical::Location> locations_;
  std::unordered_map<std::size_t, canonical::HumanName> people_;  // RelatedPerson names
  std::string patient_ref_;  // {"reference": ...} the writer will give the patient, once known
  std::string encounter_ref_;
  std::vector<std::uint32_t> order_map_;  // provisional order index -> final
  WriterIndex notes_index_;               // notes by item while entries stream in
};

}  // namespace ferry::fhir
