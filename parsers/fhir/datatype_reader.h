// FHIR R4 JSON data types to canonical value types: the mirror of datatype_writer.h.
//
// Only what the writer writes back is taken (Coding system/code/display, Identifier
// type/system/value, HumanName use/family/given/first prefix and suffix...). Whatever else an
// element holds (Coding.version, Identifier.period, a second prefix) stays in the JSON and is kept
// by the fidelity diff as an extension, so nothing has to be listed here to be preserved.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/canonical/message.h"
#include "parsers/fhir/json_input.h"

namespace ferry::fhir {

class DatatypeReader {
 public:
  explicit DatatypeReader(const JsonInput& input) : in_(input) {}

  const JsonInput& input() const { return in_; }

  // The string value of member key of object (empty when absent or not a string).
  std::string text(const JsonValue* object, std::string_view key) const;
  std::string text(const JsonValue* value) const;
  // As text(), without a copy: for a Coding.system, which shares a well-known URI instead of
  // copying it (canonical::CodeSystem). Valid while the input is.
  std::string_view view(const JsonValue* object, std::string_view key) const;
  // The JSON text of a number member ("8.10"); empty when absent or not a number.
  std::string number(const JsonValue* object, std::string_view key) const;
  std::optional<double> numberValue(const JsonValue* object, std::string_view key) const;
  std::optional<std::uint32_t> positiveInt(const JsonValue* object, std::string_view key) const;

  canonical::Coding coding(const JsonValue* v) const;
  canonical::CodeableConcept codeableConcept(const JsonValue* v) const;
  // The first coding of a CodeableConcept (canonical fields that hold a single Coding).
  canonical::Coding firstCoding(const JsonValue* codeableConcept) const;
  canonical::Identifier identifier(const JsonValue* v) const;
  canonical::HumanName humanName(const JsonValue* v) const;
  canonical::Address address(const JsonValue* v) const;
  canonical::ContactPoint contactPoint(const JsonValue* v) const;

  // Resources the writer puts in "contained" or finds as Bundle entries.
  canonical::Practitioner practitioner(const JsonValue* resource) const;
  canonical::Organization organization(const JsonValue* resource) const;
  // Identifier and display of a logical Reference to an organization.
  canonical::Organization organizationReference(const JsonValue* reference) const;

  // Element i of array member key; nullptr when absent.
  static const JsonValue* at(const JsonValue* object, std::string_view key, rapidjson::SizeType i = 0);
  static const JsonValue* get(const JsonValue* object, std::string_view key);

 private:
  const JsonInput& in_;
};

// A Location resource as the canonical location (v2 PL): a Location with physicalType "bd" is
// the bed, "ro" the room, any other the point of care; its managingOrganization display is the
// facility. partOf references ("#id") are followed within container (the resource holding the
// Location in "contained"), so the writer's chain bed -> room -> point of care reads back whole.
canonical::Location readLocation(const DatatypeReader& dt, const JsonValue& location,
                                 const JsonValue* container);

// The contained resource of resource that reference ("#id") points at; nullptr when none.
const JsonValue* containedResource(const JsonValue& resource, std::string_view reference);

}  // namespace ferry::fhir
