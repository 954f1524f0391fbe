// The Bundle half of read(): each entry as it streams in (validation, reading, fidelity diff,
// skeleton), then, with all entries in, references, links between items, order merging and the
// settling of reference elements. Internal to the FHIR codec; the public entry point is reader.h.
//
// What is kept per entry until the end is small on purpose (a large Bundle has hundreds of
// thousands): strings point into the in-situ buffer, references to the patient and encounter
// are settled as soon as their entry has been seen, and the layout of the Bundle is rebuilt at
// the end from the skeleton extensions, exactly as the writer will rebuild it.
#pragma once

#include <cstddef>
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
#include "parsers/fhir/validator.h"

namespace ferry::fhir {

class BundleReader {
public:
    BundleReader(const JsonInput& input, canonical::Message& message, std::vector<Issue>& issues,
                 std::vector<Issue>& outcome);

    void entry(std::size_t index, const JsonValue& entry);
    void badEntry(std::size_t index);
    /// Once every entry is in: the Bundle's own elements, then everything that needs all entries.
    void finish(const JsonValue& shell);

    /// A resource that is not a Bundle.
    void single(const JsonValue& resource);

private:
    struct EntryRecord {
        std::optional<ItemRef> item;  ///< as read (order indices provisional until merged)
        bool patient_type = false;    ///< a Patient resource, mapped or kept whole
        std::vector<RefCheck> checks;
    };
    struct PendingReference {
        std::string path;
        std::string reference;
    };

    std::optional<std::size_t> resolve(std::string_view reference) const;
    bool isExternal(std::string_view reference) const;
    void checkReferences(const JsonValue& resource);
    void settleEarly(std::size_t firstNewLink, EntryRecord& record);
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
    std::vector<Link> links_;
    ResourceReader reader_;
    std::vector<EntryRecord> records_;
    std::vector<BundleEntryFacts> facts_;
    std::vector<ReferenceUse> references_;  // scratch, per entry
    std::vector<PendingReference> pending_;
    std::unordered_map<std::string_view, std::size_t> by_full_url_;  // views into the buffer
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
