#include "channels/http/headers.h"

#include <algorithm>
#include <cctype>

namespace ferry::http {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool isValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  constexpr std::string_view kTokenSpecials = "!#$%&'*+-.^_`|~";
  return std::all_of(name.begin(), name.end(), [&](unsigned char c) {
    return std::isalnum(c) != 0 || kTokenSpecials.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool isValidHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return equalsIgnoreCase(f.first, name); });
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& f : fields_) {
    if (equalsIgnoreCase(f.first, name)) return f.second;
  }
  return std::nullopt;
}

std::string Headers::value(std::string_view name, std::string_view fallback) const {
  auto v = get(name);
  return v ? *v : std::string(fallback);
}

std::vector<std::string> Headers::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& f : fields_) {
    if (equalsIgnoreCase(f.first, name)) out.push_back(f.second);
  }
  return out;
}

bool Headers::contains(std::string_view name) const { return get(name).has_value(); }

}  // namespace ferry::http
