#pragma once
// What a result normalized into again (normalizer.h, normalize(message, into)) keeps from one
// message to the next besides its lists: the results a longer message had beyond this one's
// (a report of 12 results after one of 18 keeps six for the next long one), and the boxes of
// result values (canonical/boxed.h) whose kind changed at the same position (a CWE result where
// the message before had a number). Both come back with their heap blocks when a later message
// needs them, instead of being freed and allocated again. Nothing here is part of a result;
// each pool is bounded, so that one huge message does not keep its memory for the whole stream.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "engine/canonical/boxed.h"
#include "engine/canonical/clinical.h"
#include "parsers/hl7v2/heap_blocks.h"

namespace ferry::hl7v2 {

// The heap blocks (heap_blocks.h) of elements a list had beyond a message's, for a later, longer
// message: the list makes a new element and gives it the blocks kept last. The blocks wait in
// slots that are made once and never destroyed, so keeping and giving back move blocks only
// (callgrind, 2,000 corpus messages: -774 instructions a message).
template <class T>
class SpareElements {
 public:
  std::size_t size() const { return kept_; }
  bool empty() const { return kept_ == 0; }
  // Takes element's heap blocks; element is left holding none, to be destroyed.
  void keep(T& element) {
    if (kept_ == slots_.size()) slots_.emplace_back();
    moveHeapBlocks(element, slots_[kept_++]);
  }
  // Gives the blocks kept last to element, which holds none (a new element).
  void giveLast(T& element) { moveHeapBlocks(slots_[--kept_], element); }

 private:
  // The slots from kept_ on hold no heap block.
  std::vector<T> slots_;
  std::size_t kept_ = 0;
};

// Boxes that were emptied, still holding their contents' blocks (stale contents).
template <class T>
class BoxPool {
 public:
  // Takes box's contents into the pool, leaving box empty (as a reset would).
  void keep(canonical::Boxed<T>& box) {
    if (!box.has_value()) return;
    if (boxes_.size() < kMax) {
      boxes_.push_back(std::move(box));
    }
    box.reset();
  }
  // box's contents for writing: its own, else a pooled box's (stale: the caller writes every
  // member), else new ones.
  T& fill(canonical::Boxed<T>& box) {
    if (!box.has_value() && !boxes_.empty()) {
      box = std::move(boxes_.back());
      boxes_.pop_back();
    }
    return box.mut();
  }

 private:
  static constexpr std::size_t kMax = 64;
  std::vector<canonical::Boxed<T>> boxes_;
};

struct Spares {
  static constexpr std::size_t kMaxObservations = 64;
  SpareElements<canonical::Observation> observations;
  BoxPool<std::string> text;
  BoxPool<canonical::CodeableConcept> coded;
  BoxPool<canonical::StructuredNumeric> structured_numeric;
  BoxPool<canonical::DateTime> date_time;
};

}  // namespace ferry::hl7v2
