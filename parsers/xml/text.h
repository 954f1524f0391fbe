#pragma once
// Joins text pieces into one string with a single allocation.
//
// Used where paths are built for every node (extension paths, error paths): no temporary per
// '+', and no "literal" + std::string, which GCC 12 misreports under -Wrestrict (bug 105329).

#include <initializer_list>
#include <string>
#include <string_view>

namespace ferry::xml {

inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string text;
  text.reserve(size);
  for (std::string_view part : parts) text.append(part);
  return text;
}

}  // namespace ferry::xml
