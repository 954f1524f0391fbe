#include "parsers/hl7v2/datatype_writer.h"

#include <algorithm>
#include <utility>

#include "parsers/hl7v2/escape.h"
#include "parsers/terminology/coding_systems.h"
#include "parsers/terminology/concept_map.h"
#include "parsers/terminology/datetime.h"

namespace ferry::hl7v2 {

namespace {

// The reverse of the well-known rows of terminology::identifierSystemUri. Where several
// authorities share a URI (SSA and USSSA), the one HL7 table 0363 recommends comes first.
struct AuthorityRow {
  std::string_view system;
  std::string_view authority;
};
constexpr AuthorityRow kAuthorities[] = {
    {"http://hl7.org/fhir/sid/us-npi", "NPI"},
    {"http://hl7.org/fhir/sid/us-ssn", "USSSA"},
};

// The v2 code of table for a FHIR code; empty when the table has no row for it.
std::string_view v2Code(std::string_view table, std::string_view fhirCode) {
  if (fhirCode.empty()) return {};
  const auto row = terminology::toV2(table, fhirCode);
  return row ? row->v2_code : std::string_view();
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// XTN.5-8 of a number.
struct PhoneParts {
  std::string_view country;
  std::string_view area;
  std::string local;
  std::string_view extension;
};

// The number as DatatypeReader::contactPoint formats XTN.5-8: "+1 (217) 555-0123 x12".
std::string formatPhone(const PhoneParts& p) {
  std::string out;
  if (!p.country.empty()) out.append("+").append(p.country).append(" ");
  if (!p.area.empty()) out.append("(").append(p.area).append(") ");
  if (p.local.size() == 7) {
    out.append(p.local, 0, 3).append("-").append(p.local, 3);
  } else {
    out.append(p.local);
  }
  if (!p.extension.empty()) out.append(" x").append(p.extension);
  return out;
}

// Splits a number written the way the reader formats XTN.5-8; nullopt for any other form, which
// then goes to XTN.1 as it is. Checking by formatting again makes the split exactly reversible.
std::optional<PhoneParts> splitPhone(std::string_view value) {
  PhoneParts p;
  std::string_view rest = value;
  if (!rest.empty() && rest.front() == '+') {
    const std::size_t space = rest.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    p.country = rest.substr(1, space - 1);
    rest.remove_prefix(space + 1);
  }
  if (!rest.empty() && rest.front() == '(') {
    const std::size_t close = rest.find(") ");
    if (close == std::string_view::npos) return std::nullopt;
    p.area = rest.substr(1, close - 1);
    rest.remove_prefix(close + 2);
  }
  if (const std::size_t x = rest.find(" x"); x != std::string_view::npos) {
    p.extension = rest.substr(x + 2);
    rest = rest.substr(0, x);
  }
  if (rest.size() == 8 && rest[3] == '-') {
    p.local.append(rest.substr(0, 3)).append(rest.substr(4));
  } else {
    p.local.assign(rest);
  }
  const bool numeric = allDigits(p.local) && (p.country.empty() || allDigits(p.country)) &&
                       (p.area.empty() || allDigits(p.area)) &&
                       (p.extension.empty() || allDigits(p.extension));
  if (!numeric || formatPhone(p) != value) return std::nullopt;
  return p;
}

}  // namespace

std::string joinPieces(std::initializer_list<std::string_view> pieces, char sep) {
  std::size_t used = 0;
  std::size_t n = 0;
  for (std::string_view piece : pieces) {
    ++n;
    if (!piece.empty()) used = n;
  }
  std::string out;
  n = 0;
  for (std::string_view piece : pieces) {
    if (++n > used) break;
    if (n > 1) out += sep;
    out.append(piece);
  }
  return out;
}

std::string_view assigningAuthority(std::string_view system) {
  for (const AuthorityRow& row : kAuthorities) {
    if (row.system == system) return row.authority;
  }
  return system;
}

std::string DatatypeWriter::text(std::string_view value) const { return escape(value, enc_); }

void DatatypeWriter::recordError(ErrorCode code, int field, std::string text) {
  if (error_) return;
  Error e;
  e.code = code;
  e.segment = segment_;
  e.segment_sequence = sequence_;
  e.field = field;
  e.text = std::move(text);
  error_ = std::move(e);
}

std::string DatatypeWriter::dateTime(std::string_view iso, int field, std::string_view what) {
  if (iso.empty()) return {};
  auto dtm = terminology::isoToHl7DateTime(iso);
  if (!dtm) {
    recordError(ErrorCode::DataType, field,
                std::string(what) + " '" + std::string(iso) +
                    "' is not an ISO 8601 date/time (YYYY[-MM[-DD[Thh[:mm[:ss]]]]] with an "
                    "optional Z or +hh:mm offset)");
    return {};
  }
  return std::move(*dtm);
}

std::string DatatypeWriter::coding(const canonical::Coding& c) const {
  return joinPieces({text(c.code), text(c.display), text(terminology::v2CodingSystemId(c.system))},
                    '^');
}

std::string DatatypeWriter::codeableConcept(const canonical::CodeableConcept& cc) const {
  // CWE (v2.5.1) has room for two codings; a third one has no component to go to.
  const canonical::Coding none;
  const canonical::Coding& primary = cc.codings.empty() ? none : cc.codings[0];
  const canonical::Coding& alternate = cc.codings.size() < 2 ? none : cc.codings[1];
  return joinPieces({text(primary.code), text(primary.display),
                     text(terminology::v2CodingSystemId(primary.system)), text(alternate.code),
                     text(alternate.display), text(terminology::v2CodingSystemId(alternate.system)),
                     "", "", text(cc.text)},
                    '^');
}

std::string DatatypeWriter::identifier(const canonical::Identifier& id) const {
  return joinPieces({text(id.value), "", "", text(assigningAuthority(id.system)), text(id.type)},
                    '^');
}

std::string DatatypeWriter::entityIdentifier(const canonical::Identifier& id, char sep) const {
  return joinPieces({text(id.value), text(assigningAuthority(id.system))}, sep);
}

std::string DatatypeWriter::name(const canonical::HumanName& n) const {
  // XPN.3 holds every given name after the first: v2 has one component for "further names".
  std::string further;
  for (std::size_t i = 1; i < n.given.size(); ++i) {
    if (i > 1) further += ' ';
    further += n.given[i];
  }
  return joinPieces({text(n.family), text(n.given.empty() ? std::string() : n.given[0]),
                     text(further), text(n.suffix), text(n.prefix), "",
                     v2Code("0200", n.use)},
                    '^');
}

std::string DatatypeWriter::address(const canonical::Address& a) const {
  // XAD has two street lines; further lines join the second one.
  std::string second;
  for (std::size_t i = 1; i < a.lines.size(); ++i) {
    if (i > 1) second += ", ";
    second += a.lines[i];
  }
  return joinPieces({text(a.lines.empty() ? std::string() : a.lines[0]), text(second), text(a.city),
                     text(a.state), text(a.postal_code), text(a.country), v2Code("0190", a.use)},
                    '^');
}

std::string DatatypeWriter::contactPoint(const canonical::ContactPoint& cp) const {
  if (cp.system == "email") {
    // XTN.2 NET with XTN.4 is how the reader knows an e-mail address.
    return joinPieces({"", "NET", "Internet", text(cp.value)}, '^');
  }
  const std::string_view use = v2Code("0201", cp.use);
  const std::string_view equipment = v2Code("0202", cp.system);
  if (const auto parts = splitPhone(cp.value)) {
    return joinPieces({"", use, equipment, "", parts->country, parts->area, parts->local,
                       parts->extension},
                      '^');
  }
  return joinPieces({text(cp.value), use, equipment}, '^');
}

std::string DatatypeWriter::organization(const canonical::Organization& o) const {
  return joinPieces({text(o.name), "", "", "", "", text(assigningAuthority(o.identifier.system)),
                     text(o.identifier.type), "", "", text(o.identifier.value)},
                    '^');
}

std::string DatatypeWriter::practitioner(const canonical::Practitioner& p) const {
  std::string further;
  for (std::size_t i = 1; i < p.name.given.size(); ++i) {
    if (i > 1) further += ' ';
    further += p.name.given[i];
  }
  const canonical::HumanName& n = p.name;
  // XCN: id ^ family ^ given ^ further ^ suffix ^ prefix ^ degree ^ source ^ authority ^ name type
  // ^ check digit ^ check digit scheme ^ identifier type.
  return joinPieces({text(p.identifier.value), text(n.family),
                     text(n.given.empty() ? std::string() : n.given[0]), text(further),
                     text(n.suffix), text(n.prefix), "", "",
                     text(assigningAuthority(p.identifier.system)), "", "", "",
                     text(p.identifier.type)},
                    '^');
}

}  // namespace ferry::hl7v2
