// DatatypeReader's readers of the data types that name people, places and how to reach them:
// identifiers (CX, EI), names (XPN), addresses (XAD), telecommunications (XTN), organizations
// (XON) and clinicians (XCN). They are compiled apart from the coded values and dates of
// datatype_reader.cpp, which every result reads: in one file GCC reached its limit on how much
// a file may grow by inlining sooner, and then left text() and the string appends it inlines
// out of line in both. The readers of a patient's identifiers, names and contact points are
// flattened: GCC left givenNames(), writeTelephoneNumber() and the identifier's body out of line
// (measured: -86 instructions a message; on address() it cost 18 more).
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/hl7v2/code_table.h"
#include "parsers/hl7v2/datatype_reader.h"
#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/reused_list.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/hl7v2/short_pieces.h"
#include "parsers/terminology/coding_systems.h"

namespace ferry::hl7v2 {

namespace person_datatypes {

// out = a telephone number from XTN.5-8 (country code, area code, local number, extension):
// "+1 (217) 555-0123 x42". Seven digits are a North American local number, written 555-0123;
// anything else (it may hold multi-byte UTF-8, which a dash after byte 3 would cut in two) is
// kept as it is. Written over out in place, its size set once: a feed sends its numbers in one
// format, so out (the number at this position in the message before) mostly keeps its size.
void writeTelephoneNumber(std::string_view country, std::string_view area, std::string_view local,
                          std::string_view extension, std::string& out) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const bool seven_digits = local.size() == 7 && std::all_of(local.begin(), local.end(), digit);
  out.resize((country.empty() ? 0 : country.size() + 2) + (area.empty() ? 0 : area.size() + 3) +
             local.size() + (seven_digits ? 1 : 0) +
             (extension.empty() ? 0 : extension.size() + 2));
  char* at = out.data();
  const auto put = [&at](std::string_view piece) {
    if (piece.size() <= 16) {
      copyShort(piece.data(), piece.size(), at);
    } else {
      std::memcpy(at, piece.data(), piece.size());
    }
    at += piece.size();
  };
  if (!country.empty()) {
    *at++ = '+';
    put(country);
    *at++ = ' ';
  }
  if (!area.empty()) {
    *at++ = '(';
    put(area);
    put(") ");
  }
  if (seven_digits) {
    put(local.substr(0, 3));
    *at++ = '-';
    put(local.substr(3));
  } else {
    put(local);
  }
  if (!extension.empty()) {
    put(" x");
    put(extension);
  }
}

// CX.1, CX.4.1 and CX.5 of a CX split into parts (Pieces, or ShortPieces for a short one).
template <class Parts>
void readIdentifier(const DatatypeReader& reader, const Parts& parts, canonical::Identifier& id) {
  // Ids of a stream (MRN0400000, ACCT0055000) are mostly as long as the one at the same
  // position in the message before: copied over it in line.
  reader.assignText(parts[1], id.value);
  // CX.4 is an HD: namespace id & universal id & type; the namespace names the authority. The
  // authority and the type are compared before they are written: an identifier written over
  // the one at the same position in the message before (a patient's MR, SS, AN) has them.
  reader.assignSystem(subcomponentOne(parts[4]), id.system);
  reader.assignText(parts[5], id.type);
}

// EI.1 and EI.2 of an EI split into parts, as readIdentifier().
template <class Parts>
void readEntityIdentifier(const DatatypeReader& reader, const Parts& parts,
                          canonical::Identifier& id) {
  reader.assignText(parts[1], id.value);  // as readIdentifier() does
  reader.assignSystem(parts[2], id.system);
}

}  // namespace person_datatypes

using person_datatypes::readEntityIdentifier;
using person_datatypes::readIdentifier;
using person_datatypes::writeTelephoneNumber;

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

[[gnu::flatten]] void DatatypeReader::identifier(const Element& cx, canonical::Identifier& id) const {
  if (!cx.valued()) {
    id.value.clear();
    id.system.clear();
    id.type.clear();
    return;
  }
  // PID-18 and PV1-19 (measured with the EIs below: -211 instructions a message).
  if (ShortPieces::fits(cx)) {
    readIdentifier(*this, ShortPieces(cx), id);
  } else {
    readIdentifier(*this, Pieces(cx), id);
  }
}

[[gnu::flatten]] void DatatypeReader::identifier(const Pieces& parts,
                                                 canonical::Identifier& id) const {
  readIdentifier(*this, parts, id);
}

[[gnu::flatten]] void DatatypeReader::entityIdentifier(const Element& ei, canonical::Identifier& id) const {
  id.type.clear();
  if (!ei.valued()) {
    id.value.clear();
    id.system.clear();
    return;
  }
  // ORC-2, ORC-3, OBR-2 and OBR-3 ("ORD-700000^HOSPORD"; measured: -168 instructions a message).
  if (ShortPieces::fits(ei)) {
    readEntityIdentifier(*this, ShortPieces(ei), id);
  } else {
    readEntityIdentifier(*this, Pieces(ei), id);
  }
}

void DatatypeReader::assignDecodedSystem(const Element& authority, std::string& out) const {
  std::string scratch;
  overwrite(out, terminology::identifierSystemUri(decoded(authority, scratch)));
}

// Given and middle name (two components from c on) as the list of given names: each valued
// component is one entry, written over the entries the list already holds.
// The list is written over by hand rather than through a ReusedList, whose next() and finish()
// GCC leaves out of line here, for two names (measured: -210 instructions a message); its size
// is set once, which a name mostly leaves as it was (measured: -41 instructions a message).
void DatatypeReader::givenNames(const Pieces& parts, int c, std::vector<std::string>& out) const {
  const Element given = parts[c];
  const Element middle = parts[c + 1];
  const std::size_t count =
      static_cast<std::size_t>(given.valued()) + static_cast<std::size_t>(middle.valued());
  if (out.size() != count) out.resize(count);
  // Over the name before, in line when as long.
  if (given.valued()) assignText(given, out.front());
  if (middle.valued()) assignText(middle, out.back());
}

[[gnu::flatten]] void DatatypeReader::name(const Element& xpn, int first, canonical::HumanName& n) const {
  if (!xpn.valued()) {
    n.family.clear();
    n.given.clear();
    n.suffix.clear();
    n.prefix.clear();
    n.use.clear();
    return;
  }
  name(Pieces(xpn), first, n);
}

[[gnu::flatten]] void DatatypeReader::name(const Pieces& parts, int first,
                                           canonical::HumanName& n) const {
  n.family.clear();
  n.suffix.clear();
  n.prefix.clear();
  // XPN: family (FN: surname & ...) ^ given ^ middle ^ suffix ^ prefix ^ degree ^ name type.
  text(subcomponentOne(parts[first]), n.family);
  givenNames(parts, first + 1, n.given);
  text(parts[first + 3], n.suffix);
  text(parts[first + 4], n.prefix);
  // Compared with the use of the name before, which a stream mostly repeats ("official").
  std::string scratch;
  overwrite(n.use, kNameTypeTable.fhirCode(decoded(parts[first + 6], scratch)));
}

void DatatypeReader::address(const Element& xad, canonical::Address& a) const {
  if (!xad.valued()) {
    a.lines.clear();
    a.city.clear();
    a.state.clear();
    a.postal_code.clear();
    a.country.clear();
    a.use.clear();
    return;
  }
  address(Pieces(xad), a);
}

void DatatypeReader::address(const Pieces& parts, canonical::Address& a) const {
  a.city.clear();
  a.state.clear();
  a.postal_code.clear();
  a.country.clear();
  // The street lines (XAD.1.1, XAD.2.1) that read as some text, written over the lines before
  // by hand for the reason givenNames() gives.
  std::size_t lines = 0;
  for (const int c : {1, 2}) {
    const Element line = subcomponentOne(parts[c]);
    if (!line.valued()) continue;
    if (lines == a.lines.size()) a.lines.emplace_back();
    std::string& out = a.lines[lines];
    out.clear();
    text(line, out);
    if (!out.empty()) ++lines;
  }
  a.lines.resize(lines);
  text(parts[3], a.city);
  text(parts[4], a.state);
  text(parts[5], a.postal_code);
  text(parts[6], a.country);
  std::string scratch;
  overwrite(a.use, kAddressTypeTable.fhirCode(decoded(parts[7], scratch)));
}

[[gnu::flatten]] void DatatypeReader::contactPoint(const Element& xtn, std::string_view unmapped_use,
                                  canonical::ContactPoint& cp) const {
  if (!xtn.valued()) {
    cp.system.clear();
    cp.value.clear();
    overwrite(cp.use, unmapped_use);
    return;
  }
  contactPoint(Pieces(xtn), unmapped_use, cp);
}

[[gnu::flatten]] void DatatypeReader::contactPoint(const Pieces& parts,
                                                   std::string_view unmapped_use,
                                                   canonical::ContactPoint& cp) const {
  // Each member is written once, over the contact point at this position in the message before
  // (reused_list.h), whose use and system a stream mostly repeats: compared, not emptied and
  // written again (measured with writeTelephoneNumber: -266 instructions a message).
  std::string use_scratch;
  std::string equipment_scratch;
  const std::string_view use = decoded(parts[2], use_scratch);
  const std::string_view equipment = decoded(parts[3], equipment_scratch);
  const std::string_view mapped_use = kTelecommunicationUseTable.fhirCode(use);
  overwrite(cp.use, mapped_use.empty() ? unmapped_use : mapped_use);
  if (use == "NET" || equipment == "Internet" || equipment == "X.400") {
    overwrite(cp.system, "email");  // which table 0202 gives Internet and X.400 too
    assignText(parts[4], cp.value);
    return;
  }
  // XTN.1 is the formatted number of older versions; later ones split it into parts.
  std::string formatted_scratch;
  const std::string_view formatted = decoded(parts[1], formatted_scratch);
  if (!formatted.empty()) {
    overwrite(cp.value, formatted);
  } else {
    // Views of the parts as written (decoded into a scratch only when they need it), decoded in
    // order, so that a warning names the first part that is not UTF-8.
    std::string scratch[4];
    const std::string_view country = decoded(parts[5], scratch[0]);
    const std::string_view area = decoded(parts[6], scratch[1]);
    const std::string_view local = decoded(parts[7], scratch[2]);
    const std::string_view extension = decoded(parts[8], scratch[3]);
    writeTelephoneNumber(country, area, local, extension, cp.value);
  }
  std::string_view system = kTelecommunicationEquipmentTable.fhirCode(equipment);
  if (system.empty() && !cp.value.empty()) system = "phone";
  overwrite(cp.system, system);
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
