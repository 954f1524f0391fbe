#include "engine/canonical/date_time.h"

namespace ferry::canonical {

DateTime& DateTime::assign(std::string_view text) {
  if (text.size() > kInlineCapacity) {
    if (onHeap()) {
      heap()->assign(text.data(), text.size());  // std::string copes with text inside itself
    } else {
      std::string* const copy = new std::string(text);
      std::memcpy(bytes_, &copy, sizeof copy);
      size_ = kOnHeap;
    }
    return *this;
  }
  // text may lie in this very object: in bytes_ (hence memmove) or in the heap string, which
  // is therefore freed only after the copy.
  std::string* const previous = onHeap() ? heap() : nullptr;
  if (!text.empty()) std::memmove(bytes_, text.data(), text.size());
  size_ = static_cast<unsigned char>(text.size());
  delete previous;
  return *this;
}

}  // namespace ferry::canonical
