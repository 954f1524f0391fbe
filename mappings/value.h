#pragma once
// The value of an expression while a rule runs: null, a boolean, a number, text, a sequence
// (what a path with [*] gives) or a node (a whole canonical struct, for exists/count).
//
// A Value is a small trivially copyable view. Its text points into the message, a code table,
// the mapping's literals or the evaluation's Arena; only functions that build new text write
// into the Arena, and the Arena lives on the stack of Mapping::apply, so evaluation allocates
// nothing it does not hand back.

#include <array>
#include <cstddef>
#include <memory_resource>
#include <new>
#include <string_view>
#include <type_traits>

namespace ferry::mappings {

struct StructInfo;

struct Value {
  enum class Kind : unsigned char { Null, Bool, Number, String, Sequence, Node };
  Kind kind = Kind::Null;
  bool boolean = false;
  // The text cannot move while the message is written: a literal of the mapping, a code table
  // cell, or text a function built in the Arena. Other text may point into the message (and be
  // freed by the very write that uses it), so writers copy it first unless this is set.
  bool stable = false;
  double number = 0;
  std::string_view text;
  const Value* items = nullptr;  // Sequence
  std::size_t count = 0;         // Sequence
  const StructInfo* type = nullptr;  // Node
  void* node = nullptr;              // Node

  static Value null() { return {}; }
  static Value fromBool(bool b) {
    Value v;
    v.kind = Kind::Bool;
    v.boolean = b;
    return v;
  }
  static Value fromNumber(double n) {
    Value v;
    v.kind = Kind::Number;
    v.number = n;
    return v;
  }
  static Value fromText(std::string_view s) {
    Value v;
    v.kind = Kind::String;
    v.text = s;
    return v;
  }
  static Value fromStableText(std::string_view s) {
    Value v = fromText(s);
    v.stable = true;
    return v;
  }
  static Value fromNode(const StructInfo* type, void* node) {
    Value v;
    v.kind = Kind::Node;
    v.type = type;
    v.node = node;
    return v;
  }

  bool isNull() const { return kind == Kind::Null; }
  bool isSequence() const { return kind == Kind::Sequence; }
  // Null, "" and an empty sequence are all "empty": a canonical member that was never filled
  // is an empty string, and rules should not have to tell the two apart.
  bool isEmpty() const;
  // Condition value: false, null, "" and an empty sequence are false; anything else is true.
  bool truthy() const;
};

// Per-evaluation memory: a monotonic buffer that starts in storage on the caller's stack and
// falls back to the heap only for very large messages. Released as a whole.
class Arena {
 public:
  Arena() : resource_(buffer_.data(), buffer_.size()) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  std::pmr::memory_resource* resource() { return &resource_; }
  std::string_view copy(std::string_view s);
  char* allocateText(std::size_t n) { return static_cast<char*>(resource_.allocate(n, 1)); }
  Value* allocateValues(std::size_t n);
  // n value-initialized T; T must be trivially destructible, since the arena runs no destructors.
  template <class T>
  T* allocateArray(std::size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    auto* items = static_cast<T*>(resource_.allocate(n * sizeof(T), alignof(T)));
    for (std::size_t i = 0; i < n; ++i) new (items + i) T();
    return items;
  }
  void release() { resource_.release(); }

 private:
  alignas(std::max_align_t) std::array<std::byte, 16 * 1024> buffer_;
  std::pmr::monotonic_buffer_resource resource_;
};

}  // namespace ferry::mappings
