#pragma once
// Bounds on what one XML document may hold, checked before the document tree is built, so that
// hostile input (a huge body, deep nesting, millions of tiny elements) is refused cheaply instead
// of exhausting memory or the stack.

#include <cstddef>

namespace ferry::xml {

struct Limits {
  std::size_t max_bytes = std::size_t{64} * 1024 * 1024;  // whole document, before parsing
  std::size_t max_depth = 64;            // element nesting; also bounds the codec's recursion
  // Start tags in the document; comments, CDATA sections and processing instructions count
  // too, since each costs a node (or splits a text node) as well.
  std::size_t max_elements = 1'000'000;
  std::size_t max_attributes = 1'000'000;  // in the whole document
};

}  // namespace ferry::xml
