// Insurance and billing: who pays, what was billed, what the payer answered.
//
// Serves the insurer flow: an encounter with its coverage (v2 IN1) or a FHIR Claim becomes the
// insurer's claim XML, and the insurer's acknowledgement or remittance comes back as a
// ClaimResponse linked to the claim by claim_id / submission_id. Money is decimal text ("125.00")
// so that no amount is ever rounded through a double; currency is an ISO 4217 code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/canonical/datatypes.h"

namespace ferry::canonical {

// An insurance policy of the patient (v2 IN1; FHIR Coverage).
struct Coverage {
  std::string plan_id;        // IN1-2 insurance plan id
  std::string plan_name;      // IN1-2 text or the profile's plan name
  Organization payer;         // IN1-3 company id, IN1-4 name, IN1-5 address
  std::string group_number;   // IN1-8
  std::string group_name;     // IN1-9
  std::string member_id;      // IN1-36 policy number / IN1-49 insured's id
  HumanName subscriber_name;  // IN1-16 name of insured
  // Relationship of the patient to the subscriber: FHIR subscriber-relationship ("self",
  // "spouse", "child"...) mapped from IN1-17 (table 0063).
  Coding relationship;
  DateTime period_start;  // IN1-12 plan effective date, ISO 8601
  DateTime period_end;    // IN1-13 plan expiration date, ISO 8601

  bool operator==(const Coverage&) const = default;
};

// One diagnosis on a claim (FHIR Claim.diagnosis; v2 DG1).
struct ClaimDiagnosis {
  std::optional<std::uint32_t> sequence;  // 1-based, referenced by claim lines
  CodeableConcept code;                   // usually ICD-10-CM

  bool operator==(const ClaimDiagnosis&) const = default;
};

// One service line of a claim (FHIR Claim.item; v2 FT1).
struct ClaimItem {
  std::optional<std::uint32_t> sequence;  // 1-based line number
  CodeableConcept code;                   // productOrService: CPT / HCPCS
  std::string quantity;                   // decimal text
  std::string unit_price;                 // money, decimal text
  std::string net;                        // line charge (quantity x unit price), decimal text
  DateTime service_date;                  // ISO 8601

  bool operator==(const ClaimItem&) const = default;
};

// A bill sent to a payer (FHIR Claim; insurer claim XML; v2 DFT charges).
struct Claim {
  std::string claim_id;       // the provider's claim number
  std::string submission_id;  // id of the submission (batch, interchange) that carried it
  // FHIR fm-status: "active", "cancelled", "draft", "entered-in-error".
  std::string status;
  Coding type;                // claim-type: "institutional", "professional", "pharmacy"...
  std::string created;        // ISO 8601
  std::string service_start;  // billable period start, ISO 8601
  std::string service_end;    // billable period end, ISO 8601
  Organization provider;      // billing provider (organization or clinician), e.g. NPI
  Organization payer;
  Identifier member;  // the patient's member id with the payer
  std::vector<ClaimDiagnosis> diagnoses;
  std::vector<ClaimItem> items;
  std::string total;     // sum of line charges, decimal text
  std::string currency;  // ISO 4217, e.g. "USD"

  bool operator==(const Claim&) const = default;
};

// One adjustment of a payer (X12 CAS style: group code, reason code, amount).
struct Adjustment {
  std::string group_code;   // "CO", "PR", "OA", "PI"
  std::string reason_code;  // claim adjustment reason code, e.g. "45"
  std::string amount;       // money, decimal text

  bool operator==(const Adjustment&) const = default;
};

// The payer's answer for one claim line (FHIR ClaimResponse.item).
struct ClaimResponseItem {
  std::optional<std::uint32_t> item_sequence;  // ClaimItem::sequence it answers
  std::string allowed;                         // money, decimal text
  std::string paid;                            // money, decimal text
  std::string patient_share;                   // money, decimal text
  std::vector<Adjustment> adjustments;

  bool operator==(const ClaimResponseItem&) const = default;
};

// A payer's acknowledgement or remittance for a claim (FHIR ClaimResponse; insurer response
// XML). claim_id and submission_id link it to the Claim it answers.
struct ClaimResponse {
  std::string response_id;
  std::string claim_id;       // Claim::claim_id answered
  std::string submission_id;  // Claim::submission_id answered
  std::string status;         // FHIR fm-status
  // FHIR remittance-outcome: "queued", "complete", "error", "partial".
  std::string outcome;
  std::string disposition;  // the payer's text
  std::string created;      // ISO 8601
  Organization payer;
  std::vector<ClaimResponseItem> items;
  std::vector<Adjustment> adjustments;  // claim-level adjustments
  std::string total_submitted;          // money, decimal text
  std::string total_allowed;
  std::string total_paid;
  std::string total_patient_share;
  DateTime payment_date;          // ISO 8601
  std::string payment_reference;  // check or EFT trace number
  std::string currency;           // ISO 4217

  bool operator==(const ClaimResponse&) const = default;
};

}  // namespace ferry::canonical
