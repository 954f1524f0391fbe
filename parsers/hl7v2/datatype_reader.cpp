#include "parsers/hl7v2/datatype_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/reused_list.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/terminology/coding_systems.h"
#include "parsers/terminology/concept_map.h"
#include "parsers/terminology/datetime.h"

namespace ferry::hl7v2 {

namespace {

// FHIR code for a v2 code through one of the terminology tables (0200, 0190, 0201, 0202);
// empty when the table has no equivalent.
std::string_view mappedCode(std::string_view table, std::string_view v2) {
  if (v2.empty()) return {};
  const terminology::ConceptMapping* row = terminology::findFhir(table, v2);
  return row != nullptr ? row->fhir_code : std::string_view();
}

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

void DatatypeReader::coding(const Element& cwe, canonical::Coding& out) const {
  if (!cwe.valued()) {
    // A quarter of the results (coded and text ones) have no OBX-6 units: emptied without a
    // split of nothing (measured: -610 instructions a message).
    out.code.clear();
    out.display.clear();
    out.system.clear();
    return;
  }
  CompositeMemo* const memo = memoFor(cwe);
  if (memo != nullptr && memo->recall(cwe.raw(), cwe.level(), out)) return;
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

canonical::Identifier DatatypeReader::identifier(const Element& cx) const {
  canonical::Identifier id;
  identifier(cx, id);
  return id;
}

canonical::HumanName DatatypeReader::name(const Element& xpn, int first) const {
  canonical::HumanName n;
  name(xpn, first, n);
  return n;
}

canonical::Address DatatypeReader::address(const Element& xad) const {
  canonical::Address a;
  address(xad, a);
  return a;
}

canonical::Practitioner DatatypeReader::practitioner(const Element& xcn) const {
  canonical::Practitioner p;
  practitioner(xcn, p);
  return p;
}

void DatatypeReader::identifier(const Element& cx, canonical::Identifier& id) const {
  if (!cx.valued()) {
    id.value.clear();
    id.system.clear();
    id.type.clear();
    return;
  }
  const Pieces parts(cx);
  // Ids of a stream (MRN0400000, ACCT0055000) are mostly as long as the one at the same
  // position in the message before: copied over it in line.
  assignText(parts[1], id.value);
  // CX.4 is an HD: namespace id & universal id & type; the namespace names the authority. The
  // authority and the type are compared before they are written: an identifier written over
  // the one at the same position in the message before (a patient's MR, SS, AN) has them.
  assignSystem(subcomponentOne(parts[4]), id.system);
  assignText(parts[5], id.type);
}

void DatatypeReader::entityIdentifier(const Element& ei, canonical::Identifier& id) const {
  id.type.clear();
  if (!ei.valued()) {
    id.value.clear();
    id.system.clear();
    return;
  }
  const Pieces parts(ei);
  assignText(parts[1], id.value);  // as identifier() does
  assignSystem(parts[2], id.system);
}

void DatatypeReader::assignSystem(const Element& authority, std::string& out) const {
  if (!authority.valued()) {
    out.clear();
    return;
  }
  // Nearly always a value read as written, looked up without a scratch string.
  if (inPlainSegment(authority.raw())) {
    overwrite(out, terminology::identifierSystemUri(authority.raw()));
    return;
  }
  std::string scratch;
  overwrite(out, terminology::identifierSystemUri(decoded(authority, scratch)));
}

// Given and middle name (two components from c on) as the list of given names: each valued
// component is one entry, written over the entries the list already holds.
// The list is written over by hand rather than through a ReusedList, whose next() and finish()
// GCC leaves out of line here, for two names (measured: -210 instructions a message).
void DatatypeReader::givenNames(const Pieces& parts, int c, std::vector<std::string>& out) const {
  std::size_t written = 0;
  for (const int component : {c, c + 1}) {
    const Element name = parts[component];
    if (!name.valued()) continue;
    if (written == out.size()) out.emplace_back();
    assignText(name, out[written++]);  // over the name before, in line when as long
  }
  out.resize(written);
}

void DatatypeReader::name(const Element& xpn, int first, canonical::HumanName& n) const {
  n.family.clear();
  n.suffix.clear();
  n.prefix.clear();
  n.use.clear();
  if (!xpn.valued()) {
    n.given.clear();
    return;
  }
  const Pieces parts(xpn);
  // XPN: family (FN: surname & ...) ^ given ^ middle ^ suffix ^ prefix ^ degree ^ name type.
  text(subcomponentOne(parts[first]), n.family);
  givenNames(parts, first + 1, n.given);
  text(parts[first + 3], n.suffix);
  text(parts[first + 4], n.prefix);
  std::string scratch;
  overwrite(n.use, mappedCode("0200", decoded(parts[first + 6], scratch)));
}

void DatatypeReader::address(const Element& xad, canonical::Address& a) const {
  a.city.clear();
  a.state.clear();
  a.postal_code.clear();
  a.country.clear();
  a.use.clear();
  ReusedList<std::string> lines(a.lines);
  if (xad.valued()) {
    const Pieces parts(xad);
    for (const int c : {1, 2}) {
      std::string& line = lines.next();
      line.clear();
      text(subcomponentOne(parts[c]), line);
      if (line.empty()) lines.dropLast();
    }
    text(parts[3], a.city);
    text(parts[4], a.state);
    text(parts[5], a.postal_code);
    text(parts[6], a.country);
    std::string scratch;
    overwrite(a.use, mappedCode("0190", decoded(parts[7], scratch)));
  }
  lines.finish();
}

void DatatypeReader::contactPoint(const Element& xtn, canonical::ContactPoint& cp) const {
  cp.system.clear();
  cp.value.clear();
  cp.use.clear();
  if (!xtn.valued()) return;
  const Pieces parts(xtn);
  std::string use_scratch;
  std::string equipment_scratch;
  const std::string_view use = decoded(parts[2], use_scratch);
  const std::string_view equipment = decoded(parts[3], equipment_scratch);
  overwrite(cp.use, mappedCode("0201", use));
  overwrite(cp.system, mappedCode("0202", equipment));
  if (use == "NET" || equipment == "Internet" || equipment == "X.400") {
    overwrite(cp.system, "email");  // which table 0202 gave Internet and X.400 already
    text(parts[4], cp.value);
    return;
  }
  // XTN.1 is the formatted number of older versions; later ones split it into parts.
  text(parts[1], cp.value);
  if (cp.value.empty()) {
    // Views of the parts as written (decoded into a scratch only when they need it), in the
    // order text() would read them; "+1 (217) 555-0123 x42", appended piece by piece.
    std::string scratch[4];
    const std::string_view country = decoded(parts[5], scratch[0]);
    const std::string_view area = decoded(parts[6], scratch[1]);
    const std::string_view local = decoded(parts[7], scratch[2]);
    const std::string_view extension = decoded(parts[8], scratch[3]);
    if (!country.empty()) ((cp.value += '+') += country) += ' ';
    if (!area.empty()) ((cp.value += '(') += area) += ") ";
    // Seven digits are a North American local number, written 555-0123; anything else (it may
    // hold multi-byte UTF-8, which a dash after byte 3 would cut in two) is kept as it is.
    const bool seven_digits =
        local.size() == 7 && std::all_of(local.begin(), local.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (seven_digits) {
      (cp.value.append(local.substr(0, 3)) += '-').append(local.substr(3));
    } else {
      cp.value += local;
    }
    if (!extension.empty()) (cp.value += " x") += extension;
  }
  if (cp.system.empty() && !cp.value.empty()) cp.system = "phone";
}

void DatatypeReader::organization(const Element& xon, canonical::Organization& o) const {
  o.name.clear();
  o.identifier.value.clear();
  o.identifier.type.clear();
  if (!xon.valued()) {
    o.identifier.system.clear();
    return;
  }
  const Pieces parts(xon);
  // XON: name ^ type ^ id (before v2.5) ^ check digit ^ scheme ^ assigning authority ^ identifier
  // type ^ assigning facility ^ name representation ^ organization identifier (v2.5 on).
  text(parts[1], o.name);
  text(parts[10].valued() ? parts[10] : parts[3], o.identifier.value);
  assignSystem(subcomponentOne(parts[6]), o.identifier.system);
  text(parts[7], o.identifier.type);
}

void DatatypeReader::practitioner(const Element& xcn, canonical::Practitioner& p) const {
  CompositeMemo* const memo = memoFor(xcn);
  if (memo != nullptr && memo->recall(xcn.raw(), xcn.level(), p)) return;
  readPractitioner(xcn, p);
  if (memo != nullptr) memo->keep(xcn.raw(), xcn.level(), p);
}

void DatatypeReader::readPractitioner(const Element& xcn, canonical::Practitioner& p) const {
  // The name of an XCN has no use; the rest is written below or emptied here.
  canonical::HumanName& name = p.name;
  p.identifier.value.clear();
  p.identifier.type.clear();
  name.family.clear();
  name.suffix.clear();
  name.prefix.clear();
  name.use.clear();
  if (!xcn.valued()) {
    p.identifier.system.clear();
    name.given.clear();
    return;
  }
  const Pieces parts(xcn);
  // XCN: id ^ family ^ given ^ middle ^ suffix ^ prefix ^ degree ^ source ^ assigning authority.
  text(parts[1], p.identifier.value);
  assignSystem(subcomponentOne(parts[9]), p.identifier.system);
  text(parts[13], p.identifier.type);
  text(subcomponentOne(parts[2]), name.family);
  givenNames(parts, 3, name.given);
  text(parts[5], name.suffix);
  text(parts[6], name.prefix);
}

}  // namespace ferry::hl7v2
