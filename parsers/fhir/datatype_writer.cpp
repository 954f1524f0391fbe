#include "parsers/fhir/datatype_writer.h"

#include <charconv>

#include "parsers/fhir/primitives.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::fhir {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// Splits "date[Ttime[offset]]"; time and offset may be empty.
struct IsoParts {
  std::string_view date, time, offset;
};

IsoParts splitIso(std::string_view iso) {
  IsoParts p;
  const std::size_t t = iso.find('T');
  p.date = iso.substr(0, t);
  if (t == std::string_view::npos) return p;
  std::string_view rest = iso.substr(t + 1);
  p.offset = isoOffset(iso);
  p.time = rest.substr(0, rest.size() - p.offset.size());
  return p;
}

// "14" -> "14:00:00", "14:22" -> "14:22:00", "14:22:05.1" unchanged.
std::string padTime(std::string_view time) {
  std::string out(time);
  if (out.size() == 2) out += ":00";
  if (out.size() == 5) out += ":00";
  return out;
}

}  // namespace

std::string_view isoOffset(std::string_view iso) {
  const std::size_t t = iso.find('T');
  if (t == std::string_view::npos) return {};
  if (!iso.empty() && iso.back() == 'Z') return iso.substr(iso.size() - 1);
  const std::size_t sign = iso.find_last_of("+-");
  if (sign == std::string_view::npos || sign < t) return {};
  return iso.substr(sign);
}

bool looksLikeUri(std::string_view s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return s.find_first_of(" \t\r\n") == std::string_view::npos;
}

std::optional<std::string> fhirDateTime(std::string_view iso, std::string_view fallbackOffset,
                                        bool* timeDropped) {
  const IsoParts p = splitIso(iso);
  if (!isFhirDate(p.date)) return std::nullopt;
  if (p.time.empty()) return std::string(p.date);
  std::string_view offset = p.offset.empty() ? fallbackOffset : p.offset;
  if (offset.empty()) {
    if (timeDropped != nullptr) *timeDropped = true;
    return std::string(p.date);
  }
  std::string out = std::string(p.date) + "T" + padTime(p.time) + std::string(offset);
  if (!isFhirDateTime(out)) return std::nullopt;
  return out;
}

std::optional<std::string> fhirInstant(std::string_view iso, std::string_view fallbackOffset) {
  bool dropped = false;
  std::optional<std::string> dt = fhirDateTime(iso, fallbackOffset, &dropped);
  if (!dt || dropped || !isFhirInstant(*dt)) return std::nullopt;
  return dt;
}

std::optional<std::string> fhirDate(std::string_view iso) {
  const IsoParts p = splitIso(iso);
  if (!isFhirDate(p.date)) return std::nullopt;
  return std::string(p.date);
}

std::optional<std::string> fhirDecimal(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string out;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    if (text.front() == '-') out += '-';
    text.remove_prefix(1);
  }
  std::size_t digits = 0;
  while (digits < text.size() && isDigit(text[digits])) ++digits;
  std::string_view whole = text.substr(0, digits);
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  out += whole.empty() ? std::string_view("0") : whole;
  std::string_view rest = text.substr(digits);
  std::size_t frac = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (frac < rest.size() && isDigit(rest[frac])) ++frac;
    if (frac > 0) (out += '.') += rest.substr(0, frac);
    rest.remove_prefix(frac);
  }
  if (digits == 0 && frac == 0) return std::nullopt;
  out += rest;  // an exponent, or anything else: checked below
  if (out == "-0") out = "0";
  if (!isFhirDecimal(out)) return std::nullopt;
  // JSON readers hold numbers as doubles: one past their range (1e999, or four hundred digits)
  // is refused by them, Ferry's own reader included, and one too small for them (1e-999) is
  // read as 0. Such a value is not written as a number; the caller keeps it as text.
  double value = 0;
  const auto [end, error] = std::from_chars(out.data(), out.data() + out.size(), value);
  if (error != std::errc() || end != out.data() + out.size()) return std::nullopt;
  return out;
}

DatatypeWriter::DatatypeWriter(const canonical::Message& message, const WriteOptions& options,
                               std::vector<Issue>* issues)
    : issues_(issues) {
  fallback_offset_ = std::string(isoOffset(message.header.message_datetime));
  if (fallback_offset_.empty()) fallback_offset_ = options.default_offset;
}

void DatatypeWriter::note(Severity severity, std::string_view code, std::string text,
                          std::string path) const {
  if (issues_ != nullptr)
    issues_->push_back({severity, std::string(code), std::move(text), std::move(path), {}});
}

Node DatatypeWriter::coding(const canonical::Coding& c) const {
  Node n = Node::object();
  n.set("system", c.system).set("code", c.code).set("display", c.display);
  return n;
}

Node DatatypeWriter::codeableConcept(const canonical::CodeableConcept& cc) const {
  Node codings = Node::array();
  for (const canonical::Coding& c : cc.codings) codings.push(coding(c));
  Node n = Node::object();
  n.set("coding", std::move(codings)).set("text", cc.text);
  return n;
}

Node DatatypeWriter::codeableConcept(const canonical::Coding& c) const {
  return Node::object().set("coding", Node::array().push(coding(c)));
}

Node DatatypeWriter::identifier(const canonical::Identifier& id) const {
  Node n = Node::object();
  if (!id.type.empty()) {
    canonical::Coding type{std::string(terminology::kV2IdentifierType), id.type, ""};
    n.set("type", codeableConcept(type));
  }
  n.set("system", id.system).set("value", id.value);
  return n;
}

Node DatatypeWriter::humanName(const canonical::HumanName& name) const {
  Node given = Node::array();
  for (const std::string& g : name.given) {
    if (!g.empty()) given.push(Node::string(g));
  }
  Node n = Node::object();
  n.set("use", name.use).set("family", name.family).set("given", std::move(given));
  if (!name.prefix.empty()) n.set("prefix", Node::array().push(Node::string(name.prefix)));
  if (!name.suffix.empty()) n.set("suffix", Node::array().push(Node::string(name.suffix)));
  return n;
}

Node DatatypeWriter::address(const canonical::Address& a) const {
  Node lines = Node::array();
  for (const std::string& l : a.lines) {
    if (!l.empty()) lines.push(Node::string(l));
  }
  Node n = Node::object();
  n.set("use", a.use).set("line", std::move(lines)).set("city", a.city).set("state", a.state);
  n.set("postalCode", a.postal_code).set("country", a.country);
  return n;
}

Node DatatypeWriter::contactPoint(const canonical::ContactPoint& cp) const {
  Node n = Node::object();
  // cpt-2: a value needs a system; "other" when the source named none.
  n.set("system",
        cp.system.empty() && !cp.value.empty() ? std::string_view("other") : std::string_view(cp.system));
  n.set("value", cp.value).set("use", cp.use);
  return n;
}

Node DatatypeWriter::dateTime(std::string_view iso, const std::string& path) const {
  if (iso.empty()) return {};
  bool dropped = false;
  const std::optional<std::string> dt = fhirDateTime(iso, fallback_offset_, &dropped);
  if (!dt) {
    note(Severity::Warning, "value", "'" + std::string(iso) + "' is not a date/time and was not written",
         path);
    return {};
  }
  if (dropped) {
    note(Severity::Information, "informational",
         "'" + std::string(iso) + "' has no time zone and the message gives none: written as its date", path);
  }
  return Node::string(*dt);
}

Node DatatypeWriter::date(std::string_view iso, const std::string& path) const {
  if (iso.empty()) return {};
  const std::optional<std::string> d = fhirDate(iso);
  if (!d) {
    note(Severity::Warning, "value", "'" + std::string(iso) + "' is not a date and was not written", path);
    return {};
  }
  return Node::string(*d);
}

Node DatatypeWriter::instant(std::string_view iso, const std::string& path) const {
  if (iso.empty()) return {};
  const std::optional<std::string> i = fhirInstant(iso, fallback_offset_);
  if (!i) {
    note(Severity::Information, "informational",
         "'" + std::string(iso) + "' is not a full date and time with a time zone: the instant was left out",
         path);
    return {};
  }
  return Node::string(*i);
}

Node DatatypeWriter::decimal(std::string_view text, const std::string& path) const {
  if (text.empty()) return {};
  const std::optional<std::string> d = fhirDecimal(text);
  if (!d) {
    note(Severity::Warning, "value",
         "'" + std::string(text) + "' is not a decimal number and was not written", path);
    return {};
  }
  return Node::number(*d);
}

Node DatatypeWriter::money(std::string_view value, std::string_view currency, const std::string& path) const {
  Node amount = decimal(value, path + ".value");
  if (amount.empty()) return {};
  return Node::object().set("value", std::move(amount)).set("currency", currency);
}

}  // namespace ferry::fhir
