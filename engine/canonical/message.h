// The canonical Message: the one normalized form of every inbound message.
//
// Codecs (parsers/) turn HL7 v2, FHIR R4 and insurer XML into a Message and back; mapping rules,
// the router and the store see only this. It is plain data with no behaviour, depends on nothing
// but the standard library, and has a stable JSON form, "ferry.canonical/v1" (json_writer.h,
// json_reader.h, docs/canonical.md). Entries of the vectors refer to each other by index
// (Observation::order_index into orders), so the order of elements is meaningful.
#pragma once

#include <vector>

#include "engine/canonical/clinical.h"
#include "engine/canonical/datatypes.h"
#include "engine/canonical/encounter.h"
#include "engine/canonical/extension.h"
#include "engine/canonical/financial.h"
#include "engine/canonical/header.h"
#include "engine/canonical/immunization.h"
#include "engine/canonical/patient.h"

namespace ferry::canonical {

// One normalized message of any source format.
struct Message {
  Header header;
  Patient patient;
  Encounter encounter;
  std::vector<Order> orders;
  std::vector<Observation> observations;
  std::vector<Specimen> specimens;
  std::vector<Note> notes;
  std::vector<Immunization> immunizations;
  std::vector<Coverage> coverages;
  std::vector<Claim> claims;
  std::vector<ClaimResponse> claim_responses;
  std::vector<Extension> extensions;  // everything unmapped, e.g. Z-segments

  bool operator==(const Message&) const = default;
};

}  // namespace ferry::canonical
