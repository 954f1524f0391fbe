#include "parsers/hl7v2/datatype_reader.h"

#include "parsers/hl7v2/escape.h"
#include "parsers/terminology/coding_systems.h"
#include "parsers/terminology/concept_map.h"
#include "parsers/terminology/datetime.h"

namespace ferry::hl7v2 {

namespace {

// FHIR code for a v2 code through one of the terminology tables (0200, 0190, 0201, 0202);
// empty when the table has no equivalent.
std::string mappedCode(std::string_view table, const std::string& v2) {
  if (v2.empty()) return {};
  const auto row = terminology::toFhir(table, v2);
  return row ? std::string(row->fhir_code) : std::string();
}

}  // namespace

void DatatypeReader::text(const Element& e, std::string& out) const {
  if (!e.valued()) return;
  const std::string_view raw = e.raw();
  if (charset_ != CharacterSet::Latin1 && !needsUnescape(raw, message_.encoding())) {
    out.append(raw);  // the common case: nothing to decode
    return;
  }
  if (charset_ == CharacterSet::Latin1) {
    appendUtf8(unescape(raw, message_.encoding()), charset_, out);
  } else {
    appendUnescaped(raw, message_.encoding(), out);
  }
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

std::string DatatypeReader::dateTime(const Element& e, int field) const {
  const Element value = e.level() == Element::Level::Field ? e.component(1) : e;
  if (!value.valued() || value.isNull()) return {};
  const std::string raw = text(value);
  auto iso = terminology::hl7DateTimeToIso(raw);
  if (!iso) {
    recordUnreadable(field, value, "expected a date/time as YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]");
    return {};
  }
  return std::move(*iso);
}

canonical::Coding DatatypeReader::coding(const Element& cwe, int first) const {
  canonical::Coding c;
  text(cwe.component(first), c.code);
  text(cwe.component(first + 1), c.display);
  const std::string system = text(cwe.component(first + 2));
  c.system = std::string(terminology::codingSystemUri(system));
  return c;
}

canonical::CodeableConcept DatatypeReader::codeableConcept(const Element& cwe) const {
  canonical::CodeableConcept cc;
  if (!cwe.valued()) return cc;
  // CWE.1-3 is the primary coding, CWE.4-6 the alternate; CWE.9 the original text.
  for (int first : {1, 4}) {
    canonical::Coding c = coding(cwe, first);
    if (!c.code.empty() || !c.display.empty()) cc.codings.push_back(std::move(c));
  }
  text(cwe.component(9), cc.text);
  return cc;
}

canonical::Identifier DatatypeReader::identifier(const Element& cx) const {
  canonical::Identifier id;
  text(cx.component(1), id.value);
  // CX.4 is an HD: namespace id & universal id & type; the namespace names the authority.
  const std::string authority = text(cx.component(4).subcomponent(1));
  id.system = std::string(terminology::identifierSystemUri(authority));
  text(cx.component(5), id.type);
  return id;
}

canonical::Identifier DatatypeReader::entityIdentifier(const Element& ei) const {
  canonical::Identifier id;
  text(ei.component(1), id.value);
  id.system = std::string(terminology::identifierSystemUri(text(ei.component(2))));
  return id;
}

canonical::HumanName DatatypeReader::name(const Element& xpn, int first) const {
  canonical::HumanName n;
  // XPN: family (FN: surname & ...) ^ given ^ middle ^ suffix ^ prefix ^ degree ^ name type.
  text(xpn.component(first).subcomponent(1), n.family);
  for (int c : {first + 1, first + 2}) {
    std::string given = text(xpn.component(c));
    if (!given.empty()) n.given.push_back(std::move(given));
  }
  text(xpn.component(first + 3), n.suffix);
  text(xpn.component(first + 4), n.prefix);
  n.use = mappedCode("0200", text(xpn.component(first + 6)));
  return n;
}

canonical::Address DatatypeReader::address(const Element& xad) const {
  canonical::Address a;
  for (int c : {1, 2}) {
    std::string line = text(xad.component(c).subcomponent(1));
    if (!line.empty()) a.lines.push_back(std::move(line));
  }
  text(xad.component(3), a.city);
  text(xad.component(4), a.state);
  text(xad.component(5), a.postal_code);
  text(xad.component(6), a.country);
  a.use = mappedCode("0190", text(xad.component(7)));
  return a;
}

canonical::ContactPoint DatatypeReader::contactPoint(const Element& xtn) const {
  canonical::ContactPoint cp;
  const std::string use = text(xtn.component(2));
  const std::string equipment = text(xtn.component(3));
  cp.use = mappedCode("0201", use);
  cp.system = mappedCode("0202", equipment);
  if (use == "NET" || equipment == "Internet" || equipment == "X.400") {
    cp.system = "email";
    text(xtn.component(4), cp.value);
    return cp;
  }
  // XTN.1 is the formatted number of older versions; later ones split it into parts.
  text(xtn.component(1), cp.value);
  if (cp.value.empty()) {
    const std::string country = text(xtn.component(5));
    const std::string area = text(xtn.component(6));
    const std::string local = text(xtn.component(7));
    const std::string extension = text(xtn.component(8));
    if (!country.empty()) cp.value += "+" + country + " ";
    if (!area.empty()) cp.value += "(" + area + ") ";
    if (local.size() == 7) {
      cp.value += local.substr(0, 3) + "-" + local.substr(3);
    } else {
      cp.value += local;
    }
    if (!extension.empty()) cp.value += " x" + extension;
  }
  if (cp.system.empty() && !cp.value.empty()) cp.system = "phone";
  return cp;
}

canonical::Practitioner DatatypeReader::practitioner(const Element& xcn) const {
  canonical::Practitioner p;
  // XCN: id ^ family ^ given ^ middle ^ suffix ^ prefix ^ degree ^ source ^ assigning authority.
  text(xcn.component(1), p.identifier.value);
  p.identifier.system =
      std::string(terminology::identifierSystemUri(text(xcn.component(9).subcomponent(1))));
  text(xcn.component(13), p.identifier.type);
  text(xcn.component(2).subcomponent(1), p.name.family);
  for (int c : {3, 4}) {
    std::string given = text(xcn.component(c));
    if (!given.empty()) p.name.given.push_back(std::move(given));
  }
  text(xcn.component(5), p.name.suffix);
  text(xcn.component(6), p.name.prefix);
  return p;
}

}  // namespace ferry::hl7v2
