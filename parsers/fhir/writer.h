// Writes the canonical Message as FHIR R4 JSON: a Bundle (transaction, batch, collection or
// message) with urn:uuid references between its entries, or one resource.
//
// A message that came from FHIR is written back the way it came: each resource in its entry,
// under its fullUrl, with the elements the canonical model does not hold put back from the
// message's extensions (fidelity.h, bundle_layout.h). Other messages (HL7 v2, XML) get one
// resource per canonical item: Patient, Encounter, ServiceRequest and/or DiagnosticReport per
// order, Specimen, Observation, Immunization, Coverage, Claim, ClaimResponse, plus a
// MessageHeader for a message Bundle. Required elements the canonical model has no value for get
// the documented fallbacks of resource_writer.h; dates follow the rule in datatype_writer.h.
// Extensions of other formats (v2 Z-segments) have no place in FHIR and are not written; an
// information issue says how many.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/datatype_writer.h"
#include "parsers/fhir/issue.h"
#include "parsers/fhir/resource_kind.h"

namespace ferry::fhir {

enum class BundleType { Transaction, Batch, Collection, Message };

std::string_view bundleTypeCode(BundleType type);

// The whole message as a Bundle (compact JSON). Problems (a value that could not be written)
// are appended to issues when given.
std::string writeBundle(const canonical::Message& message, BundleType type, const WriteOptions& options = {},
                        std::vector<Issue>* issues = nullptr);

// One resource: item kind and index as in ItemRef (orders for ServiceRequest and
// DiagnosticReport). References to the other items are by business identifier. Empty when the
// message has no such item.
std::string writeResource(const canonical::Message& message, ItemRef item, const WriteOptions& options = {},
                          std::vector<Issue>* issues = nullptr);

// An OperationOutcome for issues (declared in issue.h as well, for readers of this header).
std::string operationOutcomeJson(const std::vector<Issue>& issues);

}  // namespace ferry::fhir
