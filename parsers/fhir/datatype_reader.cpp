#include "parsers/fhir/datatype_reader.h"

#include <charconv>

#include "parsers/terminology/concept_map.h"

namespace ferry::fhir {

const JsonValue* DatatypeReader::get(const JsonValue* object, std::string_view key) {
  return object == nullptr ? nullptr : member(*object, key);
}

const JsonValue* DatatypeReader::at(const JsonValue* object, std::string_view key, rapidjson::SizeType i) {
  const JsonValue* v = get(object, key);
  if (v == nullptr || !v->IsArray() || i >= v->Size()) return nullptr;
  return &(*v)[i];
}

std::string DatatypeReader::text(const JsonValue* value) const {
  return value == nullptr ? std::string() : std::string(in_.stringValue(*value));
}

std::string DatatypeReader::text(const JsonValue* object, std::string_view key) const {
  return text(get(object, key));
}

std::string_view DatatypeReader::view(const JsonValue* object, std::string_view key) const {
  const JsonValue* value = get(object, key);
  return value == nullptr ? std::string_view() : in_.stringValue(*value);
}

std::string DatatypeReader::number(const JsonValue* object, std::string_view key) const {
  const JsonValue* v = get(object, key);
  return v == nullptr ? std::string() : in_.numberText(*v);
}

std::optional<double> DatatypeReader::numberValue(const JsonValue* object, std::string_view key) const {
  const std::string t = number(object, key);
  double d = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
  return d;
}

std::optional<std::uint32_t> DatatypeReader::positiveInt(const JsonValue* object,
                                                         std::string_view key) const {
  const std::string t = number(object, key);
  std::uint32_t n = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
  return n;
}

canonical::Coding DatatypeReader::coding(const JsonValue* v) const {
  return {view(v, "system"), text(v, "code"), text(v, "display")};
}

canonical::CodeableConcept DatatypeReader::codeableConcept(const JsonValue* v) const {
  canonical::CodeableConcept cc;
  if (const JsonValue* codings = get(v, "coding"); codings != nullptr && codings->IsArray()) {
    for (const JsonValue& c : codings->GetArray()) cc.codings.push_back(coding(&c));
  }
  cc.text = text(v, "text");
  return cc;
}

canonical::Coding DatatypeReader::firstCoding(const JsonValue* cc) const {
  return coding(at(cc, "coding"));
}

canonical::Identifier DatatypeReader::identifier(const JsonValue* v) const {
  canonical::Identifier id;
  id.value = text(v, "value");
  id.system = text(v, "system");
  const canonical::Coding type = firstCoding(get(v, "type"));
  if (type.system == terminology::kV2IdentifierType) id.type = type.code;
  return id;
}

canonical::HumanName DatatypeReader::humanName(const JsonValue* v) const {
  canonical::HumanName n;
  n.use = text(v, "use");
  n.family = text(v, "family");
  if (const JsonValue* given = get(v, "given"); given != nullptr && given->IsArray()) {
    for (const JsonValue& g : given->GetArray()) n.given.push_back(text(&g));
  }
  n.prefix = text(at(v, "prefix"));
  n.suffix = text(at(v, "suffix"));
  return n;
}

canonical::Address DatatypeReader::address(const JsonValue* v) const {
  canonical::Address a;
  if (const JsonValue* lines = get(v, "line"); lines != nullptr && lines->IsArray()) {
    for (const JsonValue& l : lines->GetArray()) a.lines.push_back(text(&l));
  }
  a.city = text(v, "city");
  a.state = text(v, "state");
  a.postal_code = text(v, "postalCode");
  a.country = text(v, "country");
  a.use = text(v, "use");
  return a;
}

canonical::ContactPoint DatatypeReader::contactPoint(const JsonValue* v) const {
  return {text(v, "system"), text(v, "value"), text(v, "use")};
}

canonical::Practitioner DatatypeReader::practitioner(const JsonValue* resource) const {
  canonical::Practitioner p;
  p.identifier = identifier(at(resource, "identifier"));
  p.name = humanName(at(resource, "name"));
  return p;
}

canonical::Organization DatatypeReader::organization(const JsonValue* resource) const {
  canonical::Organization o;
  o.identifier = identifier(at(resource, "identifier"));
  o.name = text(resource, "name");
  o.address = address(at(resource, "address"));
  return o;
}

canonical::Organization DatatypeReader::organizationReference(const JsonValue* reference) const {
  canonical::Organization o;
  o.identifier = identifier(get(reference, "identifier"));
  o.name = text(reference, "display");
  return o;
}

canonical::Location readLocation(const DatatypeReader& dt, const JsonValue& location,
                                 const JsonValue* container) {
  canonical::Location out;
  const JsonValue* current = &location;
  for (int depth = 0; current != nullptr && depth < 8; ++depth) {
    const std::string physical = dt.firstCoding(DatatypeReader::get(current, "physicalType")).code;
    std::string& slot = physical == "bd" ? out.bed : physical == "ro" ? out.room : out.point_of_care;
    if (slot.empty()) slot = dt.text(current, "name");
    if (out.facility.empty())
      out.facility = dt.text(DatatypeReader::get(current, "managingOrganization"), "display");
    const std::string parent = dt.text(DatatypeReader::get(current, "partOf"), "reference");
    current = container != nullptr ? containedResource(*container, parent) : nullptr;
  }
  return out;
}

const JsonValue* containedResource(const JsonValue& resource, std::string_view reference) {
  if (reference.size() < 2 || reference[0] != '#') return nullptr;
  const JsonValue* contained = member(resource, "contained");
  if (contained == nullptr || !contained->IsArray()) return nullptr;
  for (const JsonValue& c : contained->GetArray()) {
    const JsonValue* id = member(c, "id");
    if (id != nullptr && id->IsString() &&
        std::string_view(id->GetString(), id->GetStringLength()) == reference.substr(1)) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace ferry::fhir
