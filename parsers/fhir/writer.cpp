#include "parsers/fhir/writer.h"

#include "parsers/fhir/bundle_layout.h"
#include "parsers/fhir/fidelity.h"
#include "parsers/fhir/resource_writer.h"

namespace ferry::fhir {
namespace {

using ExtensionList = std::vector<const canonical::Extension*>;

const ExtensionList& group(const ExtensionIndex& index, std::string_view key) {
  static const ExtensionList kNone;
  const auto it = index.find(key);
  return it == index.end() ? kNone : it->second;
}

// The first item of its kind among the writer's items: a message read from one resource keeps
// that resource's extensions under the type name ("Observation.note").
bool firstOfKind(const std::vector<ItemRef>& plan, ItemRef item) {
  for (const ItemRef& other : plan) {
    if (other.kind == item.kind) return other == item;
  }
  return item.kind == ResourceKind::MessageHeader;
}

class BundleWriter {
 public:
  BundleWriter(const canonical::Message& m, BundleType type, const WriteOptions& options,
               std::vector<Issue>* issues)
      : m_(m),
        type_(type),
        options_(options),
        issues_(issues),
        index_(indexExtensions(m)),
        layout_(BundleLayout::fromMessage(m)),
        references_(layout_, m),
        item_index_(WriterIndex::build(m)) {
    layout_.assignItems(m);
    plan_ = ResourceWriter::items(m);
  }

  std::string write() {
    const DatatypeWriter dt(m_, options_, issues_);
    Node bundle = bundleShell(m_, bundleTypeCode(type_), dt);
    overlay(bundle, "Bundle", "Bundle", group(index_, "Bundle"));
    bundle.erase("entry");
    // Entries are serialized one at a time, so a large Bundle never exists as one tree.
    std::string out = bundle.json();
    out.pop_back();  // the closing brace: "entry" comes last
    out += R"(,"entry":[)";
    bool first = true;
    auto add = [&](const Node& entry) {
      if (entry.empty()) return;
      if (!first) out += ',';
      first = false;
      entry.appendJson(out);
    };
    bool headerWritten = false;
    for (const LayoutEntry& e : layout_.entries) {
      if (e.item && e.item->kind == ResourceKind::MessageHeader) headerWritten = true;
    }
    if (type_ == BundleType::Message && !headerWritten) add(newEntry({ResourceKind::MessageHeader, 0}));
    for (const LayoutEntry& e : layout_.entries) add(layoutEntry(e));
    for (const ItemRef& item : plan_) {
      if (layout_.entryOf(item) == nullptr) add(newEntry(item));
    }
    out += "]}";
    reportForeignExtensions();
    return out;
  }

 private:
  bool hasRequest() const { return type_ == BundleType::Transaction || type_ == BundleType::Batch; }

  Node resource(ItemRef item, const std::string& prefix) {
    ResourceWriter writer(m_, references_, options_, issues_, &item_index_);
    Node r = writer.write(item);
    if (!prefix.empty()) overlay(r, resourceTypeName(item.kind), prefix, group(index_, prefix));
    pruneContained(r);
    return r;
  }

  Node request(std::string_view resourceType) const {
    return Node::object().set("method", "POST").set("url", resourceType);
  }

  Node newEntry(ItemRef item) {
    const std::string_view type = resourceTypeName(item.kind);
    const std::string prefix = firstOfKind(plan_, item) ? std::string(type) : std::string();
    Node entry = Node::object().set("fullUrl", references_.fullUrlOf(item));
    entry.set("resource", resource(item, prefix));
    if (hasRequest()) entry.set("request", request(type));
    return entry;
  }

  Node layoutEntry(const LayoutEntry& e) {
    const ExtensionList& skeletons = group(index_, entryPath(e.index));
    if (skeletons.empty()) return {};
    Node entry = parseNode(skeletons.back()->raw);
    if (!entry.isObject()) return {};
    if (!e.whole) {
      if (!e.item) {
        note(Severity::Information, "informational",
             "the message no longer has the " + e.resource_type + " this entry held; the entry was left out",
             entryPath(e.index));
        return {};
      }
      entry.put("fullUrl", Node::string(references_.fullUrlOf(*e.item)));
      entry.put("resource", resource(*e.item, entryPath(e.index) + ".resource"));
    }
    // request belongs to transaction and batch Bundles, response and search to others.
    entry.erase("response");
    entry.erase("search");
    if (!hasRequest()) {
      entry.erase("request");
    } else if (entry.find("request") == nullptr && entry.find("resource") != nullptr) {
      entry.set("request", request(e.resource_type));
    }
    return entry;
  }

  void reportForeignExtensions() {
    std::size_t foreign = 0;
    for (const canonical::Extension& ext : m_.extensions) foreign += ext.format == "fhir" ? 0 : 1;
    if (foreign > 0) {
      note(Severity::Information, "informational",
           std::to_string(foreign) +
               " extension(s) of another format (v2 segments, XML) have no place in FHIR "
               "and were not written",
           "Bundle");
    }
  }

  void note(Severity severity, std::string_view code, std::string text, std::string path) const {
    if (issues_ != nullptr)
      issues_->push_back({severity, std::string(code), std::move(text), std::move(path), {}});
  }

  const canonical::Message& m_;
  BundleType type_;
  const WriteOptions& options_;
  std::vector<Issue>* issues_;
  ExtensionIndex index_;
  BundleLayout layout_;
  BundleReferences references_;
  WriterIndex item_index_;
  std::vector<ItemRef> plan_;
};

bool exists(const canonical::Message& m, ItemRef item) {
  switch (item.kind) {
    case ResourceKind::MessageHeader:
      return !(m.header == canonical::Header{});
    case ResourceKind::Patient:
      return !(m.patient == canonical::Patient{});
    case ResourceKind::Encounter:
      return !(m.encounter == canonical::Encounter{});
    case ResourceKind::ServiceRequest:
      return item.index < m.orders.size() && ResourceWriter::writesServiceRequest(m.orders[item.index]);
    case ResourceKind::DiagnosticReport:
      return item.index < m.orders.size() && ResourceWriter::writesDiagnosticReport(m.orders[item.index]);
    case ResourceKind::Observation:
      return item.index < m.observations.size();
    case ResourceKind::Specimen:
      return item.index < m.specimens.size();
    case ResourceKind::Immunization:
      return item.index < m.immunizations.size();
    case ResourceKind::Coverage:
      return item.index < m.coverages.size();
    case ResourceKind::Claim:
      return item.index < m.claims.size();
    case ResourceKind::ClaimResponse:
      return item.index < m.claim_responses.size();
  }
  return false;
}

}  // namespace

std::string_view bundleTypeCode(BundleType type) {
  switch (type) {
    case BundleType::Transaction:
      return "transaction";
    case BundleType::Batch:
      return "batch";
    case BundleType::Collection:
      return "collection";
    case BundleType::Message:
      return "message";
  }
  return "collection";
}

std::string writeBundle(const canonical::Message& message, BundleType type, const WriteOptions& options,
                        std::vector<Issue>* issues) {
  return BundleWriter(message, type, options, issues).write();
}

std::string writeResource(const canonical::Message& message, ItemRef item, const WriteOptions& options,
                          std::vector<Issue>* issues) {
  if (!exists(message, item)) return {};
  BundleLayout layout = BundleLayout::fromMessage(message);
  layout.assignItems(message);
  std::string prefix;
  if (const LayoutEntry* e = layout.entryOf(item)) {
    prefix = entryPath(e->index) + ".resource";
  } else if (firstOfKind(ResourceWriter::items(message), item)) {
    prefix = std::string(resourceTypeName(item.kind));
  }
  const LogicalReferences references(message);
  ResourceWriter writer(message, references, options, issues);
  Node r = writer.write(item);
  if (!prefix.empty()) {
    const ExtensionIndex index = indexExtensions(message);
    const auto it = index.find(prefix);
    if (it != index.end()) overlay(r, resourceTypeName(item.kind), prefix, it->second);
  }
  pruneContained(r);
  return r.json();
}

}  // namespace ferry::fhir
