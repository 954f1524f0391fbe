#pragma once
// Composite values (CWE, XCN, OBX-8 flags) a reader has already built, kept by the bytes they
// were read from. A lab feed repeats its test menu (OBX-3), its units (OBX-6), its coded answers
// and flags and its ordering and attending clinicians from result to result and from message to
// message, so most such fields of a stream are bytes read before: a repeat is copied from here
// instead of being split into components and its coding system, table 0078 row or assigning
// authority looked up.
//
// Only values that read as written are kept (a segment without the escape character and
// without bytes outside ASCII, in a message whose text needs no widening): what they give is
// then fixed by their bytes, their level (a field stops at the first repetition) and the
// message's delimiters, and reading them records no warning. The delimiters and character set
// the entries were read with are kept too; a message that declares others starts the memo
// empty. Not part of any result: it lives next to the Spares of a result normalized into again.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/clinical.h"
#include "engine/canonical/datatypes.h"
#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/encoding_characters.h"
#include "parsers/hl7v2/header.h"

namespace ferry::hl7v2 {

class CompositeMemo {
 public:
  CompositeMemo() = default;
  // A copy starts empty: the entries are a cache, not a value (Normalized stays copyable).
  CompositeMemo(const CompositeMemo&) {}
  CompositeMemo& operator=(const CompositeMemo&) {
    entries_.reset();
    started_ = false;
    return *this;
  }
  CompositeMemo(CompositeMemo&&) = default;
  CompositeMemo& operator=(CompositeMemo&&) = default;

  // Called once a message before its values are read: true when the memo may be used for it.
  // The first message normalized into a result does not use it (a result made for one message,
  // as the engine's decoder does, would only pay for filling it); from the second on it does,
  // emptied first when the message's delimiters or character set differ from the entries'.
  bool prepare(const EncodingCharacters& enc, CharacterSet charset);

  // out = the CWE (CodeableConcept), the coding of CWE.1-3 or the XCN (Practitioner) kept for
  // raw read at level, written member by member so that out's strings keep their blocks; false
  // (out untouched) when none is kept.
  bool recall(std::string_view raw, Element::Level level, canonical::CodeableConcept& out) const;
  bool recall(std::string_view raw, Element::Level level, canonical::Coding& out) const;
  bool recall(std::string_view raw, Element::Level level, canonical::Practitioner& out) const;
  // The OBX-8 flags with their table 0078 interpretations.
  bool recall(std::string_view raw, Element::Level level,
              std::vector<canonical::Interpretation>& out) const;
  // Keeps what was read from raw at level, in place of what one of its slots held.
  void keep(std::string_view raw, Element::Level level, const canonical::CodeableConcept& value);
  void keep(std::string_view raw, Element::Level level, const canonical::Coding& value);
  void keep(std::string_view raw, Element::Level level, const canonical::Practitioner& value);
  void keep(std::string_view raw, Element::Level level,
            const std::vector<canonical::Interpretation>& value);

  // Bytes longer than this are read every time: a CWE with an alternate code is ~60.
  static constexpr std::size_t kMaxRawSize = 80;

 private:
  static constexpr std::size_t kConceptSlots = 256;  // a test menu, its answers and specimens
  static constexpr std::size_t kCodingSlots = 64;    // units
  static constexpr std::size_t kPractitionerSlots = 64;  // a lab's ordering providers
  static constexpr std::size_t kInterpretationSlots = 32;  // abnormal flags

  struct Key {
    char raw[kMaxRawSize];
    // The size of raw with its level above it (shapeOf), so that one comparison matches both;
    // 0: the slot is empty.
    std::uint64_t shape = 0;
  };
  // Never 0, for any level and size: the level is counted from 1.
  static std::uint64_t shapeOf(std::string_view raw, Element::Level level) {
    return (static_cast<std::uint64_t>(level) + 1) << 32 | raw.size();
  }
  template <class Value>
  struct Entry {
    Key key;
    Value value;
  };
  using ConceptEntry = Entry<canonical::CodeableConcept>;
  using CodingEntry = Entry<canonical::Coding>;
  using PractitionerEntry = Entry<canonical::Practitioner>;
  using InterpretationsEntry = Entry<std::vector<canonical::Interpretation>>;
  struct Entries {
    std::array<ConceptEntry, kConceptSlots> concepts{};
    std::array<CodingEntry, kCodingSlots> codings{};
    std::array<PractitionerEntry, kPractitionerSlots> practitioners{};
    std::array<InterpretationsEntry, kInterpretationSlots> interpretations{};
  };

  template <class Value, std::size_t kSlots>
  static const Entry<Value>* find(const std::array<Entry<Value>, kSlots>& entries,
                                  std::string_view raw, Element::Level level);
  template <class Value, std::size_t kSlots>
  static void keepIn(std::array<Entry<Value>, kSlots>& entries, std::string_view raw,
                     Element::Level level, const Value& value);

  // Allocated when a second message is prepared for (~80 KB): a result made for one message
  // never pays for it.
  std::unique_ptr<Entries> entries_;
  EncodingCharacters encoding_;
  CharacterSet charset_ = CharacterSet::Ascii;
  bool started_ = false;  // a message was prepared for
};

}  // namespace ferry::hl7v2
