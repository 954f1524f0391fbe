// A member of the model kept out of line, because most messages leave it empty.
//
// A canonical::Observation is built once per result, and a large FHIR Bundle holds a hundred
// thousand of them: a Practitioner (248 bytes) or an SN value (128 bytes) stored inline costs that
// much in every result, though few results have one. Boxed<T> is a pointer's 8 bytes until the
// member is first written; it keeps the model plain data all the same: copying copies the
// contents, == compares contents, and an empty box reads (and compares) as a default-constructed
// T, so code that only reads never needs to know whether anything was stored.
//
// Reading: *box, box->member. Writing: box.mut().member = ... (allocates on first write), or
// box = value (a default value empties the box). Rule paths (mappings/schema.h) and the
// ferry.canonical/v1 JSON form (json_schema.h) see through the box: a boxed member has the same
// path and JSON member as it had inline.
//
// Only for members that are empty in most messages; a member nearly always set is cheaper inline.
// Not for a text member directly inside an element of a list (mappings' append writes those in
// place, assuming a std::string at the member's offset).
#pragma once

#include <memory>
#include <utility>

namespace ferry::canonical {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;

  Boxed& operator=(const Boxed& other) {
    if (this == &other) return *this;
    if (!other.value_) {
      value_.reset();
    } else if (value_) {
      *value_ = *other.value_;
    } else {
      value_ = std::make_unique<T>(*other.value_);
    }
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;

  // Stores value; a default value frees the box instead, so that assigning "nothing" (a
  // reader's empty result) costs no allocation.
  Boxed& operator=(T value) {
    if (value == empty()) {
      value_.reset();
    } else if (value_) {
      *value_ = std::move(value);
    } else {
      value_ = std::make_unique<T>(std::move(value));
    }
    return *this;
  }

  const T& operator*() const { return value_ ? *value_ : empty(); }
  const T* operator->() const { return &**this; }

  // The contents for writing, allocated (default-constructed) on first use.
  T& mut() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }

  // The contents when something was stored, else nullptr (never the shared empty value).
  T* find() { return value_.get(); }

  // True once contents were allocated; they may still equal a default T.
  bool has_value() const { return value_ != nullptr; }
  void reset() { value_.reset(); }

  friend bool operator==(const Boxed& a, const Boxed& b) { return *a == *b; }
  friend bool operator==(const Boxed& a, const T& b) { return *a == b; }

  // The value every empty box reads as; shared and never written.
  static const T& empty() {
    static const T value{};
    return value;
  }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace ferry::canonical
