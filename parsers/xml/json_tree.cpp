#include "parsers/xml/json_tree.h"

#include <cctype>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace ferry::xml {
namespace {

// A RapidJSON input stream over a buffer that counts the lines it has consumed.
class LineCountingStream {
 public:
  using Ch = char;

  explicit LineCountingStream(std::string_view text) : text_(text) {}

  Ch Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  Ch Take() {
    if (pos_ >= text_.size()) return '\0';
    const Ch c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  std::size_t Tell() const { return pos_; }
  int line() const { return line_; }

  // Output functions the Reader never calls on an input stream.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  explicit TreeBuilder(const LineCountingStream& stream) : stream_(stream) {}

  bool Null() { return add(JsonNode::Type::Null, {}); }
  bool Bool(bool b) { return add(JsonNode::Type::Bool, b ? "true" : "false"); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return add(JsonNode::Type::Number, std::string(s, n));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return add(JsonNode::Type::String, std::string(s, n));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::string key(s, n);
    for (const auto& member : stack_.back().members) {
      if (member.first == key) {
        duplicate_ = key;
        duplicate_line_ = stream_.line();
        return false;
      }
    }
    keys_.push_back(std::move(key));
    return true;
  }
  bool StartObject() { return open(JsonNode::Type::Object); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JsonNode::Type::Array); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  JsonNode& root() { return root_; }
  const std::string& duplicate() const { return duplicate_; }
  int duplicateLine() const { return duplicate_line_; }

 private:
  bool open(JsonNode::Type type) {
    JsonNode node;
    node.type = type;
    node.line = stream_.line();
    stack_.push_back(std::move(node));
    return true;
  }
  bool close() {
    JsonNode node = std::move(stack_.back());
    stack_.pop_back();
    return attach(std::move(node));
  }
  bool add(JsonNode::Type type, std::string text) {
    JsonNode node;
    node.type = type;
    node.text = std::move(text);
    node.line = stream_.line();
    return attach(std::move(node));
  }
  bool attach(JsonNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return true;
    }
    JsonNode& parent = stack_.back();
    if (parent.type == JsonNode::Type::Array) {
      parent.items.push_back(std::move(node));
    } else {
      parent.members.emplace_back(std::move(keys_.back()), std::move(node));
      keys_.pop_back();
    }
    return true;
  }

  const LineCountingStream& stream_;
  std::vector<JsonNode> stack_;
  std::vector<std::string> keys_;
  JsonNode root_;
  std::string duplicate_;
  int duplicate_line_ = 0;
};

int lineAt(std::string_view text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

}  // namespace

const JsonNode* JsonNode::find(std::string_view key) const {
  for (const auto& member : members) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

JsonParseResult parseJsonTree(std::string_view json) {
  JsonParseResult result;
  LineCountingStream stream(json);
  TreeBuilder builder(stream);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag;
  const rapidjson::ParseResult parsed = reader.Parse<kFlags>(stream, builder);
  if (!builder.duplicate().empty()) {
    result.error = "member \"" + builder.duplicate() + "\" is given twice";
    result.error_line = builder.duplicateLine();
    return result;
  }
  if (parsed.IsError()) {
    std::string message = rapidjson::GetParseError_En(parsed.Code());
    if (!message.empty() && message.back() == '.') message.pop_back();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(message[0]));
    result.error = "the file is not valid JSON: " + message;
    result.error_line = lineAt(json, parsed.Offset());
    return result;
  }
  result.root = std::move(builder.root());
  return result;
}

JsonNode::JsonNode() = default;

std::string_view describeJsonType(JsonNode::Type type) {
  switch (type) {
    case JsonNode::Type::Null: return "null";
    case JsonNode::Type::Bool: return "a boolean";
    case JsonNode::Type::Number: return "a number";
    case JsonNode::Type::String: return "a string";
    case JsonNode::Type::Array: return "an array";
    case JsonNode::Type::Object: return "an object";
  }
  return "a value";
}

}  // namespace ferry::xml
