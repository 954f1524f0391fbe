#pragma once
// A JSON tree that remembers where each value sits in its file (line and column), so that
// configuration errors can name file, line and field — RapidJSON's DOM forgets positions.
// Configuration files are small; this is not for message traffic.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::json {

struct JsonNode {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  bool is_integer = false;
  std::int64_t integer = 0;
  std::string string;
  std::vector<JsonNode> items;                          // Array
  std::vector<std::pair<std::string, JsonNode>> members;  // Object, in file order
  std::vector<int> member_lines;                         // line of each member's key
  int line = 0;
  int column = 0;

  // Declared here and defaulted in the .cpp: clang with libstdc++ 12 refuses the implicit one,
  // whose pair<string, JsonNode> check runs while JsonNode is still incomplete (the fuzz build).
  JsonNode();

  const JsonNode* find(std::string_view key) const;
  static const char* kindName(Kind kind);
};

struct JsonParseResult {
  JsonNode root;
  std::string error;  // "line 3, column 7: Missing a comma ..." when the text is not JSON
  bool ok() const { return error.empty(); }
};

JsonParseResult parseLocatedJson(std::string_view text);

}  // namespace ferry::json
