#pragma once
// A run-time description of the canonical model, built once from jsonFields() (json_schema.h):
// for every struct, its members in JSON order with their kind and byte offset. Rule paths are
// resolved against it when a mapping loads, so that evaluation walks members by position and
// offset, without string compares and without per-field code; a member added to the model and
// to jsonFields() is reachable from rules at once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::mappings {

enum class FieldKind : std::uint8_t {
  String,      // std::string
  CodeSystem,  // canonical::CodeSystem (Coding.system): text to rules, like String
  DateTime,    // canonical::DateTime (ISO 8601 dates and times): text to rules, like String
  StringList,  // std::vector<std::string>
  Number,      // std::optional<double>
  Count,       // std::optional<std::uint32_t>
  Struct,      // a model struct
  StructList,  // std::vector<model struct>
};

struct StructInfo;

// Type-erased operations on a std::vector of one model struct.
struct ListOps {
  std::size_t (*size)(const void* list) = nullptr;
  void* (*at)(void* list, std::size_t i) = nullptr;
  // Element i, or nullptr past the end: one call where a read would need size() and at().
  void* (*find)(void* list, std::size_t i) = nullptr;
  // Appends a default element and returns it.
  void* (*append)(void* list) = nullptr;
  void (*resize)(void* list, std::size_t n) = nullptr;
  void (*erase)(void* list, std::size_t i) = nullptr;
  // Removes every element i with drop[i], keeping the others in order (drop has size() items).
  void (*erase_marked)(void* list, const std::vector<bool>& drop) = nullptr;
};

// Type-erased access to a member kept out of line in a canonical::Boxed (boxed.h). Paths see
// through the box: its kind and type are those of what it holds.
struct BoxOps {
  // The contents, or the shared empty value when nothing was stored: for reading only.
  const void* (*read)(const void* box) = nullptr;
  // The contents, allocated on first use: for writing.
  void* (*write)(void* box) = nullptr;
  // The contents when something was stored, else nullptr.
  void* (*find)(void* box) = nullptr;
};

struct FieldInfo {
  std::string json_name;  // "birthDate"
  std::string match_key;  // "birthdate": lowercase, no '_', for matching rule segments
  FieldKind kind = FieldKind::String;
  std::size_t offset = 0;              // of the member inside its struct
  const StructInfo* type = nullptr;    // Struct, StructList: the (element) struct
  ListOps list;                        // StructList
  BoxOps box;                          // set for a boxed member only

  bool boxed() const { return box.read != nullptr; }
};

struct StructInfo {
  std::string name;  // C++ type name, for messages ("Coding")
  std::vector<FieldInfo> fields;
  void (*reset)(void* object) = nullptr;                     // = T{}
  void (*assign)(void* object, const void* other) = nullptr;  // = other

  // The member a rule segment names: "birth_date", "birthDate" and "birthdate" all name
  // birthDate. nullptr when there is none.
  const FieldInfo* find(std::string_view segment) const;
  // "header, patient, encounter, ..." for error messages.
  std::string memberList() const;
};

// Lowercase, underscores dropped: the form in which rule segments meet JSON member names.
std::string matchKey(std::string_view name);

class Schema {
 public:
  // The description of canonical::Message and everything it holds. Built on first use and
  // immutable afterwards.
  static const Schema& canonical();

  const StructInfo* message() const { return message_; }
  // True when s is (or, recursively, holds only) empty values.
  static bool isEmpty(const StructInfo& s, const void* object);

  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

 private:
  Schema();
  std::vector<std::unique_ptr<StructInfo>> structs_;
  const StructInfo* message_ = nullptr;

  friend struct SchemaBuilder;
};

}  // namespace ferry::mappings
