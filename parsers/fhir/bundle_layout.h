// Where the resources of a Bundle Ferry read were, so that writing the message back puts each
// resource in its entry again, under its fullUrl, with its entry's request.
//
// The reader keeps each entry as an extension at "Bundle.entry[N]" (the skeleton): the entry as
// received with its resource reduced to {"resourceType": ...} when the resource was mapped to the
// canonical model, or the whole entry when it was not (a Practitioner, a Provenance, a second
// Patient). The k-th mapped entry of a type holds the k-th resource of that type the writer
// makes from the message (ResourceWriter::items), so the skeletons alone tie entries to
// canonical items (assignItems()). Practitioner, Organization and Location entries kept whole are
// also where references to clinicians, payers and locations point when their values match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/datatype_writer.h"
#include "parsers/fhir/resource_kind.h"
#include "parsers/fhir/resource_writer.h"
#include "parsers/fhir/text_arena.h"

namespace ferry::fhir {

struct LayoutEntry {
  std::size_t index = 0;      // N of Bundle.entry[N]
  std::string_view full_url;  // in the layout's own arena
  std::string resource_type;  // empty for an entry without a resource
  bool whole = false;         // the skeleton holds the whole entry: written as it is
  std::optional<ItemRef> item;
};

template <typename T>
struct KnownResource {
  std::string full_url;
  T value;
};

class BundleLayout {
 public:
  // The layout recorded in a message's "Bundle.entry[N]" extensions (empty for messages that
  // did not come from a FHIR Bundle).
  static BundleLayout fromMessage(const canonical::Message& message);

  // Ties each mapped entry to its canonical item, in order per resource type.
  void assignItems(const canonical::Message& message);

  // The entry an item was placed in; nullptr when it has none (a new item).
  const LayoutEntry* entryOf(ItemRef item) const;

  std::vector<LayoutEntry> entries;
  std::vector<KnownResource<canonical::Practitioner>> practitioners;
  std::vector<KnownResource<canonical::Organization>> organizations;
  std::vector<KnownResource<canonical::Location>> locations;

 private:
  TextArena full_urls_;  // a Bundle read back has hundreds of thousands: packed, not a string each
  // Per resource type, the entry of each item (kNoEntry when none): four bytes an item, where a
  // hash map would take ten times that for a Bundle of a hundred thousand results.
  static constexpr std::uint32_t kNoEntry = UINT32_MAX;
  std::vector<std::uint32_t> by_item_[std::size(kAllKinds)];
};

// {"reference": fullUrl} between the entries of one Bundle; items without an entry of their own
// get a urn:uuid derived from the message (the same message always gives the same uuids).
class BundleReferences : public ReferenceContext {
 public:
  BundleReferences(const BundleLayout& layout, const canonical::Message& message);

  Node reference(ItemRef target) const override;
  std::string knownPractitioner(const canonical::Practitioner& p) const override;
  std::string knownOrganization(const canonical::Organization& o) const override;
  std::string knownLocation(const canonical::Location& l) const override;

  std::string fullUrlOf(ItemRef item) const;

 private:
  const BundleLayout& layout_;
  std::string seed_;
};

// The Reference.reference a Bundle writer gives an entry with this fullUrl: the fullUrl itself,
// or "Patient/p1" for a server URL ".../Patient/p1".
std::string referenceTo(std::string_view fullUrl, ResourceKind kind);

// The path of a skeleton extension, "Bundle.entry[3]".
std::string entryPath(std::size_t index);

// The group an extension's path belongs to: "Bundle.entry[3].resource" for an element of an
// entry's resource, "Bundle.entry[3]" for a skeleton, "Bundle" for the Bundle's own elements,
// "Observation" for an element of a single resource.
std::string_view extensionGroup(std::string_view path);

// Extensions of format "fhir" by group.
using ExtensionIndex = std::unordered_map<std::string_view, std::vector<const canonical::Extension*>>;
ExtensionIndex indexExtensions(const canonical::Message& message);

// The Bundle's own elements as the writer makes them (identifier, type, timestamp).
Node bundleShell(const canonical::Message& message, std::string_view type, const DatatypeWriter& dt);

}  // namespace ferry::fhir
