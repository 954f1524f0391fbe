#pragma once
// Finds where things are in a mapping file's text, to make load errors exact: the line and
// column of a character inside a JSON string (an expression), accounting for JSON escapes, and
// of an object key. located_json gives each value's line and the column just past it; this
// turns that into the column of the opening quote and of any offset inside the string.

#include <string_view>
#include <vector>

#include "engine/json/located_json.h"

namespace ferry::mappings {

struct TextPosition {
  int line = 0;
  int column = 0;
};

class JsonLocator {
 public:
  explicit JsonLocator(std::string_view text);

  // Where a value starts: the opening quote of a string, the bracket of an array or object.
  TextPosition valueStart(const json::JsonNode& node) const;
  // The character at decoded byte `offset` of a string value.
  TextPosition insideString(const json::JsonNode& node, int offset) const;
  // The opening quote of the key of member i of an object.
  TextPosition key(const json::JsonNode& object, std::size_t i) const;

 private:
  std::string_view line(int n) const;  // 1-based, without the line end
  // 0-based index of a string value's opening quote in its line, or -1.
  int openingQuote(std::string_view text, int close) const;

  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace ferry::mappings
