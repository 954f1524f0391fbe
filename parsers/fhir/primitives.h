// FHIR R4 primitive data types: which JSON kind carries each, and whether a value is well formed.
//
// The checks follow the regular expressions of the R4 specification (anchored, as the spec means
// them) plus what a regex cannot say: a date must exist in the calendar, an integer must fit in
// 32 bits. They are what the validator applies to every primitive Ferry reads or writes.
#pragma once

#include <string_view>

namespace ferry::fhir {

// How a primitive is written in JSON.
enum class JsonKind { String, Number, Boolean };

// The JSON kind of a FHIR primitive type ("decimal" -> Number, "boolean" -> Boolean, else String).
JsonKind jsonKindOf(std::string_view primitiveType);

// True when text is a valid value of the primitive type. For Number types text is the number as
// written in the JSON ("8.10"); Boolean values are checked by their JSON kind alone.
bool isValidPrimitive(std::string_view primitiveType, std::string_view text);

// What a valid value looks like, for error messages: "a date as YYYY, YYYY-MM or YYYY-MM-DD".
std::string_view primitiveExpectation(std::string_view primitiveType);

// The individual checks, for callers that know the type.
bool isFhirDate(std::string_view s);
bool isFhirDateTime(std::string_view s);
bool isFhirInstant(std::string_view s);
bool isFhirTime(std::string_view s);
bool isFhirDecimal(std::string_view s);
bool isFhirId(std::string_view s);
bool isFhirCode(std::string_view s);
bool isFhirUri(std::string_view s);

}  // namespace ferry::fhir
