#include "parsers/xml/unmapped.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "engine/canonical/header.h"
#include "parsers/xml/element_builder.h"
#include "parsers/xml/mapping.h"
#include "parsers/xml/safe_parser.h"
#include "parsers/xml/string_writer.h"
#include "parsers/xml/text.h"
#include "parsers/xml/write_path.h"

namespace ferry::xml {
namespace {

// One pass over the normalized tree. An element is touched when the reading consumed it, one
// of its attributes, or anything below it: its unread attributes and text become extensions
// and its children are visited. An untouched element is kept whole instead, so what was
// collected inside it is rolled back.
class Collector {
 public:
  Collector(const ConsumedNodes& consumed, const Profile& profile,
            const GeneratedNamespaces& generated, std::vector<canonical::Extension>& out)
      : consumed_(consumed), profile_(profile), generated_(generated), out_(out) {}

  void run(pugi::xml_node root) {
    path_ = concat({"/", root.name()});
    visit(root);
  }

 private:
  void add(std::string_view suffix, std::string raw) {
    out_.push_back({concat({path_, suffix}), std::string(canonical::kSourceXml), std::move(raw)});
  }

  // Adds the extensions of element (whose path is path_) and returns whether it is touched.
  bool visit(const pugi::xml_node& element) {
    const std::size_t mark = out_.size();
    bool touched = consumed_.hasContext(element.internal_object());
    for (pugi::xml_attribute attribute : element.attributes()) {
      if (consumed_.hasValue(attribute.internal_object())) {
        touched = true;
      } else {
        add(concat({"/@", attribute.name()}), attribute.value());
      }
    }
    if (consumed_.hasValue(element.internal_object())) {
      touched = true;
    } else {
      std::string text = directText(element);
      if (!trimXmlSpace(text).empty()) add("/text()", std::move(text));
    }
    std::vector<std::pair<std::string_view, std::size_t>> counts;
    const std::size_t length = path_.size();
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = child.name();
      auto count = std::find_if(counts.begin(), counts.end(),
                                [&](const auto& entry) { return entry.first == name; });
      if (count == counts.end()) count = counts.insert(counts.end(), {name, 0});
      path_.append("/").append(name).append("[").append(std::to_string(++count->second)).append("]");
      if (visit(child)) {
        touched = true;
      } else {
        add({}, markup(child));
      }
      path_.resize(length);
    }
    if (!touched) {
      out_.resize(mark);
      return false;
    }
    declareGenerated(element);
    return true;
  }

  // Normalizing dropped every namespace declaration, and the writer declares only the
  // profile's own namespaces: a touched element or an attribute kept here whose namespace the
  // profile does not know (a generated prefix, "ns1") needs its declaration kept as well, or the
  // written document would use an undeclared prefix.
  void declareGenerated(const pugi::xml_node& element) {
    std::vector<std::string_view> prefixes;
    auto need = [&](std::string_view name) {
      const std::string_view prefix = prefixOf(name);
      if (prefix.empty() || prefix == "xml" || profile_.uriFor(prefix) != nullptr) return;
      if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) prefixes.push_back(prefix);
    };
    need(element.name());
    for (pugi::xml_attribute attribute : element.attributes()) {
      if (!consumed_.hasValue(attribute.internal_object())) need(attribute.name());
    }
    for (std::string_view prefix : prefixes) {
      if (const std::string* uri = uriFor(std::string(prefix))) add(concat({"/@xmlns:", prefix}), *uri);
    }
  }

  // The element's markup with declarations for every prefix inside it, so it stands alone.
  std::string markup(pugi::xml_node element) {
    std::set<std::string> prefixes;
    collectPrefixes(element, prefixes);
    pugi::xml_attribute first = element.first_attribute();
    for (const std::string& prefix : prefixes) {
      const std::string* uri = uriFor(prefix);
      if (uri == nullptr) continue;
      const std::string name = "xmlns:" + prefix;
      pugi::xml_attribute declaration = first ? element.insert_attribute_before(name.c_str(), first)
                                              : element.append_attribute(name.c_str());
      declaration.set_value(uri->c_str());
    }
    StringWriter writer;
    element.print(writer, "", pugi::format_raw | pugi::format_no_declaration);
    return std::move(writer.text);
  }

  static void collectPrefixes(const pugi::xml_node& element, std::set<std::string>& prefixes) {
    if (!prefixOf(element.name()).empty()) prefixes.emplace(prefixOf(element.name()));
    for (pugi::xml_attribute attribute : element.attributes()) {
      const std::string_view prefix = prefixOf(attribute.name());
      if (!prefix.empty() && prefix != "xml") prefixes.emplace(prefix);
    }
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) collectPrefixes(child, prefixes);
    }
  }

  const std::string* uriFor(const std::string& prefix) const {
    if (const std::string* uri = profile_.uriFor(prefix)) return uri;
    for (const auto& [generated, uri] : generated_) {
      if (generated == prefix) return &uri;
    }
    return nullptr;
  }

  const ConsumedNodes& consumed_;
  const Profile& profile_;
  const GeneratedNamespaces& generated_;
  std::vector<canonical::Extension>& out_;
  std::string path_;  // path of the element being visited
};

// Declarations of the profile's own prefixes are made once on the written document element.
void dropProfileDeclarations(pugi::xml_node element, const Profile& profile) {
  for (pugi::xml_attribute attribute = element.first_attribute(); attribute;) {
    const pugi::xml_attribute next = attribute.next_attribute();
    const std::string_view name = attribute.name();
    if (name.substr(0, 6) == "xmlns:" && profile.uriFor(name.substr(6)) != nullptr) {
      element.remove_attribute(attribute);
    }
    attribute = next;
  }
}

}  // namespace

void ConsumedNodes::finish() {
  std::sort(values_.begin(), values_.end());
  std::sort(contexts_.begin(), contexts_.end());
}

bool ConsumedNodes::hasValue(const void* node) const {
  return std::binary_search(values_.begin(), values_.end(), node);
}

bool ConsumedNodes::hasContext(const void* node) const {
  return std::binary_search(contexts_.begin(), contexts_.end(), node);
}

void collectUnmapped(pugi::xml_node root, const ConsumedNodes& consumed, const Profile& profile,
                     const GeneratedNamespaces& generated,
                     std::vector<canonical::Extension>& extensions) {
  Collector(consumed, profile, generated, extensions).run(root);
}

namespace {

// The element path names in the written document, or null when it has no such element. An
// attribute or text kept from the source goes back only onto an element the writer wrote: one
// at a position the written structure no longer has (the lines of a second <Lines>, which the
// writer puts in the first) would otherwise be created empty, without the values the profile
// requires of it, and the document would not read again (found by fuzzing).
pugi::xml_node existingElement(pugi::xml_node root, const WritePath& path) {
  pugi::xml_node node = root;
  for (const PathStep& step : path.steps) {
    if (!node) break;
    if (step.kind == PathStep::Kind::Parent) {
      node = node.parent();
    } else if (step.kind == PathStep::Kind::Child) {
      node = ElementBuilder::nthChild(node, step.name, step.position == 0 ? 1 : step.position);
    }
  }
  return node;
}

}  // namespace

std::string restoreUnmapped(pugi::xml_node root, const std::vector<canonical::Extension>& extensions,
                            const Profile& profile, const Limits& limits) {
  const ElementBuilder builder(profile);
  for (const canonical::Extension& extension : extensions) {
    if (extension.format != canonical::kSourceXml) continue;
    std::string ignored;
    const std::optional<WritePath> path = parseWritePath(extension.path, true, ignored);
    if (!path || !path->absolute || path->root != root.name()) continue;
    const bool element_path = !path->isAttribute() && !path->explicit_text && !path->steps.empty();
    pugi::xml_node node =
        element_path ? builder.resolve(root, *path, true) : existingElement(root, *path);
    if (!node) continue;
    if (path->isAttribute()) {
      if (!node.attribute(path->attribute.c_str())) {
        node.append_attribute(path->attribute.c_str()).set_value(extension.raw.c_str());
      }
    } else if (path->explicit_text) {
      if (directText(node).empty()) node.text().set(extension.raw.c_str());
    } else if (element_path) {
      const PathStep& last = path->steps.back();
      const std::size_t wanted = last.position == 0 ? 1 : last.position;
      if (ElementBuilder::countChildren(node, last.name) >= wanted) continue;
      pugi::xml_document fragment;
      if (auto error = parseDocument(extension.raw, limits, fragment)) {
        return "the extension at " + extension.path + " does not hold well-formed XML: " +
               error->describe();
      }
      dropProfileDeclarations(builder.insertCopy(node, fragment.document_element()), profile);
    }
  }
  return {};
}

}  // namespace ferry::xml
