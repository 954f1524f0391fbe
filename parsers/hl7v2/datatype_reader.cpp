#include "parsers/hl7v2/datatype_reader.h"

#include <cstdint>
#include <cstring>
#include <span>

#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/terminology/concept_map.h"
#include "parsers/terminology/datetime.h"

namespace ferry::hl7v2 {

namespace {

// Coding system ids of table 0396 ("LN", "UCUM", "SCT") and their canonical systems, built once.
// A coding copies its system from here: a well-known URI is then shared without hashing and
// comparing the URI again, which CodeSystem::assign does on every call.
class CodingSystems {
 public:
  CodingSystems() : rows_(terminology::conceptMap(kTable)) {
    systems_.reserve(rows_.size());
    for (const terminology::ConceptMapping& row : rows_) systems_.emplace_back(row.fhir_code);
  }

  // The system for a v2 coding system id, nullptr for an id the table does not know.
  const canonical::CodeSystem* find(std::string_view id) const {
    const terminology::ConceptMapping* row = terminology::findFhir(kTable, id);
    return row != nullptr ? &systems_[static_cast<std::size_t>(row - rows_.data())] : nullptr;
  }

 private:
  static constexpr std::string_view kTable = "0396";
  std::span<const terminology::ConceptMapping> rows_;
  std::vector<canonical::CodeSystem> systems_;
};

const CodingSystems& codingSystems() {
  static const CodingSystems systems;
  return systems;
}

}  // namespace

void DatatypeReader::appendDecoded(std::string_view raw, std::string& out) const {
  if (charset_ == CharacterSet::Latin1) {
    appendUtf8(unescape(raw, message_.encoding()), charset_, out);
    return;
  }
  const std::size_t from = out.size();
  appendUnescaped(raw, message_.encoding(), out);
  // Bytes that are not UTF-8 (Latin-1 text without MSH-18, a \XFF\ escape) are widened.
  if (isUtf8(std::string_view(out).substr(from))) return;
  noteWidened(raw);
  const std::string decoded = out.substr(from);
  out.resize(from);
  appendUtf8(decoded, charset_, out);
}

// Once a message: the analyst should learn that its sender's character set is not the declared
// one (or that MSH-18 is missing), since a guess of ISO 8859-1 can be wrong (e.g. Windows-1252).
void DatatypeReader::noteWidened(std::string_view raw) const {
  if (widened_noted_) return;
  widened_noted_ = true;
  Error warning;
  warning.code = ErrorCode::DataType;
  if (segment_ != nullptr) warning.segment = std::string(segment_->id());
  warning.segment_sequence = sequence_;
  const std::string_view bytes = message_.bytes();
  if (raw.data() >= bytes.data() && raw.data() <= bytes.data() + bytes.size()) {
    warning.offset = static_cast<std::uint64_t>(raw.data() - bytes.data());
  }
  warning.text = "text that is not UTF-8 was read as ISO 8859-1; declare the character set in MSH-18 "
                 "(8859/1) or send UTF-8";
  warnings_.push_back(std::move(warning));
}

void DatatypeReader::appendOutsidePlainSegment(std::string_view raw, std::string& out) const {
  if (readsAsWritten(raw)) {
    out.append(raw);
  } else {
    appendDecoded(raw, out);
  }
}

CompositeMemo* DatatypeReader::memoOutsidePlainSegment(std::string_view raw) const {
  return readsAsWritten(raw) ? memo_ : nullptr;
}

const canonical::CodeSystem* DatatypeReader::lookUpCodingSystem(
    std::string_view id, const terminology::CodeKey& key) const {
  const canonical::CodeSystem* system = codingSystems().find(id);
  if (key.wholeCode()) {
    recent_systems_[next_recent_++ % recent_systems_.size()] = RecentSystem{key, system};
  }
  return system;
}

std::string DatatypeReader::text(const Element& e) const {
  std::string out;
  text(e, out);
  return out;
}

void DatatypeReader::recordUnreadable(int field, const Element& e, std::string text) const {
  recordError(ErrorCode::DataType, field, e, std::move(text));
  warnings_.push_back(std::move(errors_.back()));
  errors_.pop_back();
  canonical::Extension ext;
  ext.path = (segment_ != nullptr ? std::string(segment_->id()) : std::string("MSH")) + "-" +
             std::to_string(field);
  ext.format = "hl7v2";
  ext.raw = utf8(e.raw());
  unparsed_.push_back(std::move(ext));
}

void DatatypeReader::recordError(ErrorCode code, int field, const Element& e,
                                 std::string text) const {
  Error error;
  error.code = code;
  if (segment_ != nullptr) error.segment = std::string(segment_->id());
  error.segment_sequence = sequence_;
  error.field = field;
  error.offset = e.present() ? static_cast<std::uint64_t>(e.raw().data() - message_.bytes().data())
                             : 0;
  error.text = std::move(text);
  errors_.push_back(std::move(error));
}

canonical::DateTime DatatypeReader::dateTime(const Element& e, int field) const {
  canonical::DateTime iso;
  dateTime(e, field, iso);
  return iso;
}

void DatatypeReader::convertDateTime(const Element& e, int field, canonical::DateTime& out) const {
  // Every text the conversion writes fits the DateTime itself: no allocation.
  static_assert(terminology::kMaxIsoDateTimeSize <= canonical::DateTime::kInlineCapacity);
  out.clear();
  const std::string_view raw = e.raw();
  // A field is read as its first component, found here in one scan (component(1) cost twice
  // as much); the scan also tells whether the text is the same at every level (measured with
  // the recent dates kept for any level: -506 instructions a message).
  const EncodingCharacters* const enc = e.encoding();
  const char* const end = raw.data() + raw.size();
  const char* const stop =
      enc != nullptr ? findEither(raw.data(), end, enc->component, enc->repetition) : raw.data();
  const Element value =
      e.level() == Element::Level::Field
          ? Element(std::string_view(raw.data(), static_cast<std::size_t>(stop - raw.data())), enc,
                    Element::Level::Component)
          : e;
  if (!value.valued() || value.isNull()) return;
  char iso[terminology::kMaxIsoDateTimeSize];
  std::size_t size = 0;
  if (readsAsWritten(value.raw())) {
    size = terminology::writeHl7DateTimeAsIso(value.raw(), iso);
  } else {
    std::string decoded;
    appendDecoded(value.raw(), decoded);
    size = terminology::writeHl7DateTimeAsIso(decoded, iso);
  }
  if (size == 0) {
    recordUnreadable(field, value, "expected a date/time as YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]");
    return;
  }
  out.assign(std::string_view(iso, size));
  RecentDateTime& recent = recent_date_times_[next_recent_date_time_++ % recent_date_times_.size()];
  recent.raw = raw;
  recent.level = e.level();
  recent.iso = out;
  recent.any_level = stop == end;
}

canonical::Coding DatatypeReader::coding(const Element& cwe, int first) const {
  return coding(Pieces(cwe), first);
}

canonical::Coding DatatypeReader::coding(const Pieces& cwe, int first) const {
  canonical::Coding c;
  coding(cwe, first, c);
  return c;
}

void DatatypeReader::coding(const Pieces& cwe, int first, canonical::Coding& c) const {
  c.code.clear();
  c.display.clear();
  text(cwe[first], c.code);
  text(cwe[first + 1], c.display);
  const Element system = cwe[first + 2];
  if (!system.valued()) {
    c.system.clear();
  } else if (const canonical::CodeSystem* known = knownCodingSystem(system.raw())) {
    // Coding system ids are plain ASCII table values: no decoding needed to look them up. A
    // coding written over one that already shares this system (reused_list.h) keeps it.
    if (&c.system.str() != &known->str()) c.system = *known;
  } else {
    c.system = text(system);  // a local id ("L", "99LAB"): as sent, decoded
  }
}

canonical::CodeableConcept DatatypeReader::codeableConcept(const Element& cwe) const {
  canonical::CodeableConcept cc;
  codeableConcept(cwe, cc);
  return cc;
}

void DatatypeReader::readCodingAndKeep(const Element& cwe, CompositeMemo* memo,
                                       canonical::Coding& out) const {
  if (!cwe.valued()) {
    // A quarter of the results (coded and text ones) have no OBX-6 units: emptied without a
    // split of nothing (measured: -610 instructions a message).
    out.code.clear();
    out.display.clear();
    out.system.clear();
    return;
  }
  coding(Pieces(cwe), 1, out);
  if (memo != nullptr) memo->keep(cwe.raw(), cwe.level(), out);
}

void DatatypeReader::readConceptAndKeep(const Element& cwe, CompositeMemo* memo,
                                        canonical::CodeableConcept& cc) const {
  readConcept(cwe, cc);
  if (memo != nullptr) memo->keep(cwe.raw(), cwe.level(), cc);
}

void DatatypeReader::readConcept(const Element& cwe, canonical::CodeableConcept& cc) const {
  cc.text.clear();
  if (!cwe.valued()) {
    cc.codings.clear();
    return;
  }
  const Pieces parts(cwe);
  // CWE.1-3 is the primary coding, CWE.4-6 the alternate; CWE.9 the original text. The vector
  // is allocated once with room for both: a local code alone is the case where a mapping most
  // often appends the standard one (local lab code -> LOINC), which then needs no reallocation.
  // Codings already there (cc reused from an earlier message) are written over, keeping their
  // strings' heap blocks.
  const bool primary = parts[1].valued() || parts[2].valued();
  const bool alternate = parts[4].valued() || parts[5].valued();
  if ((primary || alternate) && cc.codings.capacity() < 2) cc.codings.reserve(2);
  cc.codings.resize(static_cast<std::size_t>(primary) + static_cast<std::size_t>(alternate));
  if (primary) coding(parts, 1, cc.codings.front());
  if (alternate) coding(parts, 4, cc.codings.back());
  text(parts[9], cc.text);
}

}  // namespace ferry::hl7v2
