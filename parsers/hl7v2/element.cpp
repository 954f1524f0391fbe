#include "parsers/hl7v2/element.h"

#include <cstdint>
#include <cstring>

#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

Pieces::Pieces(const Element& composite) : whole_(composite) {
  if (!composite.present() || composite.enc_ == nullptr) return;
  enc_ = composite.enc_;
  char sep = enc_->component;
  // A field is read as its first repetition: splitting stops at the repetition separator.
  char stop = composite.level() == Element::Level::Field ? enc_->repetition : '\0';
  if (composite.level() == Element::Level::Component) {
    sep = enc_->subcomponent;
    child_level_ = Element::Level::Subcomponent;
  } else if (composite.level() != Element::Level::Repetition &&
             composite.level() != Element::Level::Field) {
    return;
  }
  const char* p = composite.raw_.data();
  const char* end = p + composite.raw_.size();
  const auto address = [](const char* at) { return reinterpret_cast<std::uintptr_t>(at); };
  starts_[0] = address(p);
  // Counted in a local, stored to count_ once at the end: the member was loaded and stored
  // again around every piece written.
  int count = 0;
  // Records the piece that ends at the separator at; false once kMax pieces are taken.
  auto cut = [&](const char* at) {
    if (count == kMax) return false;
    starts_[++count] = address(at) + 1;
    return true;
  };
#if defined(__SSE2__)
  // Every coded value, identifier and name goes through here, so it takes up to 16 bytes a step
  // (the last partial block too, see scan.h): one mask of separators (and one of the stop
  // character) per block, then one cut per set bit.
  const __m128i separators = _mm_set1_epi8(sep);
  const __m128i stops = _mm_set1_epi8(stop);
  while (static_cast<std::size_t>(end - p) >= kMinBlock) {
    const Block block(p, static_cast<std::size_t>(end - p));
    unsigned seps = block.matches(separators);
    const unsigned stop_mask = stop != '\0' ? block.matches(stops) : 0u;
    if (stop_mask != 0) {
      const int at = __builtin_ctz(stop_mask);
      end = p + at;
      seps &= (1u << at) - 1;
    }
    if (count + 16 <= kMax) {
      // A block holds at most 16 separators, so none of its cuts can reach kMax: they are cut
      // without the check, as most composites have a handful of pieces (measured: -88
      // instructions a message; shared with the last partial block below in a lambda, 43 more).
      for (; seps != 0; seps &= seps - 1) starts_[++count] = address(p + __builtin_ctz(seps)) + 1;
    }
    for (; seps != 0; seps &= seps - 1) {
      if (!cut(p + __builtin_ctz(seps))) {
        count_ = count;
        return;
      }
    }
    p = stop_mask != 0 ? end : p + block.n;
  }
  // The last 1-7 bytes of a composite of 8 bytes or more: one 8-byte load that ends where the
  // composite ends, its masks shifted past the bytes already seen, instead of a byte at a time.
  // The stop-and-cut steps repeat the loop's on purpose: shared in one lambda they cost 116
  // instructions a message more (callgrind, 2,000 corpus messages), even forced inline.
  if (p < end && end - composite.raw_.data() >= 8) {
    std::uint64_t last = 0;
    std::memcpy(&last, end - 8, 8);
    const __m128i bytes = _mm_cvtsi64_si128(static_cast<long long>(last));
    const unsigned seen = 8 - static_cast<unsigned>(end - p);
    unsigned seps = (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, separators))) &
                     0xFFu) >> seen;
    const unsigned stop_mask =
        stop != '\0'
            ? (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, stops))) & 0xFFu) >> seen
            : 0u;
    if (stop_mask != 0) {
      const int at = __builtin_ctz(stop_mask);
      end = p + at;
      seps &= (1u << at) - 1;
    }
    for (; seps != 0; seps &= seps - 1) {
      if (!cut(p + __builtin_ctz(seps))) {
        count_ = count;
        return;
      }
    }
    p = end;
  }
#endif
  for (; p < end; ++p) {
    if (*p == stop && stop != '\0') {
      end = p;
      break;
    }
    if (*p == sep && !cut(p)) {
      count_ = count;
      return;
    }
  }
  if (count < kMax) starts_[++count] = address(end) + 1;
  count_ = count;
}

Element Pieces::beyondKmax(int n) const {
  return child_level_ == Element::Level::Component ? whole_.component(n) : whole_.subcomponent(n);
}

int countPieces(std::string_view text, char sep) {
  return 1 + countChar(text.data(), text.data() + text.size(), sep);
}

Element Element::repetition(int r) const {
  if (!present_ || level_ != Level::Field || r < 1) return {};
  bool found = false;
  const std::string_view piece = nthPiece(raw_, enc_->repetition, r, found);
  return found ? Element(piece, enc_, Level::Repetition) : Element();
}

Element Element::component(int c) const {
  if (!present_) return {};
  if (level_ == Level::Field) return firstRepetitionComponent(c);
  if (!present_ || level_ != Level::Repetition || c < 1) return {};
  bool found = false;
  const std::string_view piece = nthPiece(raw_, enc_->component, c, found);
  return found ? Element(piece, enc_, Level::Component) : Element();
}

Element Element::subcomponent(int s) const {
  if (!present_ || level_ != Level::Component || s < 1) return {};
  bool found = false;
  const std::string_view piece = nthPiece(raw_, enc_->subcomponent, s, found);
  return found ? Element(piece, enc_, Level::Subcomponent) : Element();
}

// repetition(1).component(c) in one scan: normalizers read components of fields all the time.
Element Element::firstRepetitionComponent(int c) const {
  if (c < 1) return {};
  const char component = enc_->component;
  const char repetition = enc_->repetition;
  const char* p = raw_.data();
  const char* const end = p + raw_.size();
  for (int i = 1;; ++i) {
    const char* start = p;
    p = findEither(p, end, component, repetition);
    if (i == c) {
      return Element(std::string_view(start, static_cast<std::size_t>(p - start)), enc_, Level::Component);
    }
    if (p == end || *p == repetition) return {};
    ++p;
  }
}

int Element::repetitionCount() const {
  if (!present_ || level_ != Level::Field) return present_ ? 1 : 0;
  return raw_.empty() ? 0 : countPieces(raw_, enc_->repetition);
}

int Element::componentCount() const {
  if (!present_) return 0;
  if (level_ == Level::Field) return repetition(1).componentCount();
  if (!present_ || level_ != Level::Repetition) return present_ ? 1 : 0;
  return countPieces(raw_, enc_->component);
}

int Element::subcomponentCount() const {
  if (!present_ || level_ != Level::Component) return present_ ? 1 : 0;
  return countPieces(raw_, enc_->subcomponent);
}

void Element::appendText(std::string& out) const {
  if (!present_) return;
  if (level_ == Level::Literal || enc_ == nullptr) {
    out.append(raw_);
    return;
  }
  // A composite keeps its delimiters and escapes; only leaves are decoded.
  for (Level l = level_; l != Level::Subcomponent && l != Level::Literal;
       l = static_cast<Level>(static_cast<int>(l) + 1)) {
    const char d = l == Level::Field ? enc_->repetition
                   : l == Level::Repetition ? enc_->component
                                            : enc_->subcomponent;
    if (raw_.find(d) != std::string_view::npos) {
      out.append(raw_);
      return;
    }
  }
  appendUnescaped(raw_, *enc_, out);
}

std::string_view Element::decodedView(std::string& scratch) const {
  scratch.clear();
  appendText(scratch);
  return scratch;
}

std::string Element::text() const {
  std::string out;
  appendText(out);
  return out;
}

}  // namespace ferry::hl7v2
