#pragma once
// The pieces of a short composite (8 to 32 bytes: an EI "ORD-700000^HOSPORD", a CX
// "ACCT0055000^^^NORTHCLINIC^AN", a PL "LAB^288^C^NORTHCLINIC"), cut from the masks of its
// separators, which two overlapping 16-byte loads give: each piece asked for is then a few bit
// operations, where Pieces (element.h) stores where every piece starts, one separator at a time,
// and costs more than the whole cut for a composite this short. Piece n is exactly what
// Pieces(composite)[n] gives; a composite ShortPieces does not take (fits() false: another size,
// an element below component level, no SSE2) is split by Pieces.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

class ShortPieces {
 public:
  static constexpr std::size_t kMaxSize = 32;

  static bool fits(const Element& composite) {
#if defined(__SSE2__)
    const std::size_t size = composite.raw().size();
    return composite.encoding() != nullptr && size >= kMinBlock && size <= kMaxSize &&
           composite.level() <= Element::Level::Component;
#else
    (void)composite;
    return false;
#endif
  }

  // composite must fit().
  explicit ShortPieces(const Element& composite)
      : raw_(composite.raw()), enc_(composite.encoding()),
        child_(composite.level() == Element::Level::Component ? Element::Level::Subcomponent
                                                              : Element::Level::Component) {
#if defined(__SSE2__)
    const bool component = composite.level() == Element::Level::Component;
    separators_ = bytesEqual(component ? enc_->subcomponent : enc_->component);
    // A field is read as its first repetition: its pieces end at the repetition separator.
    if (composite.level() == Element::Level::Field) {
      const std::uint32_t stops = bytesEqual(enc_->repetition);
      if (stops != 0) {
        end_ = static_cast<std::size_t>(__builtin_ctz(stops));
        separators_ &= (1u << end_) - 1;
        return;
      }
    }
    end_ = raw_.size();
#endif
  }

  // 1-based; absent when the composite has fewer pieces, as Pieces.
  Element operator[](int n) const {
    if (n < 1) return {};
    std::uint32_t separators = separators_;
    std::size_t begin = 0;
    for (int i = 1; i < n; ++i) {
      if (separators == 0) return {};
      begin = static_cast<std::size_t>(__builtin_ctz(separators)) + 1;
      separators &= separators - 1;
    }
    const std::size_t end =
        separators != 0 ? static_cast<std::size_t>(__builtin_ctz(separators)) : end_;
    return Element(raw_.substr(begin, end - begin), enc_, child_);
  }

 private:
#if defined(__SSE2__)
  // Bit i set when byte i of the composite is c: the last 16 bytes are loaded overlapping the
  // first 16, and their lanes shifted to their offsets.
  std::uint32_t bytesEqual(char c) const {
    const __m128i wanted = _mm_set1_epi8(c);
    const std::size_t n = raw_.size();
    if (n <= 16) return Block(raw_.data(), n).matches(wanted);
    const Block head(raw_.data(), 16);
    const Block tail(raw_.data() + n - 16, 16);
    return head.matches(wanted) | (tail.matches(wanted) << (n - 16));
  }
#endif

  std::string_view raw_;
  const EncodingCharacters* enc_;
  Element::Level child_;
  std::uint32_t separators_ = 0;  // bit i: byte i separates two pieces of the first repetition
  std::size_t end_ = 0;           // where the last piece ends
};

}  // namespace ferry::hl7v2
