#pragma once
// The repetitions of a field, in order, for a range-for:
//
//   for (const Element repetition : Repetitions(segment.field(3))) ...
//
// Each repetition is found by continuing the scan where the previous one ended, so the loop
// reads the field once; repetition(r) for r = 1..repetitionCount() scans it once for the count
// and again from the start for every r. What the loop yields is exactly that sequence: nothing
// for an absent or empty field, and one absent element for an element below field level (which
// has one repetition, not addressable as such).

#include <cstddef>
#include <string_view>

#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

class Repetitions {
 public:
  explicit Repetitions(const Element& field) : field_(field) {}

  class Iterator {
   public:
    Iterator() = default;  // the end
    explicit Iterator(const Element& field) : enc_(field.encoding()) {
      if (!field.present()) return;
      if (field.level() != Element::Level::Field) {
        below_field_ = true;
        advance();
        return;
      }
      if (field.raw().empty()) return;
      next_ = field.raw().data();
      end_ = next_ + field.raw().size();
      more_ = true;
      advance();
    }

    Element operator*() const { return current_; }
    Iterator& operator++() {
      advance();
      return *this;
    }
    bool operator!=(const Iterator& other) const { return more_ != other.more_; }

   private:
    // Moves current_ to the next repetition, or ends the iteration after the last one.
    void advance() {
      if (below_field_) {  // one absent element, then the end
        more_ = !taken_single_;
        taken_single_ = true;
        return;
      }
      if (next_ == nullptr) {
        more_ = false;
        return;
      }
      const char* stop = findChar(next_, end_, enc_->repetition);
      current_ = Element(std::string_view(next_, static_cast<std::size_t>(stop - next_)), enc_,
                         Element::Level::Repetition);
      next_ = stop == end_ ? nullptr : stop + 1;
    }

    const EncodingCharacters* enc_ = nullptr;
    const char* next_ = nullptr;  // start of the repetition after current_; nullptr after the last
    const char* end_ = nullptr;
    Element current_;
    bool more_ = false;
    bool below_field_ = false;
    bool taken_single_ = false;
  };

  Iterator begin() const { return Iterator(field_); }
  Iterator end() const { return Iterator(); }

 private:
  Element field_;
};

}  // namespace ferry::hl7v2
