#pragma once
// Reads HL7 v2 composite data types (CWE, CX, EI, XPN, XAD, XTN, XCN, DTM) from message elements
// into canonical value types. It carries the per-message context the conversions need: the
// character set to widen text to UTF-8, and the lists where problems are recorded with their
// location instead of stopping at the first one. A malformed value (a date that is not a date)
// is a warning: the message is still usable, and the raw value is kept as an extension so
// nothing is lost.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/canonical/datatypes.h"
#include "engine/canonical/extension.h"
#include "parsers/hl7v2/composite_memo.h"
#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/header.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/terminology/code_key.h"
#include "parsers/terminology/coding_systems.h"

namespace ferry::hl7v2 {

class DatatypeReader {
 public:
  DatatypeReader(const Message& message, CharacterSet charset, std::vector<Error>& errors,
                 std::vector<Error>& warnings, std::vector<canonical::Extension>& unparsed)
      : message_(message), charset_(charset), errors_(errors), warnings_(warnings),
        unparsed_(unparsed) {}

  // Composite values read before, for a stream normalized into one result (composite_memo.h):
  // the memo must have been prepared for this reader's message. Without one every value is read.
  void remember(CompositeMemo* memo) { memo_ = memo; }

  // Where the next reads come from, so errors can name segment and field.
  void at(const Segment& segment, int sequence) {
    segment_ = &segment;
    sequence_ = sequence;
    const std::string_view raw = valuesOf(segment);
    // The values of a segment without the escape character and without bytes outside ASCII, in
    // a message that needs no widening to UTF-8, are appended as they are written, without a
    // scan of their own. The index noted which segments need decoding; in MSH the values after
    // MSH-2 (which holds the escape character) are scanned.
    const bool decode = segment.isHeader() ? headerValuesNeedDecoding(raw) : segment.needsDecoding();
    const bool plain = charset_ != CharacterSet::Latin1 && !decode;
    plain_begin_ = plain ? reinterpret_cast<std::uintptr_t>(raw.data()) : 0;
    plain_end_ = plain ? plain_begin_ + raw.size() : 0;
  }

  // Decoded UTF-8 text of a leaf element.
  std::string text(const Element& e) const;
  // Appends it to out. Inline, with the decoding out of line: readers call this a hundred times
  // a message, nearly always for a value that is appended as it is. Forced in line, as
  // assignText() is: GCC's choice for each caller moved with every change to readObx, and a
  // copy left out of line cost a call on every value.
  [[gnu::always_inline]] void text(const Element& e, std::string& out) const {
    if (!e.valued()) return;
    if (inPlainSegment(e.raw())) {
      out.append(e.raw());
      return;
    }
    appendOutsidePlainSegment(e.raw(), out);
  }

  // out = text(e), written over whatever out held. A value as long as the one of the message
  // before (reused_list.h: a lab feed repeats its results' set ids, value types and statuses
  // at the same positions, and sends numbers of a few digits) is copied over it in line, which
  // costs less than emptying and appending it again (measured against comparing it first:
  // -131 instructions a message). Forced in line with text() (measured: -107 instructions a
  // message, most in readObx and readObservationValue, which each called a copy out of line).
  [[gnu::always_inline]] void assignText(const Element& e, std::string& out) const {
    if (e.valued() && inPlainSegment(e.raw()) && copyOverSameLength(e.raw(), out)) return;
    out.clear();
    text(e, out);
  }

  // HL7 DTM/DT as ISO 8601; a malformed value gives a data type warning (102) and an extension.
  canonical::DateTime dateTime(const Element& e, int field) const;
  // The same, assigned to out (emptied when the element is empty or malformed). The same bytes
  // at the same level (at any level, when they hold no separator) convert to the same text
  // within one message (same encoding characters, same character set): a repeat of one of the
  // last two converted takes their text, in line, without the split, the decoding and the
  // conversion.
  void dateTime(const Element& e, int field, canonical::DateTime& out) const {
    if (!e.valued()) {
      out.clear();
      return;
    }
    for (const RecentDateTime& recent : recent_date_times_) {
      if ((recent.level == e.level() || recent.any_level) && sameBytes(e.raw(), recent.raw)) {
        out = recent.iso;
        return;
      }
    }
    convertDateTime(e, field, out);
  }

  canonical::Coding coding(const Element& cwe, int first_component = 1) const;
  canonical::Coding coding(const Pieces& cwe, int first_component) const;
  // Fills an existing Coding / CodeableConcept (e.g. one built in place in a vector).
  void coding(const Pieces& cwe, int first_component, canonical::Coding& out) const;
  // The coding of CWE.1-3 of cwe (OBX-6 units, PID-10 race, NTE-4), from the memo when it holds
  // these bytes. Like codeableConcept() and practitioner(), it copies a value the memo kept for
  // the same bytes.
  void coding(const Element& cwe, canonical::Coding& out) const;
  canonical::CodeableConcept codeableConcept(const Element& cwe) const;
  void codeableConcept(const Element& cwe, canonical::CodeableConcept& out) const;
  canonical::Identifier identifier(const Element& cx) const;        // CX
  canonical::HumanName name(const Element& xpn, int first_component = 1) const;
  canonical::Address address(const Element& xad) const;
  canonical::Practitioner practitioner(const Element& xcn) const;
  // The same, written over an existing value (one of a list reused from an earlier message,
  // reused_list.h): every member is set or emptied, and the strings keep their heap blocks.
  void identifier(const Element& cx, canonical::Identifier& out) const;
  void entityIdentifier(const Element& ei, canonical::Identifier& out) const;  // EI: id^namespace
  void name(const Element& xpn, int first_component, canonical::HumanName& out) const;
  void address(const Element& xad, canonical::Address& out) const;
  // XTN; a use XTN.2 does not give (table 0201) is unmapped_use (PID-13 home, PID-14 work).
  void contactPoint(const Element& xtn, std::string_view unmapped_use,
                    canonical::ContactPoint& out) const;
  void practitioner(const Element& xcn, canonical::Practitioner& out) const;
  // The same four, of a repetition already split into its components (the patient reader splits
  // PID-3, PID-5, PID-11 and PID-13/14 in the pass that finds their repetitions). An empty
  // repetition, one empty piece, reads as the empty element does.
  void identifier(const Pieces& cx, canonical::Identifier& out) const;
  void name(const Pieces& xpn, int first_component, canonical::HumanName& out) const;
  void address(const Pieces& xad, canonical::Address& out) const;
  void contactPoint(const Pieces& xtn, std::string_view unmapped_use,
                    canonical::ContactPoint& out) const;
  // OBX-8 as the memo kept it for these bytes (flags and their table 0078 interpretations),
  // copied into out; false when it holds none. keepInterpretations() gives it what was read.
  bool recallInterpretations(const Element& flags,
                             std::vector<canonical::Interpretation>& out) const {
    CompositeMemo* const memo = memoFor(flags);
    return memo != nullptr && memo->recall(flags.raw(), flags.level(), out);
  }
  void keepInterpretations(const Element& flags,
                           const std::vector<canonical::Interpretation>& read) const {
    if (CompositeMemo* const memo = memoFor(flags)) memo->keep(flags.raw(), flags.level(), read);
  }
  void organization(const Element& xon, canonical::Organization& out) const;  // XON, not its address

  void recordError(ErrorCode code, int field, const Element& e, std::string text) const;
  // out = the FHIR system URI for an assigning authority (NPI -> us-npi), else the authority
  // itself; empty when there is none. Inline up to the look-up of a value read as written (nearly
  // every one), which needs no scratch string (measured: -244 instructions a message).
  void assignSystem(const Element& authority, std::string& out) const {
    if (!authority.valued()) {
      out.clear();
    } else if (inPlainSegment(authority.raw())) {
      overwrite(out, terminology::identifierSystemUri(authority.raw()));
    } else {
      assignDecodedSystem(authority, out);
    }
  }
  // A value that could not be read as its type: warns and keeps it whole as an extension.
  void recordUnreadable(int field, const Element& e, std::string text) const;
  // Bytes kept as written (a whole segment as an extension), in UTF-8 as every canonical text.
  std::string utf8(std::string_view raw) const {
    if (charset_ != CharacterSet::Latin1 && !isUtf8(raw)) noteWidened(raw);
    return toUtf8(raw, charset_);
  }

  // The decoded text of e as a view: the raw bytes themselves when decoding would not change
  // them (the common case, no copy), else the decoded text written to scratch. For a code that
  // is only looked up.
  std::string_view decoded(const Element& e, std::string& scratch) const {
    if (!e.valued()) return {};
    if (readsAsWritten(e.raw())) return e.raw();
    scratch.clear();
    appendDecoded(e.raw(), scratch);
    return scratch;
  }

 private:
  // The bytes of a segment that hold its values: all of it, but in MSH (FHS, BHS) only from the
  // third field on, since MSH-2 holds the escape character itself and is never decoded.
  static std::string_view valuesOf(const Segment& segment) {
    const std::string_view raw = segment.raw();
    if (segment.field(2).level() != Element::Level::Literal) return raw;
    const Element third = segment.field(3);
    if (!third.present()) return {};
    return raw.substr(static_cast<std::size_t>(third.raw().data() - raw.data()));
  }
  // True when decoding raw would not change it: no escape, and valid UTF-8 (or ASCII) already.
  // A value of the segment at() named needs no scan of its own when the segment holds no escape
  // and no byte outside ASCII at all: one scan a segment instead of one a value.
  bool readsAsWritten(std::string_view raw) const {
    if (inPlainSegment(raw)) return true;
    return charset_ != CharacterSet::Latin1 && !needsUnescape(raw, message_.encoding()) && isUtf8(raw);
  }
  // Whether a header's values from MSH-3 on need decoding. One pass for the escape character
  // and bytes >= 0x80 settles nearly every header; only one that holds such a byte is tested
  // exactly (callgrind: -105 instructions a message).
  bool headerValuesNeedDecoding(std::string_view raw) const {
    if (!holdsEscapeOrNonAscii(raw, message_.encoding().escape)) return false;
    return needsUnescape(raw, message_.encoding()) || !isUtf8(raw);
  }
  // raw lies in the segment at() named, which needs no decoding at all. The test that settles
  // nearly every value read, so text() stays small enough to be inlined at every reader.
  bool inPlainSegment(std::string_view raw) const {
    const auto begin = reinterpret_cast<std::uintptr_t>(raw.data());
    return begin >= plain_begin_ && begin + raw.size() <= plain_end_;
  }
  // dateTime() of a value that is not one of the recent ones, which it then joins; out is
  // emptied first.
  void convertDateTime(const Element& e, int field, canonical::DateTime& out) const;
  // text() of a value outside such a segment: appended as written or decoded.
  void appendOutsidePlainSegment(std::string_view raw, std::string& out) const;
  // practitioner() of a value the memo does not answer for.
  void readPractitioner(const Element& xcn, canonical::Practitioner& out) const;
  // codeableConcept() of a value the memo does not answer for.
  void readConcept(const Element& cwe, canonical::CodeableConcept& out) const;
  // readConcept(), and what it read kept in memo when there is one.
  void readConceptAndKeep(const Element& cwe, CompositeMemo* memo,
                          canonical::CodeableConcept& out) const;
  // coding() of a value the memo does not answer for (or of none: out is emptied), and what it
  // read kept in memo when there is one.
  void readCodingAndKeep(const Element& cwe, CompositeMemo* memo, canonical::Coding& out) const;
  // The memo, when there is one and value is read as written (see composite_memo.h): in a
  // segment that needs no decoding, or, in one that does (an NTE whose comment holds escapes),
  // when the value itself holds no escape and is UTF-8; reading it then gives the same model
  // and no warning wherever it is (measured for NTE-4: -446 instructions a message).
  CompositeMemo* memoFor(const Element& value) const {
    if (memo_ == nullptr || !value.valued()) return nullptr;
    return inPlainSegment(value.raw()) ? memo_ : memoOutsidePlainSegment(value.raw());
  }
  // memoFor() of a value outside such a segment; out of line, as it is rare.
  CompositeMemo* memoOutsidePlainSegment(std::string_view raw) const;
  // assignSystem() of an authority outside a segment read as written.
  void assignDecodedSystem(const Element& authority, std::string& out) const;
  // XPN.2-3 / XCN.3-4 into HumanName::given.
  void givenNames(const Pieces& parts, int first_component, std::vector<std::string>& out) const;
  // Unescapes raw and widens it to UTF-8 from the message's character set, appending to out.
  void appendDecoded(std::string_view raw, std::string& out) const;

  // The system for a v2 coding system id (table 0396); nullptr when the table does not know it.
  // Inline up to the recent ids, which answer nearly every call: the look-up behind them is
  // out of line, so that a hit costs no call and no saving of registers.
  const canonical::CodeSystem* knownCodingSystem(std::string_view id) const {
    // An id of more than eight bytes is not told apart by its key alone: it skips the recent ones.
    const terminology::CodeKey key = terminology::codeKey(id);
    if (key.wholeCode()) {
      for (const RecentSystem& recent : recent_systems_) {
        if (recent.id == key) return recent.system;
      }
    }
    return lookUpCodingSystem(id, key);
  }
  // knownCodingSystem() of an id not among the recent ones, which it then joins.
  const canonical::CodeSystem* lookUpCodingSystem(std::string_view id,
                                                  const terminology::CodeKey& key) const;

  // A message names the same few coding systems on every result ("LN" in OBX-3, "UCUM" in
  // OBX-6): the ids looked up last (as keys: two integers compared instead of the characters)
  // and their answers, so a repeat costs a comparison instead of a hash look-up.
  struct RecentSystem {
    terminology::CodeKey id;
    const canonical::CodeSystem* system = nullptr;
  };
  mutable std::array<RecentSystem, 4> recent_systems_{};
  mutable std::size_t next_recent_ = 0;

  // A lab report gives most of its results the same collection and analysis times (OBX-14,
  // OBX-19, one after the other): the last two date elements converted, as written, and their
  // ISO text, so a repeat costs a comparison and a copy instead of a conversion. Only values
  // that converted are kept.
  struct RecentDateTime {
    // The bytes in the message, which outlives its reader, named rather than copied (measured
    // with the decoding's scratch string made only for a value that needs it: -192 instructions
    // a message); empty: nothing kept (a valued element is never empty).
    std::string_view raw;
    Element::Level level = Element::Level::Field;
    canonical::DateTime iso;
    // The bytes hold neither a component nor a repetition separator, so they convert to iso at
    // any level (a field is read as its first component): SPM-17.1 takes OBX-14's text.
    bool any_level = false;
  };
  // Text that is not UTF-8 was read as ISO 8859-1: warned once a message (noteWidened).
  void noteWidened(std::string_view raw) const;
  mutable bool widened_noted_ = false;
  mutable std::array<RecentDateTime, 2> recent_date_times_{};
  mutable std::size_t next_recent_date_time_ = 0;

  CompositeMemo* memo_ = nullptr;
  const Message& message_;
  CharacterSet charset_;
  std::vector<Error>& errors_;
  std::vector<Error>& warnings_;
  std::vector<canonical::Extension>& unparsed_;
  const Segment* segment_ = nullptr;
  int sequence_ = 0;
  // The bytes of the segment at() named when it needs no decoding (see at()); else empty.
  std::uintptr_t plain_begin_ = 0;
  std::uintptr_t plain_end_ = 0;
};

// Inline up to the memo's answer, which a result's OBX-3 nearly always gets: the call it saves
// was -208 instructions a message.
inline void DatatypeReader::codeableConcept(const Element& cwe,
                                            canonical::CodeableConcept& out) const {
  CompositeMemo* const memo = memoFor(cwe);
  if (memo != nullptr && memo->recall(cwe.raw(), cwe.level(), out)) return;
  readConceptAndKeep(cwe, memo, out);
}

// Inline up to the memo's answer, as codeableConcept() is: OBX-6 units nearly always get one.
// memoFor() answers nullptr for an element that is not valued, which readCodingAndKeep empties.
inline void DatatypeReader::coding(const Element& cwe, canonical::Coding& out) const {
  CompositeMemo* const memo = memoFor(cwe);
  if (memo != nullptr && memo->recall(cwe.raw(), cwe.level(), out)) return;
  readCodingAndKeep(cwe, memo, out);
}

}  // namespace ferry::hl7v2
