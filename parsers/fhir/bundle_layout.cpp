#include "parsers/fhir/bundle_layout.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>

#include "parsers/fhir/datatype_reader.h"

namespace ferry::fhir {
namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  // splitmix64 finalizer: names that differ in one character give unrelated bits.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// A version-4-shaped UUID from a name, so that the same message always gets the same fullUrls.
std::string nameUuid(std::string_view name) {
  const std::uint64_t hi = fnv1a(name, 0xcbf29ce484222325ULL);
  const std::uint64_t lo = fnv1a(name, hi ^ 0x9e3779b97f4a7c15ULL);
  std::uint8_t bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "urn:uuid:";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

std::optional<std::size_t> skeletonIndex(std::string_view path) {
  constexpr std::string_view kPrefix = "Bundle.entry[";
  if (path.substr(0, kPrefix.size()) != kPrefix || path.back() != ']') return std::nullopt;
  std::size_t index = 0;
  for (char c : path.substr(kPrefix.size(), path.size() - kPrefix.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

}  // namespace

std::string entryPath(std::size_t index) {
  return "Bundle.entry[" + std::to_string(index) + "]";
}

std::string_view extensionGroup(std::string_view path) {
  constexpr std::string_view kEntry = "Bundle.entry[";
  if (path.substr(0, kEntry.size()) == kEntry) {
    const std::size_t close = path.find(']');
    if (close == std::string_view::npos) return path;
    constexpr std::string_view kResource = ".resource";
    if (path.substr(close + 1, kResource.size()) == kResource &&
        (path.size() == close + 1 + kResource.size() || path[close + 1 + kResource.size()] == '.' ||
         path[close + 1 + kResource.size()] == '[')) {
      return path.substr(0, close + 1 + kResource.size());
    }
    return path.substr(0, close + 1);
  }
  const std::size_t dot = path.find_first_of(".[");
  return path.substr(0, dot);
}

ExtensionIndex indexExtensions(const canonical::Message& message) {
  ExtensionIndex index;
  for (const canonical::Extension& ext : message.extensions) {
    if (ext.format == "fhir") index[extensionGroup(ext.path)].push_back(&ext);
  }
  return index;
}

BundleLayout BundleLayout::fromMessage(const canonical::Message& message) {
  BundleLayout layout;
  const JsonInput input;
  const DatatypeReader dt(input);
  // Sized once: a Bundle read back has hundreds of thousands of entries, and a growing vector
  // would hold its old and new copies at once.
  layout.entries.reserve(static_cast<std::size_t>(std::count_if(
      message.extensions.begin(), message.extensions.end(),
      [](const canonical::Extension& ext) { return ext.format == "fhir" && skeletonIndex(ext.path); })));
  for (const canonical::Extension& ext : message.extensions) {
    if (ext.format != "fhir") continue;
    const std::optional<std::size_t> index = skeletonIndex(ext.path);
    if (!index) continue;
    rapidjson::Document doc;
    doc.Parse(ext.raw.data(), ext.raw.size());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    LayoutEntry entry;
    entry.index = *index;
    entry.full_url = layout.full_urls_.keep(dt.text(&doc, "fullUrl"));
    const JsonValue* resource = DatatypeReader::get(&doc, "resource");
    entry.resource_type = dt.text(resource, "resourceType");
    // A resource that is not an object was kept whole as it came (its entry was not read).
    entry.whole = resource == nullptr || !resource->IsObject() || resource->MemberCount() > 1;
    if (entry.whole && resource != nullptr) {
      if (entry.resource_type == "Practitioner") {
        layout.practitioners.push_back({std::string(entry.full_url), dt.practitioner(resource)});
      } else if (entry.resource_type == "Organization") {
        layout.organizations.push_back({std::string(entry.full_url), dt.organization(resource)});
      } else if (entry.resource_type == "Location") {
        layout.locations.push_back({std::string(entry.full_url), readLocation(dt, *resource, nullptr)});
      }
    }
    layout.entries.push_back(std::move(entry));
  }
  return layout;
}

void BundleLayout::assignItems(const canonical::Message& message) {
  // The writer's items, queued per resource type in the order it makes them.
  std::vector<ItemRef> queues[std::size(kAllKinds)];
  if (!(message.header == canonical::Header{})) queues[0].push_back({ResourceKind::MessageHeader, 0});
  for (const ItemRef& item : ResourceWriter::items(message)) {
    queues[static_cast<std::size_t>(item.kind)].push_back(item);
  }
  std::size_t next[std::size(kAllKinds)] = {};
  for (std::size_t k = 0; k < std::size(kAllKinds); ++k) {
    std::uint32_t items = 0;
    for (const ItemRef& item : queues[k]) items = std::max(items, item.index + 1);
    by_item_[k].assign(items, kNoEntry);
  }
  for (std::size_t e = 0; e < entries.size(); ++e) {
    LayoutEntry& entry = entries[e];
    entry.item.reset();
    if (entry.whole) continue;
    const std::optional<ResourceKind> kind = resourceKindOf(entry.resource_type);
    if (!kind) continue;
    const auto k = static_cast<std::size_t>(*kind);
    if (next[k] >= queues[k].size()) continue;  // the item is gone (a mapping removed it)
    entry.item = queues[k][next[k]++];
    by_item_[k][entry.item->index] = static_cast<std::uint32_t>(e);
  }
}

const LayoutEntry* BundleLayout::entryOf(ItemRef item) const {
  const std::vector<std::uint32_t>& entryOfItem = by_item_[static_cast<std::size_t>(item.kind)];
  if (item.index >= entryOfItem.size() || entryOfItem[item.index] == kNoEntry) return nullptr;
  return &entries[entryOfItem[item.index]];
}

BundleReferences::BundleReferences(const BundleLayout& layout, const canonical::Message& message)
    : layout_(layout) {
  seed_ = message.header.control_id + "|";
  (seed_ += message.header.message_datetime) += "|";
  if (!message.patient.identifiers.empty()) seed_ += message.patient.identifiers[0].value;
}

std::string BundleReferences::fullUrlOf(ItemRef item) const {
  if (const LayoutEntry* e = layout_.entryOf(item); e != nullptr && !e->full_url.empty()) {
    return std::string(e->full_url);
  }
  return nameUuid(seed_ + "|" + std::string(resourceTypeName(item.kind)) + "|" + std::to_string(item.index));
}

std::string referenceTo(std::string_view fullUrl, ResourceKind kind) {
  // An entry whose fullUrl is a server URL ".../Patient/p1" is referred to relatively, as
  // transactions that PUT resources by id do.
  if (fullUrl.rfind("http://", 0) == 0 || fullUrl.rfind("https://", 0) == 0) {
    const std::string tail = "/" + std::string(resourceTypeName(kind)) + "/";
    const std::size_t at = fullUrl.rfind(tail);
    if (at != std::string_view::npos && fullUrl.find('/', at + tail.size()) == std::string_view::npos) {
      return std::string(fullUrl.substr(at + 1));
    }
  }
  return std::string(fullUrl);
}

Node BundleReferences::reference(ItemRef target) const {
  return Node::object().set("reference", referenceTo(fullUrlOf(target), target.kind));
}

std::string BundleReferences::knownPractitioner(const canonical::Practitioner& p) const {
  for (const auto& known : layout_.practitioners) {
    if (known.value == p && !known.full_url.empty()) return known.full_url;
  }
  return {};
}

std::string BundleReferences::knownOrganization(const canonical::Organization& o) const {
  for (const auto& known : layout_.organizations) {
    if (known.value == o && !known.full_url.empty()) return known.full_url;
  }
  return {};
}

std::string BundleReferences::knownLocation(const canonical::Location& l) const {
  for (const auto& known : layout_.locations) {
    if (known.value == l && !known.full_url.empty()) return known.full_url;
  }
  return {};
}

Node bundleShell(const canonical::Message& m, std::string_view type, const DatatypeWriter& dt) {
  Node shell = Node::object().set("resourceType", "Bundle");
  if (!m.header.control_id.empty()) shell.set("identifier", Node::object().set("value", m.header.control_id));
  shell.set("type", type);
  shell.set("timestamp", dt.instant(m.header.message_datetime, "Bundle.timestamp"));
  return shell;
}

}  // namespace ferry::fhir
