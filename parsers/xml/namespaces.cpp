#include "parsers/xml/namespaces.h"

#include "parsers/xml/write_path.h"

namespace ferry::xml {
namespace {

constexpr std::string_view kXmlnsPrefix = "xmlns:";

bool isDeclaration(std::string_view name) {
  return name == "xmlns" || name.substr(0, kXmlnsPrefix.size()) == kXmlnsPrefix;
}

class Normalizer {
 public:
  Normalizer(const Profile& profile, std::string_view input, GeneratedNamespaces& generated)
      : profile_(profile), input_(input), generated_(generated) {}

  std::optional<Error> visit(pugi::xml_node element) {
    const std::size_t mark = bindings_.size();
    // Taken first: pugixml finds a node's offset through its name, which set_name() moves out of
    // the input (an attribute's error after its element was renamed said line 1).
    const std::ptrdiff_t offset = element.offset_debug();
    for (pugi::xml_attribute attribute = element.first_attribute(); attribute;) {
      const pugi::xml_attribute next = attribute.next_attribute();
      const std::string_view name = attribute.name();
      if (isDeclaration(name)) {
        bindings_.emplace_back(name == "xmlns" ? std::string() : std::string(name.substr(6)),
                               attribute.value());
        element.remove_attribute(attribute);
        renames_.clear();
      }
      attribute = next;
    }
    // pugixml takes any run of name characters as a name; Namespaces in XML allow one colon
    // at most, between a prefix and a local name. ":a:b" was read as the unprefixed local name
    // "a:b" and written back with "a" as an undeclared prefix (found by fuzzing).
    if (!isQName(element.name())) return notQualified(offset, element.name());
    const std::string* element_name = renamedElement(element.name());
    if (element_name == nullptr) return undeclared(offset, element.name());
    if (*element_name != element.name()) element.set_name(element_name->c_str());
    std::string renamed;
    for (pugi::xml_attribute attribute : element.attributes()) {
      const std::string_view name = attribute.name();
      if (!isQName(name)) return notQualified(offset, name);
      if (prefixOf(name).empty() || prefixOf(name) == "xml") continue;
      if (!rename(name, false, renamed)) return undeclared(offset, name);
      if (renamed != name) attribute.set_name(renamed.c_str());
    }
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() != pugi::node_element) continue;
      if (auto error = visit(child)) return error;
    }
    if (bindings_.size() != mark) {
      bindings_.resize(mark);
      renames_.clear();
    }
    return std::nullopt;
  }

 private:
  // Element names repeat, so their new names are remembered while the declarations in scope
  // stay the same; nullptr when the prefix is not declared.
  const std::string* renamedElement(std::string_view qname) {
    for (const auto& [original, renamed] : renames_) {
      if (original == qname) return &renamed;
    }
    std::string renamed;
    if (!rename(qname, true, renamed)) return nullptr;
    renames_.emplace_back(std::string(qname), std::move(renamed));
    return &renames_.back().second;
  }

  const std::string* lookup(std::string_view prefix) const {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
      if (it->first == prefix) return &it->second;
    }
    return nullptr;
  }

  // The profile's name for a qualified name of the document; false when its prefix is unbound.
  bool rename(std::string_view qname, bool is_element, std::string& out) {
    const std::string_view prefix = prefixOf(qname);
    const std::string_view local = localNameOf(qname);
    std::string uri;
    if (!prefix.empty() || is_element) {  // unprefixed attributes are in no namespace
      const std::string* bound = lookup(prefix);
      if (bound == nullptr && !prefix.empty()) return false;
      if (bound != nullptr) uri = *bound;
    }
    if (uri.empty()) {
      out.assign(local);
      return true;
    }
    const std::string& target = prefixFor(uri);
    out = target;
    out += ':';
    out += local;
    return true;
  }

  const std::string& prefixFor(const std::string& uri) {
    if (const std::string* prefix = profile_.prefixFor(uri)) return *prefix;
    for (const auto& [prefix, bound] : generated_) {
      if (bound == uri) return prefix;
    }
    std::string prefix;
    for (std::size_t n = generated_.size() + 1;; ++n) {
      prefix = "ns" + std::to_string(n);
      if (profile_.uriFor(prefix) == nullptr) break;
    }
    generated_.emplace_back(std::move(prefix), uri);
    return generated_.back().first;
  }

  Error undeclared(std::ptrdiff_t offset, std::string_view qname) const {
    return errorAt(ErrorCode::Malformed, input_, offset < 0 ? 0 : static_cast<std::uint64_t>(offset),
                   "the namespace prefix '" + std::string(prefixOf(qname)) + "' of '" +
                       std::string(qname) + "' is not declared");
  }

  Error notQualified(std::ptrdiff_t offset, std::string_view name) const {
    return errorAt(ErrorCode::Malformed, input_, offset < 0 ? 0 : static_cast<std::uint64_t>(offset),
                   "the name '" + std::string(name) +
                       "' is not a qualified name: expected a local name, or a prefix, one colon and a local name");
  }

  const Profile& profile_;
  std::string_view input_;
  GeneratedNamespaces& generated_;
  std::vector<std::pair<std::string, std::string>> bindings_;
  std::vector<std::pair<std::string, std::string>> renames_;  // original -> profile name
};

}  // namespace

std::optional<ExpandedName> documentElementName(const pugi::xml_node& root) {
  const std::string_view qname = root.name();
  const std::string_view prefix = prefixOf(qname);
  const std::string declaration = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  const pugi::xml_attribute bound = root.attribute(declaration.c_str());
  if (!bound && !prefix.empty()) return std::nullopt;
  return ExpandedName{std::string(localNameOf(qname)), bound.value()};
}

std::optional<Error> normalizeNamespaces(pugi::xml_node root, const Profile& profile,
                                         std::string_view input, GeneratedNamespaces& generated) {
  generated.clear();
  return Normalizer(profile, input, generated).visit(root);
}

}  // namespace ferry::xml
