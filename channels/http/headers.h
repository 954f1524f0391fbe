#pragma once
// An ordered list of HTTP header fields with case-insensitive name lookup (RFC 9110 field
// names are case-insensitive). Kept free of Poco so handlers and tests need no Poco headers.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::http {

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  // Appends a field; an existing field of the same name is kept (repeated fields are legal).
  void add(std::string name, std::string value);
  // Replaces every field of that name with one field.
  void set(std::string name, std::string value);
  void remove(std::string_view name);

  // The first field of that name.
  std::optional<std::string> get(std::string_view name) const;
  // The first field's value or `fallback`.
  std::string value(std::string_view name, std::string_view fallback = {}) const;
  std::vector<std::string> all(std::string_view name) const;
  bool contains(std::string_view name) const;

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

bool equalsIgnoreCase(std::string_view a, std::string_view b);
// A token per RFC 9110 section 5.1 (no separators, no controls, not empty).
bool isValidHeaderName(std::string_view name);
// No CR, LF or NUL: a value that carries them could inject header lines.
bool isValidHeaderValue(std::string_view value);

}  // namespace ferry::http
