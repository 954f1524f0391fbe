#pragma once
// Removes the marked elements of a vector in one pass, keeping the order of the others. keep and
// remove of whole selections use it instead of erase() per element, which moves the tail of the
// list once for every element removed.

#include <cstddef>
#include <utility>
#include <vector>

namespace ferry::mappings {

// drop holds one flag per element of list.
template <class T>
void eraseMarked(std::vector<T>& list, const std::vector<bool>& drop) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (drop[i]) continue;
    if (kept != i) list[kept] = std::move(list[i]);
    ++kept;
  }
  list.erase(list.begin() + static_cast<std::ptrdiff_t>(kept), list.end());
}

}  // namespace ferry::mappings
