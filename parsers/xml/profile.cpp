#include "parsers/xml/profile.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "parsers/xml/json_tree.h"

namespace ferry::xml {
namespace {

std::string lineTag(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

bool isNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// Prefixes used by the name tests of an XPath: "c" in "c:Lines/c:Line[@seq]" - not axis names
// ("child::"), variables ("$a:b" cannot occur in pugixml) or text inside string literals.
std::vector<std::string> xpathPrefixes(std::string_view xpath) {
  std::vector<std::string> prefixes;
  std::size_t i = 0;
  while (i < xpath.size()) {
    const char c = xpath[i];
    if (c == '"' || c == '\'') {
      const std::size_t end = xpath.find(c, i + 1);
      if (end == std::string_view::npos) break;
      i = end + 1;
    } else if (isNameStart(c)) {
      const std::size_t start = i;
      while (i < xpath.size() && isNameChar(xpath[i])) ++i;
      if (i + 1 < xpath.size() && xpath[i] == ':' && xpath[i + 1] != ':' &&
          (isNameStart(xpath[i + 1]) || xpath[i + 1] == '*')) {
        prefixes.emplace_back(xpath.substr(start, i - start));
        ++i;
      }
    } else {
      ++i;
    }
  }
  return prefixes;
}

// Scopes bound at one point of the mappings, as a bit set.
using ScopeSet = unsigned;
constexpr ScopeSet bit(Scope scope) { return 1u << static_cast<unsigned>(scope); }

}  // namespace

ProfileError::ProfileError(std::string file, int line, std::string field,
                           const std::string& problem)
    : std::runtime_error(lineTag(file, line) + ": " + (field.empty() ? "" : field + ": ") +
                         problem),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

// Builds a Profile from its JSON tree, checking every member on the way.
class ProfileLoader {
 public:
  ProfileLoader(Profile& profile, std::string source) : profile_(profile) {
    profile_.source_ = std::move(source);
  }

  void load(std::string_view json) {
    JsonParseResult parsed = parseJsonTree(json);
    if (!parsed.error.empty()) {
      throw ProfileError(profile_.source_, parsed.error_line, "", parsed.error);
    }
    const JsonNode& root = parsed.root;
    if (!root.isObject()) fail(root, "", "a profile is a JSON object");
    checkMembers(root, "",
                 {"schema", "name", "version", "description", "kind", "namespaces", "root",
                  "write", "unmapped", "mappings"});
    const std::string& schema = requireString(root, "schema", "");
    if (schema != Profile::kSchema) {
      fail(*root.find("schema"), "schema",
           "expected \"" + std::string(Profile::kSchema) + "\", found \"" + schema + "\"");
    }
    loadName(root);
    profile_.version_ = requireString(root, "version", "");
    if (const JsonNode* description = root.find("description")) {
      profile_.description_ = stringValue(*description, "description");
    }
    loadKind(root);
    loadNamespaces(require(root, "namespaces", ""));
    loadRoot(require(root, "root", ""));
    loadWrite(root.find("write"));
    loadUnmapped(root.find("unmapped"));
    loadTopLevel(require(root, "mappings", ""));
  }

 private:
  struct Context {
    ScopeSet bound = 0;
    std::vector<std::string> chain;  // element names from the root to the write context
    bool top_level = false;
  };

  [[noreturn]] void fail(const JsonNode& node, const std::string& field,
                         const std::string& problem) const {
    std::string text = problem;
    if (!profile_.name_.empty()) text += " (profile '" + profile_.name_ + "')";
    throw ProfileError(profile_.source_, node.line, field, text);
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  void checkMembers(const JsonNode& object, const std::string& path,
                    std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : object.members) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
        fail(value, join(path, key), "unknown member; expected one of: " + list);
      }
    }
  }

  const JsonNode& require(const JsonNode& object, std::string_view key,
                          const std::string& path) const {
    const JsonNode* node = object.find(key);
    if (node == nullptr) fail(object, join(path, key), "required member is missing");
    return *node;
  }

  const std::string& stringValue(const JsonNode& node, const std::string& field) const {
    if (!node.isString()) {
      fail(node, field, "expected a string, found " + std::string(describeJsonType(node.type)));
    }
    return node.text;
  }

  const std::string& requireString(const JsonNode& object, std::string_view key,
                                   const std::string& path) const {
    const std::string& value = stringValue(require(object, key, path), join(path, key));
    if (value.empty()) fail(*object.find(key), join(path, key), "must not be empty");
    return value;
  }

  void loadName(const JsonNode& root) {
    const std::string& name = requireString(root, "name", "");
    for (char c : name) {
      if (!isNameChar(c)) {
        fail(*root.find("name"), "name",
             "'" + name + "' may hold only letters, digits, '-', '_' and '.'");
      }
    }
    profile_.name_ = name;
  }

  void loadKind(const JsonNode& root) {
    const std::string& kind = requireString(root, "kind", "");
    if (kind == "claim") {
      profile_.kind_ = DocumentKind::Claim;
    } else if (kind == "claimResponse") {
      profile_.kind_ = DocumentKind::ClaimResponse;
    } else {
      fail(*root.find("kind"), "kind", "expected \"claim\" or \"claimResponse\", found \"" + kind + "\"");
    }
  }

  void loadNamespaces(const JsonNode& node) {
    if (!node.isObject()) fail(node, "namespaces", "expected an object of prefix: URI");
    for (const auto& [prefix, uri_node] : node.members) {
      const std::string field = "namespaces." + prefix;
      const std::string& uri = stringValue(uri_node, field);
      if (!isQName(prefix) || prefix.find(':') != std::string::npos || prefix == "xml" ||
          prefix == "xmlns") {
        fail(uri_node, field, "'" + prefix + "' cannot be a namespace prefix");
      }
      if (uri.empty()) fail(uri_node, field, "the namespace URI must not be empty");
      if (profile_.prefixFor(uri) != nullptr) {
        fail(uri_node, field, "the URI is already bound to prefix '" + *profile_.prefixFor(uri) + "'");
      }
      profile_.namespaces_.emplace_back(prefix, uri);
    }
  }

  void loadRoot(const JsonNode& node) {
    if (!node.isObject()) fail(node, "root", "expected an object with \"name\" and \"namespace\"");
    checkMembers(node, "root", {"name", "namespace"});
    const std::string& name = requireString(node, "name", "root");
    if (!isQName(name) || name.find(':') != std::string::npos) {
      fail(*node.find("name"), "root.name", "'" + name + "' is not a local element name");
    }
    const std::string& uri = stringValue(require(node, "namespace", "root"), "root.namespace");
    profile_.root_name_ = name;
    profile_.root_namespace_ = uri;
    if (uri.empty()) {
      profile_.root_qname_ = name;
      return;
    }
    const std::string* prefix = profile_.prefixFor(uri);
    if (prefix == nullptr) {
      fail(*node.find("namespace"), "root.namespace",
           "'" + uri + "' is not declared in \"namespaces\"; declare a prefix for it");
    }
    profile_.root_qname_ = *prefix + ":" + name;
  }

  void loadWrite(const JsonNode* node) {
    if (node == nullptr) return;
    if (!node->isObject()) fail(*node, "write", "expected an object");
    checkMembers(*node, "write", {"defaultNamespace", "elementOrder"});
    if (const JsonNode* prefix = node->find("defaultNamespace")) {
      const std::string& value = stringValue(*prefix, "write.defaultNamespace");
      if (profile_.uriFor(value) == nullptr) {
        fail(*prefix, "write.defaultNamespace", "'" + value + "' is not a prefix of \"namespaces\"");
      }
      profile_.default_write_prefix_ = value;
    }
    if (const JsonNode* order = node->find("elementOrder")) {
      if (!order->isObject()) fail(*order, "write.elementOrder", "expected an object of element: [children]");
      for (const auto& [parent, children] : order->members) {
        const std::string field = "write.elementOrder." + parent;
        checkElementName(*order, field, parent);
        if (!children.isArray()) fail(children, field, "expected an array of element names");
        for (const JsonNode& child : children.items) {
          checkElementName(child, field, stringValue(child, field));
          addChild(parent, child.text);
        }
      }
    }
  }

  void loadUnmapped(const JsonNode* node) {
    if (node == nullptr) return;
    const std::string& value = stringValue(*node, "unmapped");
    if (value != "keep" && value != "ignore") {
      fail(*node, "unmapped", "expected \"keep\" or \"ignore\", found \"" + value + "\"");
    }
    profile_.keep_unmapped_ = value == "keep";
  }

  void checkElementName(const JsonNode& node, const std::string& field, const std::string& name) const {
    if (!isQName(name)) fail(node, field, "'" + name + "' is not an element name");
    checkPrefix(node, field, prefixOf(name));
  }

  void checkPrefix(const JsonNode& node, const std::string& field, std::string_view prefix) const {
    if (!prefix.empty() && prefix != "xml" && profile_.uriFor(prefix) == nullptr) {
      fail(node, field, "prefix '" + std::string(prefix) + "' is not declared in \"namespaces\"");
    }
  }

  void addChild(const std::string& parent, const std::string& child) {
    auto& children = profile_.child_order_[parent];
    if (std::find(children.begin(), children.end(), child) == children.end()) {
      children.push_back(child);
    }
  }

  void loadTopLevel(const JsonNode& node) {
    Context context;
    context.top_level = true;
    context.bound = bit(Scope::Message) | bit(primaryScope());
    context.chain.push_back(profile_.root_qname_);
    profile_.mappings_ = loadMappings(node, "mappings", context);
  }

  Scope primaryScope() const {
    return profile_.kind_ == DocumentKind::Claim ? Scope::Claim : Scope::Response;
  }

  std::vector<Mapping> loadMappings(const JsonNode& node, const std::string& path,
                                    const Context& context) {
    if (!node.isArray()) fail(node, path, "expected an array of mappings");
    std::vector<Mapping> mappings;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      mappings.push_back(loadMapping(node.items[i], path + "[" + std::to_string(i) + "]", context));
    }
    return mappings;
  }

  Mapping loadMapping(const JsonNode& node, const std::string& path, const Context& context) {
    if (!node.isObject()) fail(node, path, "expected an object");
    Mapping mapping;
    mapping.location = lineTag(profile_.source_, node.line) + " " + path;
    if (node.find("repeat") != nullptr) {
      loadRepeat(node, path, context, mapping);
    } else if (node.find("field") != nullptr) {
      loadField(node, path, context, mapping);
    } else if (node.find("const") != nullptr && node.find("write") != nullptr) {
      loadConstant(node, path, context, mapping);
    } else {
      fail(node, path, "each mapping needs \"field\", \"repeat\", or \"const\" with \"write\"");
    }
    return mapping;
  }

  void loadRepeat(const JsonNode& node, const std::string& path, const Context& context,
                  Mapping& mapping) {
    checkMembers(node, path, {"repeat", "path", "read", "write", "mappings", "note"});
    mapping.kind = Mapping::Kind::Repeat;
    const std::string& name = stringValue(*node.find("repeat"), path + ".repeat");
    mapping.collection = findCollection(name);
    if (mapping.collection == nullptr) {
      std::string list;
      for (const Collection& c : allCollections()) list += (list.empty() ? "" : ", ") + std::string(c.name);
      fail(node, path + ".repeat", "unknown collection '" + name + "'; expected one of: " + list);
    }
    const Collection& collection = *mapping.collection;
    const bool primary = collection.scope == primaryScope() && collection.parent == Scope::Message;
    if ((context.bound & bit(collection.parent)) == 0 ||
        (collection.parent == Scope::Message && !(primary && context.top_level))) {
      fail(node, path + ".repeat",
           "'" + name + "' cannot repeat here: " +
               (collection.parent == Scope::Message
                    ? std::string("it belongs at the top level of a ") +
                          (collection.scope == Scope::Claim ? "claim" : "claimResponse") + " profile"
                    : "it must be inside the repeat over " + std::string(scopeName(collection.parent))));
    }
    if (primary) profile_.repeats_primary_ = true;
    loadPaths(node, path, mapping);
    if (!mapping.read) fail(node, path, "a repeat needs \"path\" or \"read\" to select its nodes");
    if (mapping.read->return_type() != pugi::xpath_type_node_set) {
      fail(node, path + ".read", "the XPath of a repeat must select nodes, not compute a value");
    }
    Context inner = context;
    inner.top_level = false;
    inner.bound |= bit(collection.scope);
    if (mapping.write) {
      if (mapping.write->isAttribute() || mapping.write->explicit_text ||
          mapping.write->steps.empty() || mapping.write->steps.back().kind != PathStep::Kind::Child) {
        fail(node, path + ".write", "the write path of a repeat must end in the repeated element");
      }
      inner.chain = walkChain(node, writeField(node, path), context.chain, *mapping.write);
    }
    mapping.mappings = loadMappings(require(node, "mappings", path), path + ".mappings", inner);
  }

  void loadField(const JsonNode& node, const std::string& path, const Context& context,
                 Mapping& mapping) {
    checkMembers(node, path, {"field", "path", "read", "write", "const", "codes", "format", "part",
                              "required", "note"});
    mapping.kind = Mapping::Kind::Field;
    const std::string& name = stringValue(*node.find("field"), path + ".field");
    mapping.field = findField(name);
    if (mapping.field == nullptr) {
      fail(node, path + ".field",
           "unknown canonical field '" + name + "'; samples/profiles/README.md lists the fields");
    }
    if ((context.bound & bit(mapping.field->scope)) == 0) {
      fail(node, path + ".field",
           "'" + name + "' can only be mapped inside the repeat over " +
               std::string(scopeName(mapping.field->scope)) + " (or a repeat nested in it)");
    }
    loadPaths(node, path, mapping);
    if (const JsonNode* constant = node.find("const")) {
      if (mapping.read || mapping.write) {
        fail(*constant, path + ".const", "a field with \"const\" takes no \"path\", \"read\" or \"write\"");
      }
      mapping.constant = stringValue(*constant, path + ".const");
    }
    if (!mapping.read && !mapping.write && !mapping.constant) {
      fail(node, path, "give \"path\", \"read\", \"write\" or \"const\"");
    }
    loadValueOptions(node, path, mapping);
    if (mapping.write) walkChain(node, writeField(node, path), context.chain, *mapping.write);
  }

  void loadConstant(const JsonNode& node, const std::string& path, const Context& context,
                    Mapping& mapping) {
    checkMembers(node, path, {"const", "write", "note"});
    mapping.kind = Mapping::Kind::Constant;
    mapping.constant = stringValue(*node.find("const"), path + ".const");
    loadPaths(node, path, mapping);
    walkChain(node, path + ".write", context.chain, *mapping.write);
    // Reading recognizes the constant's node as mapped; a path XPath cannot select is harmless.
    try {
      mapping.read = std::make_unique<pugi::xpath_query>(mapping.write->toString().c_str());
    } catch (const pugi::xpath_exception&) {
      mapping.read.reset();
    }
  }

  void loadValueOptions(const JsonNode& node, const std::string& path, Mapping& mapping) {
    if (const JsonNode* codes = node.find("codes")) {
      if (!codes->isObject()) fail(*codes, path + ".codes", "expected an object of XML value: canonical value");
      for (const auto& [xml, canonical] : codes->members) {
        mapping.codes.emplace_back(xml, stringValue(canonical, path + ".codes." + xml));
      }
    }
    if (const JsonNode* format = node.find("format")) {
      const std::string& value = stringValue(*format, path + ".format");
      if (value != "date") fail(*format, path + ".format", "expected \"date\", found \"" + value + "\"");
      mapping.format = ValueFormat::Date;
    }
    if (const JsonNode* part = node.find("part")) {
      if (!part->isObject()) fail(*part, path + ".part", "expected {\"separator\": \", \", \"index\": 0}");
      checkMembers(*part, path + ".part", {"separator", "index"});
      mapping.part.enabled = true;
      mapping.part.separator = requireString(*part, "separator", path + ".part");
      const JsonNode& index = require(*part, "index", path + ".part");
      if (index.type != JsonNode::Type::Number || index.text.find_first_not_of("0123456789") != std::string::npos ||
          index.text.size() > 3) {
        fail(index, path + ".part.index", "expected a small non-negative integer");
      }
      mapping.part.index = std::stoul(index.text);
    }
    if (const JsonNode* required = node.find("required")) {
      if (required->type != JsonNode::Type::Bool) fail(*required, path + ".required", "expected true or false");
      mapping.required = required->text == "true";
    }
  }

  static std::string writeField(const JsonNode& node, const std::string& path) {
    return path + (node.find("path") != nullptr ? ".path" : ".write");
  }

  // "path" is both read XPath and write path; "read" and "write" give them separately.
  void loadPaths(const JsonNode& node, const std::string& path, Mapping& mapping) {
    const JsonNode* both = node.find("path");
    const JsonNode* read = node.find("read");
    const JsonNode* write = node.find("write");
    if (both != nullptr && (read != nullptr || write != nullptr)) {
      fail(*both, path + ".path", "give either \"path\" or \"read\"/\"write\", not both");
    }
    if (both != nullptr) {
      read = both;
      write = both;
    }
    const std::string read_field = path + (both != nullptr ? ".path" : ".read");
    const std::string write_field = path + (both != nullptr ? ".path" : ".write");
    if (read != nullptr) {
      mapping.read_text = stringValue(*read, read_field);
      mapping.read = compileXPath(*read, read_field, mapping.read_text);
    }
    if (write != nullptr) {
      const std::string& text = stringValue(*write, write_field);
      std::string error;
      mapping.write = parseWritePath(text, false, error);
      if (!mapping.write) {
        fail(*write, write_field,
             "'" + text + "' is not a write path (" + error + ")" +
                 (both != nullptr ? "; give \"read\" and \"write\" separately" : ""));
      }
      for (const PathStep& step : mapping.write->steps) checkPrefix(*write, write_field, prefixOf(step.name));
      checkPrefix(*write, write_field, prefixOf(mapping.write->attribute));
    }
  }

  std::unique_ptr<pugi::xpath_query> compileXPath(const JsonNode& node, const std::string& field,
                                                  const std::string& text) const {
    if (text.empty()) fail(node, field, "the XPath is empty");
    for (const std::string& prefix : xpathPrefixes(text)) checkPrefix(node, field, prefix);
    try {
      return std::make_unique<pugi::xpath_query>(text.c_str());
    } catch (const pugi::xpath_exception& e) {
      fail(node, field,
           "XPath '" + text + "' does not compile: " + e.result().description() + " at character " +
               std::to_string(e.result().offset + 1));
    }
  }

  // Follows a write path from chain (element names from the root down to the context), records
  // the order in which it names children, and returns the chain at its end.
  std::vector<std::string> walkChain(const JsonNode& node, const std::string& field,
                                     std::vector<std::string> chain, const WritePath& path) {
    if (path.absolute) {
      if (path.root != profile_.root_qname_) {
        fail(node, field, "an absolute path starts at the root element '/" + profile_.root_qname_ + "'");
      }
      chain.resize(1);
    }
    for (const PathStep& step : path.steps) {
      switch (step.kind) {
        case PathStep::Kind::Self: break;
        case PathStep::Kind::Parent:
          if (chain.size() <= 1) fail(node, field, "'..' leaves the document element");
          chain.pop_back();
          break;
        case PathStep::Kind::Child:
          addChild(chain.back(), step.name);
          chain.push_back(step.name);
          break;
      }
    }
    return chain;
  }

  Profile& profile_;
};

Profile Profile::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ProfileError(file.string(), 0, "", "cannot open the profile file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string());
}

Profile Profile::parse(std::string_view json, const std::string& source) {
  Profile profile;
  ProfileLoader(profile, source).load(json);
  return profile;
}

const std::string* Profile::prefixFor(std::string_view uri) const {
  for (const auto& [prefix, bound] : namespaces_) {
    if (bound == uri) return &prefix;
  }
  return nullptr;
}

const std::string* Profile::uriFor(std::string_view prefix) const {
  for (const auto& [bound, uri] : namespaces_) {
    if (bound == prefix) return &uri;
  }
  return nullptr;
}

std::size_t Profile::childRank(std::string_view parent, std::string_view child) const {
  const auto found = child_order_.find(std::string(parent));
  if (found == child_order_.end()) return std::string_view::npos;
  const auto& children = found->second;
  const auto at = std::find(children.begin(), children.end(), child);
  return at == children.end() ? std::string_view::npos
                              : static_cast<std::size_t>(at - children.begin());
}

}  // namespace ferry::xml
