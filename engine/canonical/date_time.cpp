#include "engine/canonical/date_time.h"

namespace ferry::canonical {

namespace {

// Copies n bytes (1 to 32) from `from` to `to`, which may overlap: as two blocks of the largest
// size that fits, overlapping in the middle, each loaded before either is stored. A date's
// 10 to 25 characters cost a few moves instead of a call to memmove (measured: -26
// instructions a message).
template <std::size_t kBlock>
void moveTwoBlocks(char* to, const char* from, std::size_t n) {
  char head[kBlock];
  char tail[kBlock];
  std::memcpy(head, from, kBlock);
  std::memcpy(tail, from + n - kBlock, kBlock);
  std::memcpy(to, head, kBlock);
  std::memcpy(to + n - kBlock, tail, kBlock);
}

void moveShort(char* to, const char* from, std::size_t n) {
  if (n >= 16) {
    moveTwoBlocks<16>(to, from, n);
  } else if (n >= 8) {
    moveTwoBlocks<8>(to, from, n);
  } else if (n >= 4) {
    moveTwoBlocks<4>(to, from, n);
  } else {
    const char first = from[0];
    const char middle = from[n / 2];
    const char last = from[n - 1];
    to[0] = first;
    to[n / 2] = middle;
    to[n - 1] = last;
  }
}

}  // namespace

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
  // text may lie in this very object: in bytes_ (hence moveShort) or in the heap string, which
  // is therefore freed only after the copy.
  std::string* const previous = onHeap() ? heap() : nullptr;
  if (!text.empty()) moveShort(bytes_, text.data(), text.size());
  size_ = static_cast<unsigned char>(text.size());
  delete previous;
  return *this;
}

}  // namespace ferry::canonical
