// Concept map rows for the demographic "use" and "type" tables the HL7 v2 normalizer needs:
// 0063 relationship, 0190 address type, 0200 name type, 0201 telecommunication use, 0202
// telecommunication equipment type. Rows follow HL7's v2-to-FHIR concept maps where one is
// published (0201: PRN home, WPN work, PRS mobile); codes without a FHIR equivalent are left out.
#pragma once

#include "parsers/terminology/concept_map.h"

namespace ferry::terminology::tables {

inline constexpr std::string_view kSubscriberRelationship =
    "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
inline constexpr std::string_view kAddressUse = "http://hl7.org/fhir/address-use";
inline constexpr std::string_view kNameUse = "http://hl7.org/fhir/name-use";
inline constexpr std::string_view kContactPointUse = "http://hl7.org/fhir/contact-point-use";
inline constexpr std::string_view kContactPointSystem = "http://hl7.org/fhir/contact-point-system";

// v2 0063 Relationship (IN1-17) -> Coverage.relationship (subscriber-relationship).
inline constexpr ConceptMapping kRelationship[] = {
    {"0063", "SEL", kSubscriberRelationship, "self", "Self"},
    {"0063", "SPO", kSubscriberRelationship, "spouse", "Spouse"},
    {"0063", "DOM", kSubscriberRelationship, "common", "Common Law Spouse"},
    {"0063", "CHD", kSubscriberRelationship, "child", "Child"},
    {"0063", "FCH", kSubscriberRelationship, "child", "Child"},
    {"0063", "SCH", kSubscriberRelationship, "child", "Child"},
    {"0063", "PAR", kSubscriberRelationship, "parent", "Parent"},
    {"0063", "MTH", kSubscriberRelationship, "parent", "Parent"},
    {"0063", "FTH", kSubscriberRelationship, "parent", "Parent"},
    {"0063", "OTH", kSubscriberRelationship, "other", "Other"},
};

// v2 0190 Address Type (XAD.7) -> Address.use.
inline constexpr ConceptMapping kAddressType[] = {
    {"0190", "H", kAddressUse, "home", "Home"},
    {"0190", "B", kAddressUse, "work", "Work"},
    {"0190", "O", kAddressUse, "work", "Work"},
    {"0190", "C", kAddressUse, "temp", "Temporary"},
    {"0190", "BA", kAddressUse, "old", "Old / Incorrect"},
    {"0190", "BI", kAddressUse, "billing", "Billing"},
};

// v2 0200 Name Type (XPN.7) -> HumanName.use.
inline constexpr ConceptMapping kNameType[] = {
    {"0200", "L", kNameUse, "official", "Official"},
    {"0200", "D", kNameUse, "usual", "Usual"},
    {"0200", "M", kNameUse, "maiden", "Name changed for Marriage"},
    {"0200", "N", kNameUse, "nickname", "Nickname"},
    {"0200", "S", kNameUse, "anonymous", "Anonymous"},
    {"0200", "T", kNameUse, "temp", "Temp"},
};

// v2 0201 Telecommunication Use Code (XTN.2) -> ContactPoint.use.
inline constexpr ConceptMapping kTelecommunicationUse[] = {
    {"0201", "PRN", kContactPointUse, "home", "Home"},
    {"0201", "WPN", kContactPointUse, "work", "Work"},
    {"0201", "PRS", kContactPointUse, "mobile", "Mobile"},
};

// v2 0202 Telecommunication Equipment Type (XTN.3) -> ContactPoint.system.
inline constexpr ConceptMapping kTelecommunicationEquipment[] = {
    {"0202", "PH", kContactPointSystem, "phone", "Phone"},
    {"0202", "CP", kContactPointSystem, "phone", "Phone"},
    {"0202", "SAT", kContactPointSystem, "phone", "Phone"},
    {"0202", "FX", kContactPointSystem, "fax", "Fax"},
    {"0202", "BP", kContactPointSystem, "pager", "Pager"},
    {"0202", "Internet", kContactPointSystem, "email", "Email"},
    {"0202", "X.400", kContactPointSystem, "email", "Email"},
    {"0202", "MD", kContactPointSystem, "other", "Other"},
    {"0202", "TDD", kContactPointSystem, "other", "Other"},
    {"0202", "TTY", kContactPointSystem, "other", "Other"},
};

}  // namespace ferry::terminology::tables
