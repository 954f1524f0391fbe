#include "engine/json/located_json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace ferry::json {

namespace {

// Input stream that counts lines, so the SAX handler can stamp each value with its position.
class LineCountingStream {
 public:
  using Ch = char;
  explicit LineCountingStream(std::string_view text) : text_(text) {}
  Ch Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  Ch Take() {
    if (pos_ >= text_.size()) return '\0';
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      line_start_ = pos_;
    }
    return c;
  }
  std::size_t Tell() const { return pos_; }
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }
  int line() const { return line_; }
  int column() const { return static_cast<int>(pos_ - line_start_) + 1; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
};

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  explicit TreeBuilder(const LineCountingStream& stream) : stream_(stream) {}

  bool Null() { return add(JsonNode{}); }
  bool Bool(bool b) {
    JsonNode n;
    n.kind = JsonNode::Kind::Bool;
    n.boolean = b;
    return add(std::move(n));
  }
  bool Int(int i) { return integer(i); }
  bool Uint(unsigned u) { return integer(u); }
  bool Int64(std::int64_t i) { return integer(i); }
  bool Uint64(std::uint64_t u) { return integer(static_cast<std::int64_t>(u)); }
  bool Double(double d) {
    JsonNode n;
    n.kind = JsonNode::Kind::Number;
    n.number = d;
    return add(std::move(n));
  }
  bool String(const char* s, rapidjson::SizeType length, bool) {
    JsonNode n;
    n.kind = JsonNode::Kind::String;
    n.string.assign(s, length);
    return add(std::move(n));
  }
  bool StartObject() { return open(JsonNode::Kind::Object); }
  bool Key(const char* s, rapidjson::SizeType length, bool) {
    pending_key_.assign(s, length);
    pending_key_line_ = stream_.line();
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JsonNode::Kind::Array); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  JsonNode& root() { return root_; }

 private:
  bool integer(std::int64_t i) {
    JsonNode n;
    n.kind = JsonNode::Kind::Number;
    n.number = static_cast<double>(i);
    n.is_integer = true;
    n.integer = i;
    return add(std::move(n));
  }
  JsonNode* attach(JsonNode node) {
    node.line = stream_.line();
    node.column = stream_.column();
    if (stack_.empty()) {
      root_ = std::move(node);
      return &root_;
    }
    JsonNode& parent = *stack_.back();
    if (parent.kind == JsonNode::Kind::Object) {
      node.line = pending_key_line_;
      parent.members.emplace_back(pending_key_, std::move(node));
      parent.member_lines.push_back(pending_key_line_);
      return &parent.members.back().second;
    }
    parent.items.push_back(std::move(node));
    return &parent.items.back();
  }
  bool add(JsonNode node) {
    attach(std::move(node));
    return true;
  }
  bool open(JsonNode::Kind kind) {
    JsonNode n;
    n.kind = kind;
    if (stack_.size() > 64) return false;  // configuration never nests this deep
    stack_.push_back(attach(std::move(n)));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  const LineCountingStream& stream_;
  JsonNode root_;
  std::vector<JsonNode*> stack_;  // pointers stay valid: a container is only appended to while open
  std::string pending_key_;
  int pending_key_line_ = 0;
};

}  // namespace

JsonNode::JsonNode() = default;

const JsonNode* JsonNode::find(std::string_view key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

const char* JsonNode::kindName(Kind kind) {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return "a boolean";
    case Kind::Number: return "a number";
    case Kind::String: return "a string";
    case Kind::Array: return "an array";
    case Kind::Object: return "an object";
  }
  return "a value";
}

JsonParseResult parseLocatedJson(std::string_view text) {
  JsonParseResult result;
  LineCountingStream stream(text);
  TreeBuilder builder(stream);
  rapidjson::Reader reader;
  const rapidjson::ParseResult ok =
      reader.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(stream, builder);
  if (!ok) {
    // Recount the line of the error offset: the stream may have read past it.
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < ok.Offset() && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    result.error = "line " + std::to_string(line) + ", column " +
                   std::to_string(ok.Offset() - line_start + 1) + ": " +
                   rapidjson::GetParseError_En(ok.Code());
    return result;
  }
  result.root = std::move(builder.root());
  return result;
}

}  // namespace ferry::json
