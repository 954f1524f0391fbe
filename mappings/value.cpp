#include "mappings/value.h"

#include <cstring>
#include <new>

namespace ferry::mappings {

bool Value::isEmpty() const {
  switch (kind) {
    case Kind::Null: return true;
    case Kind::String: return text.empty();
    case Kind::Sequence: return count == 0;
    default: return false;
  }
}

bool Value::truthy() const {
  if (kind == Kind::Bool) return boolean;
  return !isEmpty();
}

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {};
  char* p = allocateText(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

Value* Arena::allocateValues(std::size_t n) {
  void* p = resource_.allocate(n * sizeof(Value), alignof(Value));
  auto* values = static_cast<Value*>(p);
  for (std::size_t i = 0; i < n; ++i) new (values + i) Value();
  return values;
}

}  // namespace ferry::mappings
