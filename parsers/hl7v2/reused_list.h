#pragma once
// Fills a list of the canonical model from its start, reusing the elements a previous message
// left in it. A reader that normalizes a stream into one canonical Message (normalize(message,
// into)) then finds every result's strings and vectors already allocated by the message before:
// the sixteen OBX of a lab report cost no allocation instead of three or four each.
//
// An element handed out may hold the previous message's values: the caller overwrites every
// member of it. finish() drops the elements the previous message had beyond this one's.

#include <cstddef>
#include <vector>

namespace ferry::hl7v2 {

template <class T>
class ReusedList {
 public:
  explicit ReusedList(std::vector<T>& items) : items_(items) {}

  // The next element: one left by the previous fill (stale, to be overwritten) or a new one.
  T& next() {
    if (used_ < items_.size()) return items_[used_++];
    ++used_;
    return items_.emplace_back();
  }
  // Takes back the element next() handed out last, e.g. a repetition that turned out empty; it
  // is handed out again by the next call to next().
  void dropLast() { --used_; }
  // Elements handed out so far; the last one is at size() - 1.
  std::size_t size() const { return used_; }
  // The list holds exactly the elements handed out.
  void finish() { items_.resize(used_); }

 private:
  std::vector<T>& items_;
  std::size_t used_ = 0;
};

}  // namespace ferry::hl7v2
