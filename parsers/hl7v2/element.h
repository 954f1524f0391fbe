#pragma once
// A view of one field, repetition, component or subcomponent inside a message buffer. It holds
// the escaped bytes and splits them only when a caller descends; decoding happens on text().
// Views are valid while the Message they came from is alive and unmodified.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/hl7v2/encoding_characters.h"
#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

class Element {
 public:
  enum class Level { Field, Repetition, Component, Subcomponent, Literal };

  Element() = default;  // an absent element
  Element(std::string_view raw, const EncodingCharacters* enc, Level level)
      : raw_(raw), enc_(enc), level_(level), present_(true) {}

  // Present: the delimiters reach this position, even if the value between them is empty.
  bool present() const { return present_; }
  // Valued: present and not empty. The HL7 null "" counts as valued (it says "delete this").
  bool valued() const { return present_ && !raw_.empty(); }
  // The HL7 null value `""`: the sender asks the receiver to clear the stored value.
  bool isNull() const { return raw_ == "\"\""; }

  // The bytes as they are on the wire, still escaped.
  std::string_view raw() const { return raw_; }
  Level level() const { return level_; }
  // The delimiters of the message the element is in; nullptr for an absent element.
  const EncodingCharacters* encoding() const { return enc_; }

  // Children, 1-based. component() on a field reads its first repetition.
  Element repetition(int r) const;
  Element component(int c) const;
  Element subcomponent(int s) const;
  int repetitionCount() const;
  int componentCount() const;
  int subcomponentCount() const;

  // Decoded text. An element that still holds lower-level delimiters (a composite such as
  // "Doe^John") is returned as written, since decoding \S\ there would make it ambiguous.
  std::string text() const;
  // Appends text() to out; for hot paths that reuse one buffer.
  void appendText(std::string& out) const;
  // text() as a view, for readers that only look at it: the bytes as written when they hold no
  // escape character (text() would give them back unchanged), else text() kept in scratch.
  // Inline up to the test for the escape character, which nearly every value read so passes
  // (the header checks ask for five a message; measured: -40 instructions a message).
  std::string_view textView(std::string& scratch) const {
    if (!present_) return {};
    if (enc_ == nullptr || !needsUnescape(raw_, *enc_)) return raw_;
    return decodedView(scratch);
  }

 private:
  Element firstRepetitionComponent(int c) const;
  // textView() of a value that holds the escape character.
  std::string_view decodedView(std::string& scratch) const;

  std::string_view raw_;
  const EncodingCharacters* enc_ = nullptr;
  Level level_ = Level::Field;
  bool present_ = false;

  friend class Pieces;
};

// The children of a composite split in one pass, for readers that take several components of
// the same element (a CWE's code, text and system): each access is then an array look-up.
// A field is split into the components of its first repetition; a component into subcomponents.
class Pieces {
 public:
  explicit Pieces(const Element& composite);
  // 1-based; absent when the composite has fewer. Inline: readers take a dozen pieces a segment.
  Element operator[](int n) const {
    if (n >= 1 && n <= count_) {
      const auto begin = starts_[n - 1];
      return Element(std::string_view(reinterpret_cast<const char*>(begin), starts_[n] - begin - 1),
                     enc_, child_level_);
    }
    return n >= 1 && count_ == kMax ? beyondKmax(n) : Element();
  }
  int count() const { return count_; }

 private:
  Element beyondKmax(int n) const;  // piece n > kMax of a composite cut at kMax

  static constexpr int kMax = 24;
  // Where each piece starts, as an address: piece n is [starts_[n - 1], starts_[n] - 1), and
  // starts_[count_] is where a piece after the last would start. One store a separator instead
  // of a pointer and a length (measured: -139 instructions a message); an integer, because that
  // address may lie past the buffer. Not initialized (zeroing the array cost more than the
  // split): only the first count_ + 1 entries are ever written or read.
  Element whole_;  // for the rare composite with more than kMax children
  std::uintptr_t starts_[kMax + 1];
  int count_ = 0;
  Element::Level child_level_ = Element::Level::Component;
  const EncodingCharacters* enc_ = nullptr;
};

// Piece n (1-based) of text split at sep; absent-aware: found is false when text has fewer pieces.
// Inline: repetition(), component() and subcomponent() ask for it on spans of a few bytes, mostly
// for the first piece, where the call cost more than the scan.
inline std::string_view nthPiece(std::string_view text, char sep, int n, bool& found) {
  const char* p = text.data();
  const char* const end = p + text.size();
  for (int i = 1; i < n; ++i) {
    p = findChar(p, end, sep);
    if (p == end) {
      found = false;
      return {};
    }
    ++p;
  }
  const char* stop = findChar(p, end, sep);
  found = true;
  return std::string_view(p, static_cast<std::size_t>(stop - p));
}
int countPieces(std::string_view text, char sep);

}  // namespace ferry::hl7v2
