#include "parsers/hl7v2/datatype_reader.h"

#include <cstdint>
#include <cstring>
#include <span>

#include "parsers/hl7v2/escape.h"
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

// Coding system ids are a few bytes: an inline loop beats a memcmp call.
bool sameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

void DatatypeReader::appendDecoded(std::string_view raw, std::string& out) const {
  if (charset_ == CharacterSet::Latin1) {
    appendUtf8(unescape(raw, message_.encoding()), charset_, out);
  } else {
    appendUnescaped(raw, message_.encoding(), out);
  }
}

const canonical::CodeSystem* DatatypeReader::knownCodingSystem(std::string_view id) const {
  for (const RecentSystem& recent : recent_systems_) {
    if (sameBytes(recent.id, id)) return recent.system;
  }
  const canonical::CodeSystem* system = codingSystems().find(id);
  recent_systems_[next_recent_++ % recent_systems_.size()] = RecentSystem{id, system};
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
  ext.raw = std::string(e.raw());
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

void DatatypeReader::dateTime(const Element& e, int field, canonical::DateTime& out) const {
  // Every text the conversion writes fits the DateTime itself: no allocation.
  static_assert(terminology::kMaxIsoDateTimeSize <= canonical::DateTime::kInlineCapacity);
  out.clear();
  if (!e.valued()) return;
  // The same bytes at the same level convert to the same text within one message (same
  // encoding characters, same character set): a repeat skips the split, the decoding and the
  // conversion.
  const std::string_view raw = e.raw();
  for (const RecentDateTime& recent : recent_date_times_) {
    if (recent.level == e.level() && raw == std::string_view(recent.raw, recent.raw_size)) {
      out = recent.iso;
      return;
    }
  }
  const Element value = e.level() == Element::Level::Field ? e.component(1) : e;
  if (!value.valued() || value.isNull()) return;
  std::string scratch;
  char iso[terminology::kMaxIsoDateTimeSize];
  const std::size_t size = terminology::writeHl7DateTimeAsIso(decoded(value, scratch), iso);
  if (size == 0) {
    recordUnreadable(field, value, "expected a date/time as YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]");
    return;
  }
  out.assign(std::string_view(iso, size));
  if (raw.size() <= RecentDateTime::kMaxRawSize) {
    RecentDateTime& recent = recent_date_times_[next_recent_date_time_++ % recent_date_times_.size()];
    std::memcpy(recent.raw, raw.data(), raw.size());
    recent.raw_size = raw.size();
    recent.level = e.level();
    recent.iso = out;
  }
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
  c.system.clear();
  text(cwe[first], c.code);
  text(cwe[first + 1], c.display);
  const Element system = cwe[first + 2];
  if (system.valued()) {
    // Coding system ids are plain ASCII table values: no decoding needed to look them up.
    if (const canonical::CodeSystem* known = knownCodingSystem(system.raw())) {
      c.system = *known;
    } else {
      c.system = text(system);  // a local id ("L", "99LAB"): as sent, decoded
    }
  }
}

canonical::CodeableConcept DatatypeReader::codeableConcept(const Element& cwe) const {
  canonical::CodeableConcept cc;
  codeableConcept(cwe, cc);
  return cc;
}

void DatatypeReader::codeableConcept(const Element& cwe, canonical::CodeableConcept& cc) const {
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
  if (!cx.valued()) return id;
  const Pieces parts(cx);
  text(parts[1], id.value);
  // CX.4 is an HD: namespace id & universal id & type; the namespace names the authority.
  assignSystem(parts[4].subcomponent(1), id.system);
  text(parts[5], id.type);
  return id;
}

canonical::Identifier DatatypeReader::entityIdentifier(const Element& ei) const {
  canonical::Identifier id;
  if (!ei.valued()) return id;
  const Pieces parts(ei);
  text(parts[1], id.value);
  assignSystem(parts[2], id.system);
  return id;
}

void DatatypeReader::assignSystem(const Element& authority, std::string& out) const {
  if (!authority.valued()) return;
  std::string scratch;
  out.assign(terminology::identifierSystemUri(decoded(authority, scratch)));
}

canonical::HumanName DatatypeReader::name(const Element& xpn, int first) const {
  canonical::HumanName n;
  if (!xpn.valued()) return n;
  const Pieces parts(xpn);
  // XPN: family (FN: surname & ...) ^ given ^ middle ^ suffix ^ prefix ^ degree ^ name type.
  text(parts[first].subcomponent(1), n.family);
  // Given and middle name: one allocation for both.
  n.given.reserve(static_cast<std::size_t>(parts[first + 1].valued() + parts[first + 2].valued()));
  for (int c : {first + 1, first + 2}) {
    if (parts[c].valued()) n.given.push_back(text(parts[c]));
  }
  text(parts[first + 3], n.suffix);
  text(parts[first + 4], n.prefix);
  std::string scratch;
  n.use.assign(mappedCode("0200", decoded(parts[first + 6], scratch)));
  return n;
}

canonical::Address DatatypeReader::address(const Element& xad) const {
  canonical::Address a;
  if (!xad.valued()) return a;
  const Pieces parts(xad);
  for (int c : {1, 2}) {
    std::string line = text(parts[c].subcomponent(1));
    if (!line.empty()) a.lines.push_back(std::move(line));
  }
  text(parts[3], a.city);
  text(parts[4], a.state);
  text(parts[5], a.postal_code);
  text(parts[6], a.country);
  std::string scratch;
  a.use.assign(mappedCode("0190", decoded(parts[7], scratch)));
  return a;
}

canonical::ContactPoint DatatypeReader::contactPoint(const Element& xtn) const {
  canonical::ContactPoint cp;
  if (!xtn.valued()) return cp;
  const Pieces parts(xtn);
  std::string use_scratch;
  std::string equipment_scratch;
  const std::string_view use = decoded(parts[2], use_scratch);
  const std::string_view equipment = decoded(parts[3], equipment_scratch);
  cp.use.assign(mappedCode("0201", use));
  cp.system.assign(mappedCode("0202", equipment));
  if (use == "NET" || equipment == "Internet" || equipment == "X.400") {
    cp.system = "email";
    text(parts[4], cp.value);
    return cp;
  }
  // XTN.1 is the formatted number of older versions; later ones split it into parts.
  text(parts[1], cp.value);
  if (cp.value.empty()) {
    const std::string country = text(parts[5]);
    const std::string area = text(parts[6]);
    const std::string local = text(parts[7]);
    const std::string extension = text(parts[8]);
    // "+1 (217) 555-0123 x42", appended piece by piece (no temporaries).
    if (!country.empty()) ((cp.value += '+') += country) += ' ';
    if (!area.empty()) ((cp.value += '(') += area) += ") ";
    if (local.size() == 7) {
      (cp.value.append(local, 0, 3) += '-').append(local, 3);
    } else {
      cp.value += local;
    }
    if (!extension.empty()) (cp.value += " x") += extension;
  }
  if (cp.system.empty() && !cp.value.empty()) cp.system = "phone";
  return cp;
}

canonical::Practitioner DatatypeReader::practitioner(const Element& xcn) const {
  canonical::Practitioner p;
  if (!xcn.valued()) return p;
  const Pieces parts(xcn);
  // XCN: id ^ family ^ given ^ middle ^ suffix ^ prefix ^ degree ^ source ^ assigning authority.
  text(parts[1], p.identifier.value);
  assignSystem(parts[9].subcomponent(1), p.identifier.system);
  text(parts[13], p.identifier.type);
  text(parts[2].subcomponent(1), p.name.family);
  p.name.given.reserve(static_cast<std::size_t>(parts[3].valued() + parts[4].valued()));
  for (int c : {3, 4}) {
    if (parts[c].valued()) p.name.given.push_back(text(parts[c]));
  }
  text(parts[5], p.name.suffix);
  text(parts[6], p.name.prefix);
  return p;
}

}  // namespace ferry::hl7v2
