// Concept map rows for v2 table 0396 (coding system ids) -> FHIR code system URIs. Data only;
// used by coding_systems.h. The "FHIR code" of these rows is the URI itself, in the system
// urn:ietf:rfc:3986 (kUriSystem).
#pragma once

#include "parsers/terminology/concept_map.h"

namespace ferry::terminology::tables {

// Rows listed first win the way back from a URI (both "C4" and "CPT" name CPT; "C4" is 0396).
inline constexpr ConceptMapping kCodingSystems[] = {
    {"0396", "LN", kUriSystem, "http://loinc.org", "LOINC"},
    {"0396", "SCT", kUriSystem, "http://snomed.info/sct", "SNOMED CT"},
    {"0396", "UCUM", kUriSystem, "http://unitsofmeasure.org", "UCUM"},
    {"0396", "CVX", kUriSystem, "http://hl7.org/fhir/sid/cvx", "CDC vaccines administered (CVX)"},
    {"0396", "MVX", kUriSystem, "http://hl7.org/fhir/sid/mvx", "CDC vaccine manufacturers (MVX)"},
    {"0396", "I10", kUriSystem, "http://hl7.org/fhir/sid/icd-10", "ICD-10"},
    {"0396", "I10C", kUriSystem, "http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM"},
    {"0396", "I10P", kUriSystem, "http://www.cms.gov/Medicare/Coding/ICD10", "ICD-10-PCS"},
    {"0396", "I9C", kUriSystem, "http://hl7.org/fhir/sid/icd-9-cm", "ICD-9-CM"},
    {"0396", "NCIT", kUriSystem, "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "NCI Thesaurus"},
    {"0396", "NDC", kUriSystem, "http://hl7.org/fhir/sid/ndc", "National Drug Code"},
    {"0396", "RXNORM", kUriSystem, "http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"},
    {"0396", "C4", kUriSystem, "http://www.ama-assn.org/go/cpt", "CPT-4"},
    {"0396", "CPT", kUriSystem, "http://www.ama-assn.org/go/cpt", "CPT-4"},
    {"0396", "HCPCS", kUriSystem, "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "HCPCS"},
    {"0396", "CDCREC", kUriSystem, "urn:oid:2.16.840.1.113883.6.238", "CDC Race and Ethnicity"},
    {"0396", "NUCC", kUriSystem, "http://nucc.org/provider-taxonomy", "NUCC Provider Taxonomy"},
    {"0396", "HL70001", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0001", "HL7 table 0001"},
    {"0396", "HL70002", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0002", "HL7 table 0002"},
    {"0396", "HL70004", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0004", "HL7 table 0004"},
    {"0396", "HL70005", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0005", "HL7 table 0005"},
    {"0396", "HL70063", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0063", "HL7 table 0063"},
    {"0396", "HL70078", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0078", "HL7 table 0078"},
    {"0396", "HL70085", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0085", "HL7 table 0085"},
    {"0396", "HL70119", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0119", "HL7 table 0119"},
    {"0396", "HL70123", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0123", "HL7 table 0123"},
    {"0396", "HL70136", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0136", "HL7 table 0136"},
    {"0396", "HL70162", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0162", "HL7 table 0162"},
    {"0396", "HL70163", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0163", "HL7 table 0163"},
    {"0396", "HL70189", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0189", "HL7 table 0189"},
    {"0396", "HL70203", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0203", "HL7 table 0203"},
    {"0396", "HL70322", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0322", "HL7 table 0322"},
    {"0396", "HL70396", kUriSystem, "http://terminology.hl7.org/CodeSystem/v2-0396", "HL7 table 0396"},
};

}  // namespace ferry::terminology::tables
