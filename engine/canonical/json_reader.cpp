#include "engine/canonical/json_reader.h"

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "engine/canonical/json_schema.h"

namespace ferry::canonical {
namespace {

using JsonValue = rapidjson::Value;

// Visitor that fills one model struct from one JSON object. On the first problem it records the
// JSON path below this object and what was expected, and ignores every later member.
class ObjectReader {
 public:
  explicit ObjectReader(const JsonValue& object) : object_(object) {}

  bool failed() const { return failed_; }
  const std::string& errorPath() const { return path_; }
  const std::string& errorWhat() const { return what_; }

  void field(Key k, std::string& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsString()) return fail(k, "expected a string");
    out.assign(v->GetString(), v->GetStringLength());
  }

  void field(Key k, CodeSystem& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsString()) return fail(k, "expected a string");
    out.assign(std::string_view(v->GetString(), v->GetStringLength()));
  }

  void field(Key k, DateTime& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsString()) return fail(k, "expected a string");
    out.assign(std::string_view(v->GetString(), v->GetStringLength()));
  }

  void field(Key k, std::vector<std::string>& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsArray()) return fail(k, "expected an array of strings");
    out.clear();
    out.reserve(v->Size());
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      const JsonValue& element = (*v)[i];
      if (!element.IsString()) return fail(k, i, "expected a string");
      out.emplace_back(element.GetString(), element.GetStringLength());
    }
  }

  void field(Key k, std::optional<double>& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsNumber()) return fail(k, "expected a number");
    out = v->GetDouble();
  }

  void field(Key k, std::optional<std::uint32_t>& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsUint()) return fail(k, "expected an unsigned integer");
    out = v->GetUint();
  }

  template <class T>
  void field(Key k, std::vector<T>& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsArray()) return fail(k, "expected an array of objects");
    out.clear();
    out.reserve(v->Size());
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      const JsonValue& element = (*v)[i];
      if (!element.IsObject()) return fail(k, i, "expected an object");
      ObjectReader nested(element);
      jsonFields(nested, out.emplace_back());
      if (nested.failed()) return failBelow(k, i, nested);
    }
  }

  // A boxed member is allocated only when its JSON member is there and holds something.
  template <class T>
  void field(Key k, Boxed<T>& out) {
    if (find(k) == nullptr) return;
    field(k, out.mut());
    if (*out == Boxed<T>::empty()) out.reset();
  }

  template <class T>
  void field(Key k, T& out) {
    const JsonValue* v = find(k);
    if (!v) return;
    if (!v->IsObject()) return fail(k, "expected an object");
    ObjectReader nested(*v);
    jsonFields(nested, out);
    if (nested.failed()) failBelow(k, nested);
  }

 private:
  // The member named k, or nullptr when it is absent or null (both mean "not set").
  const JsonValue* find(Key k) const {
    if (failed_) return nullptr;
    const JsonValue name(rapidjson::StringRef(k.data, k.size));
    const auto it = object_.FindMember(name);
    if (it == object_.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }

  void fail(Key k, const char* what) {
    failed_ = true;
    path_ = "/";
    path_ += k.view();
    what_ = what;
  }

  void fail(Key k, rapidjson::SizeType index, const char* what) {
    fail(k, what);
    path_ += '/';
    path_ += std::to_string(index);
  }

  void failBelow(Key k, const ObjectReader& nested) {
    fail(k, "");
    path_ += nested.path_;
    what_ = nested.what_;
  }

  void failBelow(Key k, rapidjson::SizeType index, const ObjectReader& nested) {
    fail(k, index, "");
    path_ += nested.path_;
    what_ = nested.what_;
  }

  const JsonValue& object_;
  bool failed_ = false;
  std::string path_;
  std::string what_;
};

JsonReadResult failure(std::string error) {
  JsonReadResult result;
  result.error = std::move(error);
  return result;
}

JsonReadResult read(std::string_view json) {
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return failure("empty input: expected a ferry.canonical/v1 JSON object");
  }
  rapidjson::Document document;
  document.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (document.HasParseError()) {
    return failure("malformed JSON at byte " + std::to_string(document.GetErrorOffset()) + ": " +
                   rapidjson::GetParseError_En(document.GetParseError()));
  }
  const JsonValue& root = document;
  if (!root.IsObject()) return failure("expected a JSON object at the top level");

  const auto schema = root.FindMember("schema");
  if (schema == root.MemberEnd() || !schema->value.IsString()) {
    return failure("/schema: missing or not a string; expected \"ferry.canonical/v1\"");
  }
  const std::string_view schemaId(schema->value.GetString(), schema->value.GetStringLength());
  if (schemaId != kJsonSchema) {
    return failure("/schema: unsupported schema \"" + std::string(schemaId) +
                   "\"; expected \"ferry.canonical/v1\"");
  }

  JsonReadResult result;
  ObjectReader reader(root);
  jsonFields(reader, result.message.emplace());
  if (reader.failed()) return failure(reader.errorPath() + ": " + reader.errorWhat());
  return result;
}

}  // namespace

JsonReadResult fromJson(std::string_view json) {
  try {
    return read(json);
  } catch (const std::exception& e) {
    return failure(std::string("could not read canonical JSON: ") + e.what());
  }
}

}  // namespace ferry::canonical
