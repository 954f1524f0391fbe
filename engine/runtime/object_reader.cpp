#include "engine/runtime/object_reader.h"

#include <algorithm>
#include <cmath>

namespace ferry::runtime {

std::string ConfigError::describe() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (line > 0 && column > 0) out += ":" + std::to_string(column);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  return out + text;
}

ObjectReader::ObjectReader(const JsonNode& node, std::string file, std::string path,
                           std::vector<ConfigError>& errors)
    : node_(node), file_(std::move(file)), path_(std::move(path)), errors_(errors) {
  if (node_.kind != JsonNode::Kind::Object) {
    error(node_, path_, std::string("expected an object, found ") + JsonNode::kindName(node_.kind));
  }
}

std::string ObjectReader::childPath(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void ObjectReader::error(const JsonNode& at, const std::string& field, std::string text) const {
  errors_.push_back(ConfigError{file_, at.line, field, std::move(text)});
}

const JsonNode* ObjectReader::take(const char* key, JsonNode::Kind kind, bool required) {
  seen_.emplace_back(key);
  const JsonNode* value = node_.find(key);
  if (value == nullptr) {
    if (required) error(node_, childPath(key), "is required");
    return nullptr;
  }
  if (value->kind != kind) {
    error(*value, childPath(key), std::string("expected ") + JsonNode::kindName(kind) +
                                      ", found " + JsonNode::kindName(value->kind));
    return nullptr;
  }
  return value;
}

void ObjectReader::string(const char* key, std::string& out, bool required) {
  if (const JsonNode* v = take(key, JsonNode::Kind::String, required)) {
    if (required && v->string.empty()) {
      error(*v, childPath(key), "must not be empty");
      return;
    }
    out = v->string;
  }
}

void ObjectReader::integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max,
                           bool required) {
  const JsonNode* v = take(key, JsonNode::Kind::Number, required);
  if (v == nullptr) return;
  if (!v->is_integer) {
    error(*v, childPath(key), "expected a whole number");
  } else if (v->integer < min || v->integer > max) {
    error(*v, childPath(key), "must be between " + std::to_string(min) + " and " +
                                  std::to_string(max) + ", found " + std::to_string(v->integer));
  } else {
    out = v->integer;
  }
}

void ObjectReader::integer(const char* key, int& out, int min, int max, bool required) {
  std::int64_t wide = out;
  integer(key, wide, min, max, required);
  out = static_cast<int>(wide);
}

void ObjectReader::number(const char* key, double& out, double min, double max) {
  const JsonNode* v = take(key, JsonNode::Kind::Number, false);
  if (v == nullptr) return;
  if (v->number < min || v->number > max || std::isnan(v->number)) {
    error(*v, childPath(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
  } else {
    out = v->number;
  }
}

void ObjectReader::boolean(const char* key, bool& out) {
  if (const JsonNode* v = take(key, JsonNode::Kind::Bool, false)) out = v->boolean;
}

void ObjectReader::oneOf(const char* key, std::string& out, const std::vector<std::string>& allowed,
                         bool required) {
  const JsonNode* v = take(key, JsonNode::Kind::String, required);
  if (v == nullptr) return;
  if (std::find(allowed.begin(), allowed.end(), v->string) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
    error(*v, childPath(key), "\"" + v->string + "\" is not one of " + list);
    return;
  }
  out = v->string;
}

void ObjectReader::stringMap(const char* key, std::map<std::string, std::string>& out) {
  const JsonNode* v = take(key, JsonNode::Kind::Object, false);
  if (v == nullptr) return;
  for (const auto& [name, value] : v->members) {
    if (value.kind != JsonNode::Kind::String) {
      error(value, childPath(key) + "." + name, "expected a string");
      continue;
    }
    out[name] = value.string;
  }
}

const JsonNode* ObjectReader::object(const char* key, bool required) {
  return take(key, JsonNode::Kind::Object, required);
}

const JsonNode* ObjectReader::array(const char* key, bool required) {
  return take(key, JsonNode::Kind::Array, required);
}

void ObjectReader::rejectUnknownKeys() {
  if (node_.kind != JsonNode::Kind::Object) return;
  for (std::size_t i = 0; i < node_.members.size(); ++i) {
    const std::string& key = node_.members[i].first;
    if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) {
      errors_.push_back(ConfigError{file_, node_.member_lines[i], childPath(key), "unknown key"});
    }
  }
}

}  // namespace ferry::runtime
