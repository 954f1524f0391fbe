#pragma once
// Fills a list of the canonical model from its start, reusing the elements a previous message
// left in it. A reader that normalizes a stream into one canonical Message (normalize(message,
// into)) then finds every result's strings and vectors already allocated by the message before:
// the sixteen OBX of a lab report cost no allocation instead of three or four each.
//
// An element handed out may hold the previous message's values: the caller overwrites every
// member of it. finish() drops the elements the previous message had beyond this one's, or,
// given spare elements (spares.h), keeps their heap blocks there (up to a bound) for a later,
// longer message to take back.

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "parsers/hl7v2/spares.h"

namespace ferry::hl7v2 {

template <class T>
class ReusedList {
 public:
  explicit ReusedList(std::vector<T>& items) : items_(items) {}
  ReusedList(std::vector<T>& items, SpareElements<T>& spare, std::size_t max_spare)
      : items_(items), spare_(&spare), max_spare_(max_spare) {}

  // The next element: one left by the previous fill, or a new one given spare heap blocks
  // when there are (stale, to be overwritten), or a new one.
  T& next() {
    if (used_ < items_.size()) return items_[used_++];
    ++used_;
    T& element = items_.emplace_back();
    if (spare_ != nullptr && !spare_->empty()) spare_->giveLast(element);
    return element;
  }
  // Takes back the element next() handed out last, e.g. a repetition that turned out empty; it
  // is handed out again by the next call to next().
  void dropLast() { --used_; }
  // Elements handed out so far; the last one is at size() - 1.
  std::size_t size() const { return used_; }
  // The list holds exactly the elements handed out. Inline up to the test, with the trimming
  // out of line: a message's twelve lists mostly have nothing to trim (measured: -130
  // instructions a message).
  void finish() {
    if (items_.size() > used_) dropSurplus();
  }

 private:
  [[gnu::noinline]] void dropSurplus() {
    if (spare_ != nullptr) {
      // The elements nearest the end of the list are kept, last first, so that next() hands
      // them out again in their order: the result at a position is then often of the same
      // kind as before, and its strings already have the room.
      const std::size_t room = max_spare_ > spare_->size() ? max_spare_ - spare_->size() : 0;
      for (std::size_t i = std::min(items_.size(), used_ + room); i > used_; --i) {
        spare_->keep(items_[i - 1]);
      }
    }
    items_.resize(used_);
  }

  std::vector<T>& items_;
  SpareElements<T>* spare_ = nullptr;
  std::size_t max_spare_ = 0;
  std::size_t used_ = 0;
};

}  // namespace ferry::hl7v2
