#include "mappings/source_query.h"

#include <charconv>
#include <map>

#include <pugixml.hpp>
#include <rapidjson/document.h>

#include "parsers/hl7v2/message.h"
#include "parsers/xml/safe_parser.h"

namespace ferry::mappings {

struct SourceCache::JsonHolder {
  rapidjson::Document document;
};

namespace {

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// Prefixes used in name tests ("c:Claim", "@c:id"), skipping string literals and axes ("::").
std::vector<std::pair<std::string, int>> xpathPrefixes(std::string_view x) {
  std::vector<std::pair<std::string, int>> found;
  char quote = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const char c = x[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c != ':') continue;
    if ((i + 1 < x.size() && x[i + 1] == ':') || (i > 0 && x[i - 1] == ':')) continue;
    std::size_t b = i;
    while (b > 0 && nameChar(x[b - 1])) --b;
    if (b < i) found.emplace_back(std::string(x.substr(b, i - b)), static_cast<int>(b));
  }
  return found;
}

// Renames elements and attributes to the mapping's own prefix for their namespace URI, since
// pugixml's XPath matches names as written: a sender may use any prefix, or a default namespace.
// Namespaces the mapping does not declare get a prefix no XPath can spell, so they never match.
class NamespaceRenamer {
 public:
  explicit NamespaceRenamer(const Namespaces& ns) {
    for (const auto& [prefix, uri] : ns) prefix_of_uri_.emplace(uri, prefix);
  }

  void rename(pugi::xml_node node, std::vector<std::pair<std::string, std::string>>& scope) {
    const std::size_t mark = scope.size();
    for (pugi::xml_attribute a = node.first_attribute(); a;) {
      const std::string_view name = a.name();
      pugi::xml_attribute next = a.next_attribute();
      if (name == "xmlns") {
        scope.emplace_back("", a.value());
        node.remove_attribute(a);
      } else if (name.substr(0, 6) == "xmlns:") {
        scope.emplace_back(std::string(name.substr(6)), a.value());
        node.remove_attribute(a);
      }
      a = next;
    }
    node.set_name(mapped(node.name(), scope, true).c_str());
    for (pugi::xml_attribute a : node.attributes()) {
      if (std::string_view(a.name()).find(':') != std::string_view::npos) {
        a.set_name(mapped(a.name(), scope, false).c_str());
      }
    }
    for (pugi::xml_node child : node.children()) {
      if (child.type() == pugi::node_element) rename(child, scope);
    }
    scope.resize(mark);
  }

 private:
  std::string mapped(std::string_view qname, const std::vector<std::pair<std::string, std::string>>& scope,
                     bool element) {
    const std::size_t colon = qname.find(':');
    const std::string prefix = colon == std::string_view::npos ? "" : std::string(qname.substr(0, colon));
    const std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
    if (prefix.empty() && !element) return std::string(local);
    std::string uri;
    for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
      if (it->first == prefix) {
        uri = it->second;
        break;
      }
    }
    if (uri.empty()) return std::string(local);
    auto known = prefix_of_uri_.find(uri);
    if (known != prefix_of_uri_.end()) return known->second + ":" + std::string(local);
    return "unmapped#:" + std::string(local);
  }

  std::map<std::string, std::string> prefix_of_uri_;
};

Value sequence(std::pmr::vector<Value>& items) {
  if (items.size() == 1) return items.front();
  Value v;
  v.kind = Value::Kind::Sequence;
  v.items = items.data();
  v.count = items.size();
  return v;
}

void jsonCollect(const rapidjson::Value& node, const JsonStep* s, const JsonStep* end,
                 std::pmr::vector<Value>& out) {
  if (s == end) {
    if (node.IsString()) {
      out.push_back(Value::fromText({node.GetString(), node.GetStringLength()}));
    } else if (node.IsNumber()) {
      out.push_back(Value::fromNumber(node.GetDouble()));
    } else if (node.IsBool()) {
      out.push_back(Value::fromBool(node.GetBool()));
    } else if (node.IsArray()) {
      for (const auto& item : node.GetArray()) jsonCollect(item, s, end, out);
    }
    return;
  }
  const rapidjson::Value* current = &node;
  if (!s->member.empty()) {
    if (node.IsArray()) {  // a list named without [n] means each of its elements
      for (const auto& item : node.GetArray()) jsonCollect(item, s, end, out);
      return;
    }
    if (!node.IsObject()) return;
    auto it = node.FindMember(rapidjson::StringRef(s->member.data(), s->member.size()));
    if (it == node.MemberEnd()) return;
    current = &it->value;
  }
  if (s->select == JsonStep::Select::None) {
    jsonCollect(*current, s + 1, end, out);
    return;
  }
  if (!current->IsArray()) return;
  if (s->select == JsonStep::Select::Index) {
    if (s->index < current->Size()) jsonCollect((*current)[s->index], s + 1, end, out);
    return;
  }
  for (const auto& item : current->GetArray()) jsonCollect(item, s + 1, end, out);
}

}  // namespace

std::optional<SourceQuery> compileHl7Query(std::string_view text, std::string& error) {
  auto path = hl7v2::Path::parse(text);
  if (!path) {
    error = "'" + std::string(text) + "' is not an HL7 v2 path such as 'PID-3[1].1': " +
            path.error().text;
    return std::nullopt;
  }
  SourceQuery q;
  q.kind = SourceQuery::Kind::Hl7;
  q.text = std::string(text);
  q.hl7 = *path;
  return q;
}

std::optional<SourceQuery> compileJsonQuery(std::string_view text, std::string& error,
                                            int& error_offset) {
  SourceQuery q;
  q.kind = SourceQuery::Kind::Json;
  q.text = std::string(text);
  std::size_t i = 0;
  auto fail = [&](std::size_t at, std::string why) -> std::optional<SourceQuery> {
    error = "JSON path '" + std::string(text) + "': " + std::move(why);
    error_offset = static_cast<int>(at);
    return std::nullopt;
  };
  if (text.empty()) return fail(0, "is empty");
  while (i < text.size()) {
    JsonStep step;
    if (text[i] != '[') {
      const std::size_t b = i;
      while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
      if (i == b) return fail(b, "a member name is missing");
      step.member = std::string(text.substr(b, i - b));
    }
    if (i < text.size() && text[i] == '[') {
      const std::size_t close = text.find(']', i);
      if (close == std::string_view::npos) return fail(i, "'[' has no ']'");
      const std::string_view inside = text.substr(i + 1, close - i - 1);
      if (inside == "*") {
        step.select = JsonStep::Select::All;
      } else {
        auto [p, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), step.index);
        if (ec != std::errc() || p != inside.data() + inside.size() || inside.empty()) {
          return fail(i + 1, "'[" + std::string(inside) + "]' is not an index ([0], [*])");
        }
        step.select = JsonStep::Select::Index;
      }
      i = close + 1;
      if (i < text.size() && text[i] == '[') return fail(i, "use one [index] per step");
    }
    q.json.push_back(std::move(step));
    if (i < text.size()) {
      if (text[i] != '.') return fail(i, "expected '.' between members");
      ++i;
      if (i == text.size()) return fail(i, "ends with '.'");
    }
  }
  return q;
}

std::optional<SourceQuery> compileXpathQuery(std::string_view text, const Namespaces& namespaces,
                                             std::string& error, int& error_offset) {
  for (const auto& [prefix, offset] : xpathPrefixes(text)) {
    bool known = false;
    for (const auto& ns : namespaces) known = known || ns.first == prefix;
    if (!known) {
      error = "namespace prefix '" + prefix + "' is not declared in \"namespaces\"";
      error_offset = offset;
      return std::nullopt;
    }
  }
  SourceQuery q;
  q.kind = SourceQuery::Kind::Xpath;
  q.text = std::string(text);
  try {
    q.xpath = std::make_shared<const pugi::xpath_query>(q.text.c_str());
  } catch (const pugi::xpath_exception& e) {
    error = "XPath '" + q.text + "': " + e.result().description();
    error_offset = static_cast<int>(e.result().offset);
    return std::nullopt;
  }
  return q;
}

SourceCache::SourceCache(const Source& source, const Namespaces& namespaces)
    : source_(source), namespaces_(namespaces) {}

SourceCache::~SourceCache() = default;

Value SourceCache::read(const SourceQuery& query, Arena& arena) {
  switch (query.kind) {
    case SourceQuery::Kind::Hl7: return readHl7(query, arena);
    case SourceQuery::Kind::Json: return readJson(query, arena);
    case SourceQuery::Kind::Xpath: return readXpath(query, arena);
  }
  return Value::null();
}

Value SourceCache::readHl7(const SourceQuery& query, Arena& arena) {
  if (source_.format != Source::Format::Hl7v2) return Value::null();
  const hl7v2::Message* message = source_.hl7;
  if (message == nullptr) {
    if (!hl7_tried_) {
      hl7_tried_ = true;
      auto parsed = hl7v2::Message::parse(source_.raw);
      if (parsed) hl7_ = std::make_unique<hl7v2::Message>(std::move(*parsed));
    }
    message = hl7_.get();
  }
  if (message == nullptr) return Value::null();
  const hl7v2::Element element = message->at(query.hl7);
  if (!element.valued()) return Value::null();
  const std::string_view raw = element.raw();
  if (raw.find(message->encoding().escape) == std::string_view::npos) {
    return Value::fromText(raw);  // nothing to unescape: a view into the message
  }
  return Value::fromText(arena.copy(element.text()));
}

Value SourceCache::readJson(const SourceQuery& query, Arena& arena) {
  if (source_.format != Source::Format::Json) return Value::null();
  if (!json_tried_) {
    json_tried_ = true;
    auto holder = std::make_unique<JsonHolder>();
    holder->document.Parse(source_.raw.data(), source_.raw.size());
    if (!holder->document.HasParseError()) json_ = std::move(holder);
  }
  if (!json_) return Value::null();
  std::pmr::vector<Value> out(arena.resource());
  jsonCollect(json_->document, query.json.data(), query.json.data() + query.json.size(), out);
  if (out.empty()) return Value::null();
  return sequence(out);
}

Value SourceCache::readXpath(const SourceQuery& query, Arena& arena) {
  if (source_.format != Source::Format::Xml) return Value::null();
  if (!xml_tried_) {
    xml_tried_ = true;
    auto document = std::make_unique<pugi::xml_document>();
    // The safe parser refuses DTDs, entity declarations and oversized or deep documents.
    if (!xml::parseDocument(source_.raw, xml::Limits{}, *document)) {
      std::vector<std::pair<std::string, std::string>> scope;
      NamespaceRenamer renamer(namespaces_);
      renamer.rename(document->document_element(), scope);
      xml_ = std::move(document);
    }
  }
  if (!xml_) return Value::null();
  const pugi::xpath_query& q = *query.xpath;
  switch (q.return_type()) {
    case pugi::xpath_type_node_set: {
      const pugi::xpath_node_set nodes = q.evaluate_node_set(*xml_);
      std::pmr::vector<Value> out(arena.resource());
      for (const pugi::xpath_node& n : nodes) {
        const char* text = n.attribute() ? n.attribute().value() : n.node().text().get();
        if (n.node() && n.node().type() != pugi::node_element) text = n.node().value();
        if (text != nullptr && *text != '\0') out.push_back(Value::fromText(text));
      }
      if (out.empty()) return Value::null();
      return sequence(out);
    }
    case pugi::xpath_type_number: return Value::fromNumber(q.evaluate_number(*xml_));
    case pugi::xpath_type_boolean: return Value::fromBool(q.evaluate_boolean(*xml_));
    case pugi::xpath_type_string: {
      const std::string s = q.evaluate_string(*xml_);
      return s.empty() ? Value::null() : Value::fromText(arena.copy(s));
    }
    default: return Value::null();
  }
}

}  // namespace ferry::mappings
