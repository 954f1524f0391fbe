#include "parsers/fhir/json_input.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

namespace ferry::fhir {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// The text of a number held as a number (a DOM parsed the ordinary way).
std::string formatNumber(const JsonValue& v) {
  char buf[64];
  std::to_chars_result r{};
  if (v.IsInt64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.GetInt64());
  } else if (v.IsUint64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.GetUint64());
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v.GetDouble());
  }
  return std::string(buf, r.ptr);
}

void write(const JsonInput& in, const JsonValue& v, JsonWriter& w) {
  if (v.IsObject()) {
    w.StartObject();
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      w.Key(it->name.GetString(), it->name.GetStringLength());
      write(in, it->value, w);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (const JsonValue& item : v.GetArray()) write(in, item, w);
    w.EndArray();
  } else if (in.isNumber(v)) {
    const std::string t = in.numberText(v);
    w.RawValue(t.data(), t.size(), rapidjson::kNumberType);
  } else if (v.IsString()) {
    w.String(v.GetString(), v.GetStringLength());
  } else if (v.IsBool()) {
    w.Bool(v.GetBool());
  } else {
    w.Null();
  }
}

}  // namespace

std::string JsonInput::numberText(const JsonValue& v) const {
  if (isRawNumber(v)) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsNumber()) return formatNumber(v);
  return {};
}

void JsonInput::appendJson(const JsonValue& v, std::string& out) const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write(*this, v, writer);
  out.append(buffer.GetString(), buffer.GetSize());
}

std::string JsonInput::json(const JsonValue& v) const {
  std::string out;
  appendJson(v, out);
  return out;
}

std::string_view JsonInput::kindName(const JsonValue& v) const {
  if (v.IsObject()) return "object";
  if (v.IsArray()) return "array";
  if (isNumber(v)) return "number";
  if (v.IsString()) return "string";
  if (v.IsBool()) return "boolean";
  return "null";
}

const JsonValue* member(const JsonValue& v, std::string_view key) {
  if (!v.IsObject()) return nullptr;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    if (keyOf(it) == key) return &it->value;
  }
  return nullptr;
}

std::string_view keyOf(const JsonValue::ConstMemberIterator& it) {
  return {it->name.GetString(), it->name.GetStringLength()};
}

}  // namespace ferry::fhir
