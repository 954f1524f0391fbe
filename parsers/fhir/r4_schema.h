// The FHIR R4 element definitions Ferry validates against: for each resource and data type it
// supports, its elements with type, cardinality, choice group and required code binding.
//
// The rows are data generated from the published R4 structure definitions (r4_elements_data.cpp,
// r4_types_data.cpp and r4_terminology_data.cpp, by tests/fhir/npm/gen_r4_schema.js), so the
// validator and the fidelity machinery need no hand-written per-resource rules. Primitive extension siblings ("_birthDate")
// are not listed; the validator treats them as Element wherever the primitive is allowed.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ferry::fhir::schema {

enum class TypeKind : std::uint8_t { Primitive, Complex, Resource };

// One element of a type or of a backbone element, named as in JSON ("valueQuantity").
struct ElementDef {
  std::string_view name;
  std::string_view type;      // FHIR type code: "Quantity", "code", "BackboneElement", "Resource"
  std::string_view choice;    // the choice group, "value" for value[x] members; else empty
  bool required;              // min 1 (for a choice member: one of the group is required)
  bool multiple;              // max "*": a JSON array
  std::int16_t value_set;     // index into kValueSets of a required binding, or -1
  std::uint16_t first_child;  // children of a backbone element: range in kElements
  std::uint16_t child_count;
};

struct TypeDef {
  std::string_view name;
  TypeKind kind;
  std::uint16_t first;
  std::uint16_t count;
};

struct ValueSetDef {
  std::string_view url;
  std::uint16_t first;  // range in kCodes
  std::uint16_t count;
};

struct CodeDef {
  std::string_view system;
  std::string_view code;
};

// The generated tables (r4_*_data.cpp). kTypes is sorted by name; kResourceTypes lists every
// R4 resource type, sorted.
extern const std::span<const ElementDef> kElements;
extern const std::span<const TypeDef> kTypes;
extern const std::span<const ValueSetDef> kValueSets;
extern const std::span<const CodeDef> kCodes;
extern const std::span<const std::string_view> kResourceTypes;

// The definition of a type Ferry knows ("Observation", "Coding", "dateTime"); nullptr otherwise.
const TypeDef* findType(std::string_view name);

// The elements of a type, or the children of a backbone element.
std::span<const ElementDef> elementsOf(const TypeDef& type);
std::span<const ElementDef> childrenOf(const ElementDef& backbone);

// The element called name among elements; nullptr when there is none.
const ElementDef* findElement(std::span<const ElementDef> elements, std::string_view name);

// The elements an element's value has: its backbone children or its type's elements; empty for
// primitives and for types Ferry has no definition of.
std::span<const ElementDef> elementsOfValue(const ElementDef& element);

// True for every R4 resource type name, including those Ferry does not map.
bool isResourceType(std::string_view name);

// Whether code (with system, when the coding has one) is in the required value set.
bool inValueSet(std::int16_t valueSet, std::string_view system, std::string_view code);
std::string_view valueSetUrl(std::int16_t valueSet);

}  // namespace ferry::fhir::schema
