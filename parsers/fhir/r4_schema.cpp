#include "parsers/fhir/r4_schema.h"

#include <algorithm>

namespace ferry::fhir::schema {

const TypeDef* findType(std::string_view name) {
  const auto it = std::lower_bound(kTypes.begin(), kTypes.end(), name,
                                   [](const TypeDef& t, std::string_view n) { return t.name < n; });
  return it != kTypes.end() && it->name == name ? &*it : nullptr;
}

std::span<const ElementDef> elementsOf(const TypeDef& type) {
  return kElements.subspan(type.first, type.count);
}

std::span<const ElementDef> childrenOf(const ElementDef& backbone) {
  return kElements.subspan(backbone.first_child, backbone.child_count);
}

const ElementDef* findElement(std::span<const ElementDef> elements, std::string_view name) {
  for (const ElementDef& e : elements) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::span<const ElementDef> elementsOfValue(const ElementDef& element) {
  if (element.child_count > 0) return childrenOf(element);
  const TypeDef* type = findType(element.type);
  if (type == nullptr || type->kind == TypeKind::Primitive) return {};
  return elementsOf(*type);
}

bool isResourceType(std::string_view name) {
  return std::binary_search(kResourceTypes.begin(), kResourceTypes.end(), name);
}

bool inValueSet(std::int16_t valueSet, std::string_view system, std::string_view code) {
  if (valueSet < 0 || static_cast<std::size_t>(valueSet) >= kValueSets.size()) return true;
  const ValueSetDef& vs = kValueSets[static_cast<std::size_t>(valueSet)];
  for (const CodeDef& c : kCodes.subspan(vs.first, vs.count)) {
    if (c.code == code && (system.empty() || c.system == system)) return true;
  }
  return false;
}

std::string_view valueSetUrl(std::int16_t valueSet) {
  if (valueSet < 0 || static_cast<std::size_t>(valueSet) >= kValueSets.size()) return {};
  return kValueSets[static_cast<std::size_t>(valueSet)].url;
}

}  // namespace ferry::fhir::schema
