// Copies of many small strings kept in a few large blocks.
//
// The Bundle reader keeps a little text per entry until all entries are in (fullUrls, reference
// elements to compare at the end). As std::string each would be its own allocation with its
// header and rounding, often more than the text itself; here they are packed end to end, and a
// view stays valid for the arena's lifetime because blocks never move.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace ferry::fhir {

class TextArena {
 public:
  // A copy of text that lives as long as the arena.
  std::string_view keep(std::string_view text);

 private:
  static constexpr std::size_t kBlockSize = 64 * 1024;

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = kBlockSize;  // bytes taken in blocks_.back(); full when there is none
};

}  // namespace ferry::fhir
