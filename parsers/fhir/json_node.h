// A small ordered JSON tree for what Ferry writes: FHIR resources built from the canonical model.
//
// RapidJSON's DOM cannot hold a number as text, and FHIR decimals must keep their digits ("8.10"
// stays 8.10, not 8.1), so the writer builds this tree instead: numbers are kept as their JSON
// text, members keep the order they were added in, and the tree serializes to compact JSON.
// It is also the target of the fidelity overlay (elements kept as canonical extensions are put
// back by path).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::fhir {

class Node {
 public:
  enum class Kind { Null, Boolean, Number, String, Array, Object };
  using Member = std::pair<std::string, Node>;

  Node() = default;
  static Node object() { return Node(Kind::Object); }
  static Node array() { return Node(Kind::Array); }
  static Node string(std::string_view s);
  // A number from its JSON text, which the caller has checked ("182", "8.10").
  static Node number(std::string_view jsonText);
  static Node boolean(bool b);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isObject() const { return kind_ == Kind::Object; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isString() const { return kind_ == Kind::String; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isBoolean() const { return kind_ == Kind::Boolean; }
  // An object or array without members, or null: nothing worth writing.
  bool empty() const;

  // String value or number text.
  const std::string& text() const { return text_; }
  bool booleanValue() const { return boolean_; }

  // Objects.
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // Sets key (replacing an existing member in place) unless value is empty; returns *this.
  Node& set(std::string_view key, Node value);
  // Sets key to a string unless s is empty.
  Node& set(std::string_view key, std::string_view s);
  Node& set(std::string_view key, const char* s) { return set(key, std::string_view(s)); }
  // Sets key even when value is empty; returns the member's value.
  Node& put(std::string_view key, Node value);
  void erase(std::string_view key);

  // Arrays.
  const std::vector<Node>& items() const { return items_; }
  std::vector<Node>& items() { return items_; }
  // Appends value unless it is empty; returns *this.
  Node& push(Node value);

  // Compact JSON text.
  std::string json() const;
  void appendJson(std::string& out) const;

  bool operator==(const Node& other) const;

 private:
  explicit Node(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::Null;
  bool boolean_ = false;
  std::string text_;
  std::vector<Node> items_;
  std::vector<Member> members_;
};

// Parses JSON text (as kept in an Extension's raw) into a Node; numbers keep their text.
// Returns a null Node when text is not JSON.
Node parseNode(std::string_view json);

}  // namespace ferry::fhir
