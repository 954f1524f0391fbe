#include "mappings/json_location.h"

#include <string>

namespace ferry::mappings {

using json::JsonNode;

JsonLocator::JsonLocator(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

std::string_view JsonLocator::line(int n) const {
  if (n < 1 || static_cast<std::size_t>(n) > line_starts_.size()) return {};
  const std::size_t b = line_starts_[static_cast<std::size_t>(n) - 1];
  std::size_t e = static_cast<std::size_t>(n) < line_starts_.size()
                      ? line_starts_[static_cast<std::size_t>(n)] - 1
                      : text_.size();
  if (e > b && text_[e - 1] == '\r') --e;
  return text_.substr(b, e - b);
}

int JsonLocator::openingQuote(std::string_view text, int close) const {
  for (int i = close - 1; i >= 0; --i) {
    if (text[static_cast<std::size_t>(i)] != '"') continue;
    int backslashes = 0;
    for (int j = i - 1; j >= 0 && text[static_cast<std::size_t>(j)] == '\\'; --j) ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return -1;
}

TextPosition JsonLocator::valueStart(const JsonNode& node) const {
  // located_json stamps a value with the line of its key and the column just past the value.
  const int past = node.column - 1;  // 0-based index just past the value
  if (node.kind == JsonNode::Kind::String) {
    // The value may sit on a later line than its key: take the first line, from the key's
    // on, whose character before `past` is the closing quote.
    for (int l = node.line; l < node.line + 3; ++l) {
      const std::string_view t = line(l);
      if (past >= 1 && static_cast<std::size_t>(past) <= t.size() &&
          t[static_cast<std::size_t>(past) - 1] == '"') {
        const int open = openingQuote(t, past - 1);
        if (open >= 0) return {l, open + 1};
      }
    }
    return {node.line, node.column};
  }
  if (node.kind == JsonNode::Kind::Array || node.kind == JsonNode::Kind::Object) {
    return {node.line, node.column > 1 ? node.column - 1 : node.column};
  }
  return {node.line, node.column};
}

TextPosition JsonLocator::insideString(const JsonNode& node, int offset) const {
  const TextPosition start = valueStart(node);
  const std::string_view t = line(start.line);
  std::size_t raw = static_cast<std::size_t>(start.column);  // first byte after the quote
  if (raw == 0 || raw > t.size() || t[raw - 1] != '"') return start;  // column 0: a node without a place
  int decoded = 0;
  while (raw < t.size() && decoded < offset) {
    if (t[raw] == '"') break;
    if (t[raw] == '\\' && raw + 1 < t.size()) {
      if (t[raw + 1] == 'u' && raw + 5 < t.size()) {
        const unsigned cp = static_cast<unsigned>(std::stoul(std::string(t.substr(raw + 2, 4)), nullptr, 16));
        decoded += cp < 0x80 ? 1 : (cp < 0x800 ? 2 : (cp >= 0xD800 && cp < 0xDC00 ? 4 : 3));
        raw += (cp >= 0xD800 && cp < 0xDC00) ? 12 : 6;
        continue;
      }
      decoded += 1;
      raw += 2;
      continue;
    }
    ++decoded;
    ++raw;
  }
  return {start.line, static_cast<int>(raw) + 1};
}

TextPosition JsonLocator::key(const JsonNode& object, std::size_t i) const {
  if (i >= object.members.size() || i >= object.member_lines.size()) return {object.line, 0};
  const int l = object.member_lines[i];
  const std::string needle = "\"" + object.members[i].first + "\"";
  const std::size_t at = line(l).find(needle);
  return {l, at == std::string_view::npos ? 0 : static_cast<int>(at) + 1};
}

}  // namespace ferry::mappings
