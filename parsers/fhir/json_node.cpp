#include "parsers/fhir/json_node.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ferry::fhir {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write(const Node& n, JsonWriter& w) {
  switch (n.kind()) {
    case Node::Kind::Null:
      w.Null();
      break;
    case Node::Kind::Boolean:
      w.Bool(n.booleanValue());
      break;
    case Node::Kind::Number:
      w.RawValue(n.text().data(), n.text().size(), rapidjson::kNumberType);
      break;
    case Node::Kind::String:
      w.String(n.text().data(), static_cast<rapidjson::SizeType>(n.text().size()));
      break;
    case Node::Kind::Array:
      w.StartArray();
      for (const Node& item : n.items()) write(item, w);
      w.EndArray();
      break;
    case Node::Kind::Object:
      w.StartObject();
      for (const auto& [key, value] : n.members()) {
        w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        write(value, w);
      }
      w.EndObject();
      break;
  }
}

// SAX handler building a Node; numbers arrive as raw text (kParseNumbersAsStringsFlag).
class NodeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NodeBuilder> {
 public:
  bool Null() { return add(Node()); }
  bool Bool(bool b) { return add(Node::boolean(b)); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return add(Node::number({s, n})); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return add(Node::string({s, n})); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    keys_.emplace_back(s, n);
    return true;
  }
  bool StartObject() {
    stack_.push_back(Node::object());
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() {
    stack_.push_back(Node::array());
    return true;
  }
  bool EndArray(rapidjson::SizeType) { return close(); }

  Node result;

 private:
  bool close() {
    Node done = std::move(stack_.back());
    stack_.pop_back();
    return add(std::move(done));
  }
  bool add(Node value) {
    if (stack_.empty()) {
      result = std::move(value);
    } else if (stack_.back().isArray()) {
      stack_.back().items().push_back(std::move(value));
    } else {
      stack_.back().members().emplace_back(std::move(keys_.back()), std::move(value));
      keys_.pop_back();
    }
    return true;
  }

  std::vector<Node> stack_;
  std::vector<std::string> keys_;
};

}  // namespace

Node Node::string(std::string_view s) {
  Node n(Kind::String);
  n.text_ = s;
  return n;
}

Node Node::number(std::string_view jsonText) {
  Node n(Kind::Number);
  n.text_ = jsonText;
  return n;
}

Node Node::boolean(bool b) {
  Node n(Kind::Boolean);
  n.boolean_ = b;
  return n;
}

bool Node::empty() const {
  switch (kind_) {
    case Kind::Null:
      return true;
    case Kind::Array:
      return items_.empty();
    case Kind::Object:
      return members_.empty();
    default:
      return false;
  }
}

const Node* Node::find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Node& Node::set(std::string_view key, Node value) {
  if (!value.empty()) put(key, std::move(value));
  return *this;
}

Node& Node::set(std::string_view key, std::string_view s) {
  if (!s.empty()) put(key, string(s));
  return *this;
}

Node& Node::put(std::string_view key, Node value) {
  if (Node* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  members_.emplace_back(std::string(key), std::move(value));
  return members_.back().second;
}

void Node::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return;
    }
  }
}

Node& Node::push(Node value) {
  if (!value.empty()) items_.push_back(std::move(value));
  return *this;
}

void Node::appendJson(std::string& out) const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write(*this, writer);
  out.append(buffer.GetString(), buffer.GetSize());
}

std::string Node::json() const {
  std::string out;
  appendJson(out);
  return out;
}

bool Node::operator==(const Node& other) const {
  return kind_ == other.kind_ && boolean_ == other.boolean_ && text_ == other.text_ &&
         items_ == other.items_ && members_ == other.members_;
}

Node parseNode(std::string_view json) {
  NodeBuilder builder;
  rapidjson::Reader reader;
  rapidjson::MemoryStream in(json.data(), json.size());
  if (!reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(in, builder)) return Node();
  return std::move(builder.result);
}

}  // namespace ferry::fhir
