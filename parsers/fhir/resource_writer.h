// Builds one FHIR R4 resource (as a Node tree) from one item of the canonical Message.
//
// The mapping is the mirror of the resource readers (resource_reader.h): every element a reader
// takes into the canonical model is written back from it in the same form, so that reading and
// writing again gives the same element. Where FHIR requires an element the canonical model has
// no value for, a documented fallback is written (Observation.status "unknown", ServiceRequest
// status "unknown" and intent "order", Encounter.status from its period, Coverage.status "active",
// Claim.use "claim", Claim.priority "normal"). Clinicians, organizations and locations are written
// as contained resources, or referenced when the message came with them as Bundle entries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/datatype_writer.h"
#include "parsers/fhir/json_node.h"
#include "parsers/fhir/resource_kind.h"

namespace ferry::fhir {

// How one resource refers to another: a Bundle writes {"reference": fullUrl}; a single resource
// refers by business identifier where one exists.
class ReferenceContext {
 public:
  virtual ~ReferenceContext() = default;
  // A Reference to a canonical item; a null Node when none can be made.
  virtual Node reference(ItemRef target) const = 0;
  // fullUrl of a Practitioner / Organization / Location Bundle entry that holds exactly this
  // value; empty when there is none (the writer then uses a contained resource).
  virtual std::string knownPractitioner(const canonical::Practitioner&) const { return {}; }
  virtual std::string knownOrganization(const canonical::Organization&) const { return {}; }
  virtual std::string knownLocation(const canonical::Location&) const { return {}; }
  // True while the reader compares: reference elements are compared later (fidelity.h), so the
  // writer need not work out lists of them (DiagnosticReport.result).
  virtual bool comparing() const { return false; }
};

// Which notes, results and specimens belong to which order or result, computed once for a
// message so that writing every resource of a large message stays linear.
struct WriterIndex {
  std::vector<std::vector<std::uint32_t>> notes_by_order;
  std::vector<std::vector<std::uint32_t>> notes_by_observation;
  std::vector<std::vector<std::uint32_t>> results_by_order;
  std::vector<std::vector<std::uint32_t>> specimens_by_order;
  std::size_t notes_seen = 0;

  static WriterIndex build(const canonical::Message& message);
  // Indexes the notes added since the last call (results and specimens are left alone).
  void addNotes(const canonical::Message& message);
};

// References by business identifier, for resources written one at a time.
class LogicalReferences : public ReferenceContext {
 public:
  explicit LogicalReferences(const canonical::Message& message) : message_(message) {}
  Node reference(ItemRef target) const override;

 private:
  const canonical::Message& message_;
};

class ResourceWriter {
 public:
  // index, when given, must describe message as it is; without one the writer scans.
  ResourceWriter(const canonical::Message& message, const ReferenceContext& references,
                 const WriteOptions& options, std::vector<Issue>* issues, const WriterIndex* index = nullptr);

  Node write(ItemRef item);

  // Which resources an order becomes. An order with a result status or a results time is a
  // report (DiagnosticReport); one with request facts (placer number, orderer, request time,
  // v2 order control or status), or without result facts, is a request (ServiceRequest).
  static bool writesServiceRequest(const canonical::Order& order);
  static bool writesDiagnosticReport(const canonical::Order& order);

  // The items this message gives resources for, in canonical order (MessageHeader not included).
  static std::vector<ItemRef> items(const canonical::Message& message);

 private:
  Node patient();
  Node encounter();
  Node messageHeader();
  Node serviceRequest(std::uint32_t i);
  Node diagnosticReport(std::uint32_t i);
  Node observation(std::uint32_t i);
  void observationValue(const canonical::Observation& o, Node& resource);
  void observationStructuredNumeric(const canonical::Observation& o, Node& resource);
  Node specimen(std::uint32_t i);
  Node immunization(std::uint32_t i);
  Node coverage(std::uint32_t i);
  Node claim(std::uint32_t i);
  Node claimResponse(std::uint32_t i);

  // Starts a resource; finish() puts the contained resources in after resourceType.
  Node begin(std::string_view resourceType);
  Node finish(Node resource);

  Node ref(ItemRef target) const { return references_.reference(target); }
  // Reference to the patient, or a display-only reference when the message has none but the
  // element is required.
  Node patientRef(bool required) const;
  Node encounterRef() const;
  Node orderRef(std::uint32_t order, bool report) const;
  Node practitionerRef(const canonical::Practitioner& p);
  Node organizationRef(const canonical::Organization& o, bool required);
  Node locationRef(const canonical::Location& l);
  Node relatedPersonRef(const canonical::HumanName& name);
  std::string containedId(std::string_view kind);
  Node quantity(std::string_view value, const canonical::Coding& unit, const std::string& path) const;
  Node notesFor(std::optional<std::uint32_t> order, std::optional<std::uint32_t> observation) const;
  Node resultRefs(std::uint32_t order) const;
  Node specimenRefs(std::uint32_t order) const;

  const canonical::Message& m_;
  const ReferenceContext& references_;
  const WriterIndex* index_;
  DatatypeWriter dt_;
  std::vector<Node> contained_;
  int contained_count_ = 0;
};

}  // namespace ferry::fhir
