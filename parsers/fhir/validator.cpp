#include "parsers/fhir/validator.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <unordered_map>

#include "parsers/fhir/primitives.h"

namespace ferry::fhir {
namespace {

using schema::ElementDef;
using schema::TypeKind;

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// The members every primitive's "_name" sibling may have (FHIR Element).
constexpr ElementDef kElementMembers[] = {
    {"id", "string", "", false, false, -1, 0, 0},
    {"extension", "Extension", "", false, true, -1, 0, 0},
};

bool isPrimitive(const ElementDef& def) {
  const schema::TypeDef* t = schema::findType(def.type);
  return def.child_count == 0 && t != nullptr && t->kind == TypeKind::Primitive;
}

const ElementDef& bundleEntryDef() {
  static const ElementDef* def =
      schema::findElement(schema::elementsOf(*schema::findType("Bundle")), "entry");
  return *def;
}

// Appends to a path and restores it when the scope ends.
class PathScope {
 public:
  PathScope(std::string& path, std::string_view member) : path_(path), size_(path.size()) {
    path_ += '.';
    path_ += member;
  }
  PathScope(std::string& path, std::size_t index) : path_(path), size_(path.size()) {
    path_ += '[';
    path_ += std::to_string(index);
    path_ += ']';
  }
  ~PathScope() { path_.resize(size_); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  std::string& path_;
  std::size_t size_;
};

}  // namespace

void Validator::addIssue(Severity severity, std::string_view code, std::string diagnostics,
                         std::string expression) {
  issues_.push_back(
      {severity, std::string(code), std::move(diagnostics), std::move(expression), std::nullopt});
}

void Validator::issue(Severity severity, std::string_view code, std::string diagnostics) {
  addIssue(severity, code, std::move(diagnostics), path_);
}

void Validator::issueAt(Severity severity, std::string_view code, std::string diagnostics,
                        std::string_view child) {
  addIssue(severity, code, std::move(diagnostics), path_ + "." + std::string(child));
}

bool Validator::resource(const JsonValue& r, const std::string& path) {
  path_ = path;
  resourceAtPath(r);
  const JsonValue* type = r.IsObject() ? fhir::member(r, "resourceType") : nullptr;
  return type != nullptr && input_.isString(*type) && schema::isResourceType(input_.stringValue(*type));
}

void Validator::resourceAtPath(const JsonValue& r) {
  if (!r.IsObject()) {
    issue(Severity::Error, "structure",
          "a resource must be a JSON object, not " + std::string(input_.kindName(r)));
    return;
  }
  const JsonValue* typeValue = fhir::member(r, "resourceType");
  if (typeValue == nullptr || !input_.isString(*typeValue)) {
    issue(Severity::Error, "required", "resourceType is missing or not a string");
    return;
  }
  const std::string_view type = input_.stringValue(*typeValue);
  if (!schema::isResourceType(type)) {
    issueAt(Severity::Error, "invalid", "unknown resourceType " + quoted(type) + " (not a FHIR R4 resource)",
            "resourceType");
    return;
  }
  const schema::TypeDef* def = schema::findType(type);
  if (def == nullptr) {
    issue(Severity::Information, "not-supported",
          std::string(type) + " is an R4 resource Ferry keeps as it is but does not validate");
    return;
  }
  elements(r, schema::elementsOf(*def));
  if (type == "Bundle") {
    // A Bundle validated whole (not streamed): the rules tying entries to the Bundle type.
    std::vector<BundleEntryFacts> facts;
    if (const JsonValue* entries = fhir::member(r, "entry"); entries != nullptr && entries->IsArray()) {
      for (const JsonValue& entry : entries->GetArray()) facts.push_back(entryFacts(input_, entry));
    }
    const JsonValue* bundleType = fhir::member(r, "type");
    checkBundleRules(bundleType != nullptr ? input_.stringValue(*bundleType) : std::string_view(), facts,
                     issues_);
  }
}

void Validator::bundleShell(const JsonValue& bundle) {
  path_ = "Bundle";
  elements(bundle, schema::elementsOf(*schema::findType("Bundle")), "entry");
}

void Validator::bundleEntry(const JsonValue& entry, const std::string& path) {
  path_ = path;
  value(bundleEntryDef(), entry);
}

void Validator::elements(const JsonValue& object, std::span<const ElementDef> defs, std::string_view skip) {
  if (!object.IsObject()) {
    issue(Severity::Error, "structure",
          "expected a JSON object, found " + std::string(input_.kindName(object)));
    return;
  }
  if (object.MemberCount() == 0) {
    issue(Severity::Error, "structure", "an element must have a value or children, not be an empty object");
    return;
  }
  const bool resourceRoot = fhir::member(object, "resourceType") != nullptr;
  std::string_view choices[8];
  std::size_t choiceCount = 0;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view key = keyOf(it);
    for (auto before = object.MemberBegin(); before != it; ++before) {
      if (keyOf(before) == key)
        issueAt(Severity::Error, "structure", "element " + quoted(key) + " appears twice", key);
    }
    if ((key == "resourceType" && resourceRoot) || (!skip.empty() && key == skip)) continue;
    const PathScope scope(path_, key);
    if (key.size() > 1 && key[0] == '_') {
      primitiveExtension(schema::findElement(defs, key.substr(1)), it->value);
      continue;
    }
    const ElementDef* def = schema::findElement(defs, key);
    if (def == nullptr) {
      issue(Severity::Error, "structure", "unknown element " + quoted(key));
      continue;
    }
    if (!def->choice.empty()) {
      for (std::size_t c = 0; c < choiceCount; ++c) {
        if (choices[c] == def->choice) {
          issue(Severity::Error, "structure",
                "only one " + std::string(def->choice) + "[x] element is allowed");
        }
      }
      if (choiceCount < std::size(choices)) choices[choiceCount++] = def->choice;
    }
    member(*def, it->value);
  }
  required(object, defs, skip);
}

void Validator::required(const JsonValue& object, std::span<const ElementDef> defs, std::string_view skip) {
  std::string_view reported[8];
  std::size_t reportedCount = 0;
  for (const ElementDef& def : defs) {
    if (!def.required || def.name == skip) continue;
    if (def.choice.empty()) {
      const bool present = fhir::member(object, def.name) != nullptr ||
                           fhir::member(object, "_" + std::string(def.name)) != nullptr;
      if (!present) issueAt(Severity::Error, "required", quoted(def.name) + " is required", def.name);
      continue;
    }
    bool done = false;
    for (std::size_t c = 0; c < reportedCount; ++c) done = done || reported[c] == def.choice;
    if (done) continue;
    if (reportedCount < std::size(reported)) reported[reportedCount++] = def.choice;
    bool present = false;
    for (const ElementDef& other : defs) {
      if (other.choice == def.choice && fhir::member(object, other.name) != nullptr) present = true;
    }
    if (!present) {
      issueAt(Severity::Error, "required", std::string(def.choice) + "[x] is required",
              std::string(def.choice) + "[x]");
    }
  }
}

void Validator::member(const ElementDef& def, const JsonValue& v) {
  if (!def.multiple) {
    if (v.IsArray()) {
      issue(Severity::Error, "structure", quoted(def.name) + " has one value, not an array");
      return;
    }
    value(def, v);
    return;
  }
  if (!v.IsArray()) {
    issue(Severity::Error, "structure", quoted(def.name) + " repeats and must be a JSON array");
    return;
  }
  if (v.Empty()) {
    issue(Severity::Error, "structure", "an array must not be empty; leave " + quoted(def.name) + " out");
    return;
  }
  const bool primitive = isPrimitive(def);
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    // null keeps primitive values aligned with their "_name" extensions.
    if (v[i].IsNull() && primitive) continue;
    const PathScope scope(path_, i);
    value(def, v[i]);
  }
}

void Validator::value(const ElementDef& def, const JsonValue& v) {
  if (def.child_count > 0) {
    elements(v, schema::childrenOf(def));
    return;
  }
  if (def.type == "Resource") {
    resourceAtPath(v);
    return;
  }
  const schema::TypeDef* type = schema::findType(def.type);
  if (type == nullptr) return;
  if (type->kind == TypeKind::Primitive) {
    primitive(def, v);
    return;
  }
  elements(v, schema::elementsOf(*type));
  binding(def, v);
  if (def.type == "Reference" && references_ != nullptr) {
    if (const JsonValue* ref = fhir::member(v, "reference"); ref != nullptr && input_.isString(*ref)) {
      references_->push_back({path_ + ".reference", std::string(input_.stringValue(*ref))});
    }
  }
}

void Validator::primitive(const ElementDef& def, const JsonValue& v) {
  const JsonKind kind = jsonKindOf(def.type);
  const bool kindOk = kind == JsonKind::Boolean  ? v.IsBool()
                      : kind == JsonKind::Number ? input_.isNumber(v)
                                                 : input_.isString(v);
  if (!kindOk) {
    const std::string_view expected = kind == JsonKind::Boolean  ? "true or false"
                                      : kind == JsonKind::Number ? "a JSON number"
                                                                 : "a JSON string";
    issue(Severity::Error, "structure",
          std::string(def.type) + " must be " + std::string(expected) + ", found " +
              std::string(input_.kindName(v)));
    return;
  }
  if (kind == JsonKind::Boolean) return;
  const std::string number = kind == JsonKind::Number ? input_.numberText(v) : std::string();
  const std::string_view text = kind == JsonKind::Number ? std::string_view(number) : input_.stringValue(v);
  if (!isValidPrimitive(def.type, text)) {
    issue(Severity::Error, "value",
          quoted(text) + " is not a valid " + std::string(def.type) + ": expected " +
              std::string(primitiveExpectation(def.type)));
    return;
  }
  if (def.value_set >= 0 && !schema::inValueSet(def.value_set, "", text)) {
    issue(Severity::Error, "code-invalid",
          quoted(text) + " is not a code of the required value set " +
              std::string(schema::valueSetUrl(def.value_set)));
  }
}

void Validator::primitiveExtension(const ElementDef* def, const JsonValue& v) {
  if (def == nullptr || !isPrimitive(*def)) {
    issue(Severity::Error, "structure", "unknown element: no primitive of that name");
    return;
  }
  static constexpr std::span<const ElementDef> kMembers(kElementMembers);
  if (!def->multiple) {
    elements(v, kMembers);
    return;
  }
  if (!v.IsArray()) {
    issue(Severity::Error, "structure", "must be an array aligned with the primitive values");
    return;
  }
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (v[i].IsNull()) continue;
    const PathScope scope(path_, i);
    elements(v[i], kMembers);
  }
}

void Validator::binding(const ElementDef& def, const JsonValue& v) {
  if (def.value_set < 0 || !v.IsObject()) return;
  auto codingOk = [&](const JsonValue& coding) {
    const JsonValue* code = fhir::member(coding, "code");
    const JsonValue* system = fhir::member(coding, "system");
    if (code == nullptr) return false;
    return schema::inValueSet(def.value_set,
                              system != nullptr ? input_.stringValue(*system) : std::string_view(),
                              input_.stringValue(*code));
  };
  bool ok = false;
  if (def.type == "Coding") {
    ok = codingOk(v);
  } else if (const JsonValue* codings = fhir::member(v, "coding"); codings != nullptr && codings->IsArray()) {
    for (const JsonValue& c : codings->GetArray()) ok = ok || codingOk(c);
  }
  if (!ok) {
    issue(Severity::Error, "code-invalid",
          "no code from the required value set " + std::string(schema::valueSetUrl(def.value_set)));
  }
}

BundleEntryFacts entryFacts(const JsonInput& input, const JsonValue& entry) {
  BundleEntryFacts facts;
  if (const JsonValue* url = member(entry, "fullUrl")) facts.full_url = input.stringValue(*url);
  if (const JsonValue* resource = member(entry, "resource")) {
    facts.has_resource = true;
    if (const JsonValue* type = member(*resource, "resourceType"))
      facts.resource_type = input.stringValue(*type);
  }
  facts.has_request = member(entry, "request") != nullptr;
  facts.has_response = member(entry, "response") != nullptr;
  facts.has_search = member(entry, "search") != nullptr;
  return facts;
}

void checkBundleRules(std::string_view type, const std::vector<BundleEntryFacts>& entries,
                      std::vector<Issue>& issues) {
  auto add = [&](std::string_view code, std::string text, std::string path) {
    issues.push_back({Severity::Error, std::string(code), std::move(text), std::move(path), std::nullopt});
  };
  std::unordered_map<std::string_view, std::size_t> seen;
  const bool needsRequest = type == "transaction" || type == "batch" || type == "history";
  const bool needsResponse = type == "transaction-response" || type == "batch-response" || type == "history";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const BundleEntryFacts& e = entries[i];
    const std::string path = "Bundle.entry[" + std::to_string(i) + "]";
    if (!e.has_resource && !e.has_request && !e.has_response) {
      add("required", "an entry must have a resource, a request or a response (bdl-5)", path);
    }
    if (needsRequest && !e.has_request) {
      add("required", "a " + std::string(type) + " Bundle needs entry.request (bdl-3)", path + ".request");
    }
    if (!needsRequest && e.has_request && !type.empty()) {
      add("structure", "entry.request is only allowed in transaction, batch and history Bundles (bdl-3)",
          path + ".request");
    }
    if (!needsResponse && e.has_response && !type.empty()) {
      add("structure", "entry.response is only allowed in response and history Bundles (bdl-4)",
          path + ".response");
    }
    if (e.has_search && type != "searchset" && !type.empty()) {
      add("structure", "entry.search is only allowed in a searchset Bundle (bdl-2)", path + ".search");
    }
    if (!e.full_url.empty()) {
      const auto [it, inserted] = seen.emplace(e.full_url, i);
      if (!inserted) {
        add("invalid",
            "fullUrl " + std::string(e.full_url) + " is also the fullUrl of Bundle.entry[" +
                std::to_string(it->second) + "] (bdl-7)",
            path + ".fullUrl");
      }
    }
  }
  if (type == "message" && (entries.empty() || entries.front().resource_type != "MessageHeader")) {
    add("required", "a message Bundle must have a MessageHeader as its first entry", "Bundle.entry[0]");
  }
  if (type == "document" && (entries.empty() || entries.front().resource_type != "Composition")) {
    add("required", "a document Bundle must have a Composition as its first entry (bdl-11)",
        "Bundle.entry[0]");
  }
}

namespace {

// Builds a Document from SAX events, refusing nesting deeper than kMaxJsonDepth before the
// parser recurses into it (the validator recurses once a level too).
struct DepthLimited : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DepthLimited> {
  rapidjson::Document& doc;
  int depth = 0;
  bool too_deep = false;
  bool lone_surrogate = false;

  explicit DepthLimited(rapidjson::Document& d) : doc(d) {}
  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return goodText(s, n) && doc.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return goodText(s, n) && doc.Key(s, n, copy); }
  bool StartObject() { return open() && doc.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth;
    return doc.EndObject(members);
  }
  bool StartArray() { return open() && doc.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth;
    return doc.EndArray(elements);
  }

 private:
  bool open() {
    too_deep = ++depth > kMaxJsonDepth;
    return !too_deep;
  }
  bool goodText(const char* s, rapidjson::SizeType n) {
    lone_surrogate = hasEncodedSurrogate(s, n);
    return !lone_surrogate;
  }
};

}  // namespace

std::vector<Issue> validate(const rapidjson::Value& resource) {
  std::vector<Issue> issues;
  const JsonInput input;
  Validator validator(input, issues);
  const JsonValue* type = member(resource, "resourceType");
  std::string root = "Resource";
  if (type != nullptr && type->IsString()) root = type->GetString();
  validator.resource(resource, root);
  return issues;
}

std::vector<Issue> validate(std::string_view json) {
  // A UTF-8 byte order mark is skipped, as read() skips it; offsets still count it.
  const std::size_t bom = json.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  // Parsed in situ from a copy with numbers as text, so that "1.0" is not taken for an integer.
  std::string buffer(json.substr(bom));
  const std::size_t size = buffer.size();
  if (endsInsideUtf8Sequence(buffer)) buffer.append(kUtf8TailPadding, '\0');
  rapidjson::Document doc;
  rapidjson::InsituStringStream stream(buffer.data());
  DepthLimited limited{doc};
  rapidjson::ParseResult parsed;
  auto parse = [&](rapidjson::Document&) {
    parsed = rapidjson::Reader().Parse<rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag |
                                   rapidjson::kParseValidateEncodingFlag>(
        stream, limited);
    return !parsed.IsError();
  };
  doc.Populate(parse);
  if (limited.too_deep) {
    return {{Severity::Fatal, "structure",
             "malformed JSON: arrays and objects nest deeper than " + std::to_string(kMaxJsonDepth) +
                 " levels; a FHIR resource needs far fewer",
             "", bom + parsed.Offset() - 1}};  // RapidJSON stands just past the bracket
  }
  if (limited.lone_surrogate) {
    return {{Severity::Fatal, "structure",
             "malformed JSON: the string before this offset has a \\u escape of a lone surrogate (U+D800 to "
             "U+DFFF); expected a high surrogate followed by a low one",
             "", bom + parsed.Offset()}};
  }
  if (parsed.IsError()) {
    return {{Severity::Fatal, "structure",
             std::string("malformed JSON: ") + rapidjson::GetParseError_En(parsed.Code()), "",
             bom + parsed.Offset()}};
  }
  std::vector<Issue> issues;
  const JsonInput input(buffer.data(), buffer.data() + size);
  Validator validator(input, issues);
  const JsonValue* type = member(doc, "resourceType");
  validator.resource(doc, type != nullptr && input.isString(*type) ? std::string(input.stringValue(*type))
                                                                   : std::string("Resource"));
  return issues;
}

}  // namespace ferry::fhir
