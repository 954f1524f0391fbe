#pragma once
// A small JSON tree that remembers the line each value starts on, for configuration files whose
// errors must name file, line and field. RapidJSON's DOM keeps no positions, so the tree is
// built from RapidJSON's SAX reader over a stream that counts lines. Member order is kept.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::xml {

struct JsonNode {
  enum class Type { Null, Bool, Number, String, Array, Object };

  Type type = Type::Null;
  std::string text;  // String: the value; Number: the number as written; Bool: "true"/"false"
  std::vector<JsonNode> items;                             // Array
  std::vector<std::pair<std::string, JsonNode>> members;  // Object, in file order
  int line = 0;                                            // 1-based line of the value

  // Declared here and defaulted in the .cpp: clang with libstdc++ 12 refuses the implicit one,
  // whose pair<string, JsonNode> check runs while JsonNode is still incomplete (the fuzz build).
  JsonNode();

  bool isObject() const { return type == Type::Object; }
  bool isArray() const { return type == Type::Array; }
  bool isString() const { return type == Type::String; }
  // The member named key, or nullptr.
  const JsonNode* find(std::string_view key) const;
};

// Either the root node, or an error with its line.
struct JsonParseResult {
  JsonNode root;
  std::string error;  // empty on success, e.g. "missing a comma or '}' after an object member"
  int error_line = 0;
};

// Parses strict JSON (no comments, no trailing commas); a member name given twice is an error.
JsonParseResult parseJsonTree(std::string_view json);

// Name of a type for error messages: "an object", "a string"...
std::string_view describeJsonType(JsonNode::Type type);

}  // namespace ferry::xml
