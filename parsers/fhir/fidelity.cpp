#include "parsers/fhir/fidelity.h"

#include <optional>
#include <utility>

#include "parsers/fhir/fhir_codes.h"
#include "parsers/fhir/r4_schema.h"

namespace ferry::fhir {
namespace {

struct LinkElement {
  std::string_view type;
  std::string_view pattern;
};

constexpr LinkElement kLinks[] = {
    {"Encounter", "subject"},
    {"Encounter", "participant[*].individual"},
    {"Encounter", "location[*].location"},
    {"Observation", "subject"},
    {"Observation", "encounter"},
    {"Observation", "basedOn"},
    {"Observation", "performer"},
    {"DiagnosticReport", "subject"},
    {"DiagnosticReport", "encounter"},
    {"DiagnosticReport", "basedOn"},
    {"DiagnosticReport", "result"},
    {"DiagnosticReport", "specimen"},
    {"ServiceRequest", "subject"},
    {"ServiceRequest", "encounter"},
    {"ServiceRequest", "requester"},
    {"ServiceRequest", "specimen"},
    {"Specimen", "subject"},
    {"Specimen", "request"},
    {"Immunization", "patient"},
    {"Immunization", "encounter"},
    {"Immunization", "performer[*].actor"},
    {"Coverage", "beneficiary"},
    {"Coverage", "payor"},
    {"Coverage", "subscriber"},
    {"Claim", "patient"},
    {"Claim", "provider"},
    {"Claim", "insurer"},
    {"Claim", "insurance[*].coverage"},
    {"ClaimResponse", "patient"},
    {"ClaimResponse", "insurer"},
    {"ClaimResponse", "request"},
};

// "participant[0].individual" -> "participant[*].individual".
std::string pattern(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == '[') {
      while (i + 1 < path.size() && path[i + 1] != ']') ++i;
      out += '*';
    }
  }
  return out;
}

// True when some link element of type starts at the top-level member root.
bool linkRoot(std::string_view type, std::string_view root) {
  for (const LinkElement& l : kLinks) {
    if (l.type != type) continue;
    const std::string_view first = l.pattern.substr(0, l.pattern.find_first_of(".["));
    if (first == root) return true;
  }
  return false;
}

// Compares input and generated with the rules of the header comment. The relative path of the
// element at hand is kept in one buffer (rel_) that each step extends and restores.
class Differ {
 public:
  Differ(const JsonInput& in, std::string_view type, const std::string& prefix,
         std::vector<canonical::Extension>& out, std::vector<RefCheck>* checks)
      : in_(in), type_(type), prefix_(prefix), out_(out), checks_(checks) {}

  void resource(const JsonValue& input, const Node& generated, std::span<const std::string_view> skip) {
    for (auto it = input.MemberBegin(); it != input.MemberEnd(); ++it) {
      const std::string_view key = keyOf(it);
      if (key == "resourceType") continue;
      bool skipped = false;
      for (std::string_view s : skip) skipped = skipped || s == key;
      if (skipped) continue;
      link_root_ = checks_ != nullptr && linkRoot(type_, key);
      const Scope scope(rel_, key);
      if (isLink()) {
        link(it->value);
        continue;
      }
      value(it->value, generated.isObject() ? generated.find(key) : nullptr);
    }
  }

 private:
  // Extends rel_ by ".name" or "[i]" for its lifetime.
  class Scope {
   public:
    Scope(std::string& rel, std::string_view name) : rel_(rel), size_(rel.size()) {
      if (!rel_.empty()) rel_ += '.';
      rel_ += name;
    }
    Scope(std::string& rel, std::size_t index) : rel_(rel), size_(rel.size()) {
      rel_ += '[';
      rel_ += std::to_string(index);
      rel_ += ']';
    }
    ~Scope() { rel_.resize(size_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    std::string& rel_;
    std::size_t size_;
  };

  bool isLink() const { return link_root_ && isLinkElement(type_, pattern(rel_)); }

  void object(const JsonValue& input, const Node& generated) {
    for (auto it = input.MemberBegin(); it != input.MemberEnd(); ++it) {
      const std::string_view key = keyOf(it);
      const Scope scope(rel_, key);
      if (isLink()) {
        link(it->value);
        continue;
      }
      value(it->value, generated.find(key));
    }
  }

  void link(const JsonValue& v) {
    if (!v.IsArray()) {
      checks_->push_back({rel_, in_.json(v)});
      return;
    }
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const Scope scope(rel_, i);
      checks_->push_back({rel_, in_.json(v[i])});
    }
  }

  void keep(const JsonValue& v) {
    canonical::Extension ext;
    ext.path.reserve(prefix_.size() + 1 + rel_.size());
    ext.path = prefix_;
    ext.path += '.';
    ext.path += rel_;
    ext.format = "fhir";
    ext.raw = in_.json(v);
    out_.push_back(std::move(ext));
  }

  void value(const JsonValue& v, const Node* g) {
    if (g == nullptr) {
      if (v.IsArray() && !v.Empty()) {
        // Each element on its own ("Patient.extension[0]"), so rules can name one.
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
          const Scope scope(rel_, i);
          keep(v[i]);
        }
      } else {
        keep(v);
      }
    } else if (v.IsObject()) {
      // An object the writer made with something the input's lacks (a fallback such as
      // {"text": "unknown"}) is not the same element: the input's is kept whole.
      if (g->isObject() && !addsMembers(v, *g)) {
        object(v, *g);
      } else {
        keep(v);
      }
    } else if (v.IsArray()) {
      array(v, *g);
    } else if (!samePrimitive(v, *g)) {
      keep(v);
    }
  }

  void array(const JsonValue& v, const Node& g) {
    if (!g.isArray()) {
      keep(v);
      return;
    }
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const Scope scope(rel_, i);
      const Node* gi = i < g.items().size() ? &g.items()[i] : nullptr;
      if (gi != nullptr && v[i].IsObject()) {
        if (gi->isObject() && covers(v[i], *gi)) {
          object(v[i], *gi);
        } else {
          keep(v[i]);
        }
      } else {
        value(v[i], gi);
      }
    }
  }

  bool addsMembers(const JsonValue& input, const Node& generated) {
    for (const auto& [key, g] : generated.members()) {
      if (member(input, key) != nullptr) continue;
      const Scope scope(rel_, key);
      if (!isLink()) return true;
    }
    return false;
  }

  // True when input holds everything generated holds, with the same values (link elements
  // aside): the two are the same element and input may add to it.
  bool covers(const JsonValue& input, const Node& generated) {
    if (generated.isObject()) {
      if (!input.IsObject()) return false;
      for (const auto& [key, g] : generated.members()) {
        const Scope scope(rel_, key);
        if (isLink()) continue;
        const JsonValue* i = member(input, key);
        if (i == nullptr || !covers(*i, g)) return false;
      }
      return true;
    }
    if (generated.isArray()) {
      if (!input.IsArray() || input.Size() < generated.items().size()) return false;
      for (std::size_t k = 0; k < generated.items().size(); ++k) {
        const Scope scope(rel_, k);
        if (!covers(input[static_cast<rapidjson::SizeType>(k)], generated.items()[k])) return false;
      }
      return true;
    }
    return samePrimitive(input, generated);
  }

  bool samePrimitive(const JsonValue& v, const Node& g) const {
    switch (g.kind()) {
      case Node::Kind::Null:
        return v.IsNull();
      case Node::Kind::Boolean:
        return v.IsBool() && v.GetBool() == g.booleanValue();
      case Node::Kind::Number:
        if (v.IsString())
          return in_.isNumber(v) && std::string_view(v.GetString(), v.GetStringLength()) == g.text();
        return v.IsNumber() && in_.numberText(v) == g.text();
      case Node::Kind::String:
        return in_.isString(v) && in_.stringValue(v) == g.text();
      default:
        return false;
    }
  }

  const JsonInput& in_;
  std::string_view type_;
  const std::string& prefix_;
  std::vector<canonical::Extension>& out_;
  std::vector<RefCheck>* checks_;
  std::string rel_;
  bool link_root_ = false;
};

// One step of a relative path: a member name and, for "name[2]", an array index.
struct Segment {
  std::string_view name;
  std::optional<std::size_t> index;
};

std::vector<Segment> segments(std::string_view path) {
  std::vector<Segment> out;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    Segment s;
    const std::size_t bracket = part.find('[');
    s.name = part.substr(0, bracket);
    if (bracket != std::string_view::npos) {
      std::size_t index = 0;
      for (char c : part.substr(bracket + 1, part.size() - bracket - 2))
        index = index * 10 + static_cast<std::size_t>(c - '0');
      s.index = index;
    }
    out.push_back(s);
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return out;
}

// Placeholder for array slots an overlay had to skip; removed once all overlays are in.
const Node& padding() {
  static const Node pad = Node::string(
      "\x01"
      "ferry-overlay-pad");
  return pad;
}

void removePadding(Node& n) {
  if (n.isArray()) {
    auto& items = n.items();
    std::erase(items, padding());
    for (Node& item : items) removePadding(item);
  } else if (n.isObject()) {
    for (auto& m : n.members()) removePadding(m.second);
  }
}

std::span<const schema::ElementDef> elementsOfResource(const Node& resource) {
  const Node* type = resource.find("resourceType");
  if (type == nullptr) return {};
  const schema::TypeDef* def = schema::findType(type->text());
  return def == nullptr ? std::span<const schema::ElementDef>() : schema::elementsOf(*def);
}

// Sets member name of object to value, replacing another member of the same choice group.
Node& setMember(Node& object, std::string_view name, std::span<const schema::ElementDef> defs,
                const schema::ElementDef* def, Node value) {
  if (def != nullptr && !def->choice.empty()) {
    std::erase_if(object.members(), [&](const Node::Member& m) {
      if (m.first == name) return false;
      const schema::ElementDef* other = schema::findElement(defs, m.first);
      return other != nullptr && other->choice == def->choice;
    });
  }
  if (Node* existing = object.find(name)) {
    *existing = std::move(value);
    return *existing;
  }
  // A new member goes where the element definitions put it, so output reads in FHIR order.
  auto& members = object.members();
  auto at = members.end();
  if (def != nullptr) {
    for (auto it = members.begin(); it != members.end(); ++it) {
      const schema::ElementDef* other = schema::findElement(defs, it->first);
      if (other != nullptr && other > def) {
        at = it;
        break;
      }
    }
  }
  return members.insert(at, Node::Member(std::string(name), std::move(value)))->second;
}

void apply(Node& resource, std::string_view relative, Node value) {
  const std::vector<Segment> path = segments(relative);
  Node* current = &resource;
  std::span<const schema::ElementDef> defs = elementsOfResource(resource);
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Segment& s = path[i];
    const bool last = i + 1 == path.size();
    if (!current->isObject()) *current = Node::object();
    const schema::ElementDef* def = schema::findElement(defs, s.name);
    Node* child = current->find(s.name);
    if (!s.index) {
      if (last) {
        setMember(*current, s.name, defs, def, std::move(value));
        return;
      }
      if (child == nullptr) child = &setMember(*current, s.name, defs, def, Node::object());
      current = child;
    } else {
      if (child == nullptr || !child->isArray())
        child = &setMember(*current, s.name, defs, def, Node::array());
      auto& items = child->items();
      while (items.size() <= *s.index) items.push_back(padding());
      if (last) {
        items[*s.index] = std::move(value);
        return;
      }
      current = &items[*s.index];
    }
    if (def == nullptr) {
      defs = {};
    } else if (def->type == "Resource") {
      defs = elementsOfResource(*current);
    } else {
      defs = schema::elementsOfValue(*def);
    }
  }
}

void collectLocalReferences(const Node& n, std::vector<std::string>& out) {
  if (n.isObject()) {
    for (const auto& [key, value] : n.members()) {
      if (key == "reference" && value.isString() && !value.text().empty() && value.text()[0] == '#') {
        out.push_back(value.text().substr(1));
      }
      collectLocalReferences(value, out);
    }
  } else if (n.isArray()) {
    for (const Node& item : n.items()) collectLocalReferences(item, out);
  }
}

}  // namespace

bool isLinkElement(std::string_view resourceType, std::string_view p) {
  for (const LinkElement& l : kLinks) {
    if (l.type == resourceType && l.pattern == p) return true;
  }
  return false;
}

void diffResource(const JsonInput& in, const JsonValue& input, const Node& generated,
                  std::string_view resourceType, const std::string& prefix,
                  std::vector<canonical::Extension>& out, std::vector<RefCheck>* checks,
                  std::span<const std::string_view> skip) {
  Differ differ(in, resourceType, prefix, out, checks);
  differ.resource(input, generated, skip);
}

const Node* nodeAt(const Node& root, std::string_view relativePath) {
  const Node* current = &root;
  for (const Segment& s : segments(relativePath)) {
    current = current->isObject() ? current->find(s.name) : nullptr;
    if (current == nullptr) return nullptr;
    if (s.index) {
      if (!current->isArray() || *s.index >= current->items().size()) return nullptr;
      current = &current->items()[*s.index];
    }
  }
  return current;
}

void settleReferences(const Node& generated, const std::vector<RefCheck>& checks, const std::string& prefix,
                      std::vector<canonical::Extension>& out) {
  for (const RefCheck& check : checks) {
    const Node* written = nodeAt(generated, check.path);
    if (written != nullptr && written->json() == check.raw) continue;
    out.push_back({prefix + "." + check.path, "fhir", check.raw});
  }
}

void overlay(Node& resource, std::string_view, const std::string& prefix,
             std::span<const canonical::Extension* const> extensions) {
  bool any = false;
  for (const canonical::Extension* ext : extensions) {
    if (ext->path.size() <= prefix.size() + 1 || ext->path.compare(0, prefix.size(), prefix) != 0 ||
        ext->path[prefix.size()] != '.') {
      continue;
    }
    Node value = parseNode(ext->raw);
    if (value.isNull() && ext->raw != "null") continue;  // not JSON: nothing sensible to put back
    apply(resource, std::string_view(ext->path).substr(prefix.size() + 1), std::move(value));
    any = true;
  }
  if (any) removePadding(resource);
}

void pruneContained(Node& resource) {
  // Repeat: a generated Location may be kept alive only by the partOf of another pruned one.
  while (true) {
    Node* contained = resource.find("contained");
    if (contained == nullptr || !contained->isArray()) return;
    std::vector<std::string> referenced;
    collectLocalReferences(resource, referenced);
    const std::size_t before = contained->items().size();
    std::erase_if(contained->items(), [&](const Node& c) {
      const Node* id = c.find("id");
      if (id == nullptr || id->text().rfind(codes::kContainedIdPrefix, 0) != 0) return false;
      for (const std::string& r : referenced) {
        if (r == id->text()) return false;
      }
      return true;
    });
    if (contained->items().empty()) {
      resource.erase("contained");
      return;
    }
    if (contained->items().size() == before) return;
  }
}

}  // namespace ferry::fhir
