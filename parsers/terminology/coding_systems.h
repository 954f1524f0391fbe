// Names of code systems and identifier namespaces: v2 ids ("LN", "NPI") and FHIR URIs.
//
// A v2 CWE names its code system with a short id from table 0396 (CWE.3 "LN"); FHIR names it
// with a URI ("http://loinc.org"). Codecs translate every coding they touch, so the translation
// is one table lookup over static data (table 0396 rows of the concept maps).
#pragma once

#include <string_view>

namespace ferry::terminology {

// FHIR system URI for a v2 coding system id (table 0396: "LN" -> "http://loinc.org",
// "HL70163" -> "http://terminology.hl7.org/CodeSystem/v2-0163"). Returns the input itself when
// the id is not known (local systems such as "L" or "99LAB" stay as they are).
std::string_view codingSystemUri(std::string_view v2SystemId);

// The reverse of codingSystemUri(): "http://loinc.org" -> "LN"; the input itself when unknown.
std::string_view v2CodingSystemId(std::string_view uri);

// FHIR Identifier.system URI for a v2 assigning authority that has a well-known one
// ("NPI" -> "http://hl7.org/fhir/sid/us-npi", "USSSA" -> "http://hl7.org/fhir/sid/us-ssn");
// the input itself when unknown (most authorities are local facilities such as "CITYHOSP").
std::string_view identifierSystemUri(std::string_view assigningAuthority);

}  // namespace ferry::terminology
