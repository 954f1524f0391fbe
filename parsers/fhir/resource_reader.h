// Reads one FHIR R4 resource into the canonical Message: the mirror of resource_writer.h.
//
// References that point at contained resources are followed at once; references to other Bundle
// entries are returned as Links, which the Bundle reader resolves when all entries are in (a
// DiagnosticReport.result may name an Observation that comes later). Nothing here decides what
// is lost: the fidelity diff (fidelity.h) keeps every element this reader does not take.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/datatype_reader.h"
#include "parsers/fhir/issue.h"
#include "parsers/fhir/resource_kind.h"

namespace ferry::fhir {

// What a reference to another entry means for the canonical model.
enum class LinkRole : std::uint8_t {
  Patient,             // subject, patient, beneficiary: the message's patient
  Encounter,           // the message's encounter
  ObservationBasedOn,  // Observation.basedOn -> ServiceRequest: the order of the result
  ReportResult,        // DiagnosticReport.result -> Observation: the order of the result
  ReportBasedOn,       // DiagnosticReport.basedOn -> ServiceRequest: one order, request and report
  OrderSpecimen,       // ServiceRequest/DiagnosticReport.specimen -> Specimen: its order
  SpecimenRequest,     // Specimen.request -> ServiceRequest: its order
  Practitioner,        // fills the clinician named by slot
  Organization,        // fills the organization named by slot
  Location,            // Encounter.location
  Subscriber,          // Coverage.subscriber -> RelatedPerson / Patient: the subscriber's name
  ClaimRequest,        // ClaimResponse.request -> Claim: the claim answered
};

// Which canonical field a Practitioner or Organization link fills.
enum LinkSlot : std::uint32_t {
  kSlotPerformer = 0,         // Observation / Immunization performer, ServiceRequest requester
  kSlotPayer = 0,             // Coverage / Claim / ClaimResponse payer
  kSlotProvider = 1,          // Claim provider
  kSlotMedicalDirector = 1,   // Observation performer after the performing Organization (OBX-25)
  kSlotAdmitting = 1u << 20,  // Encounter admitting[slot - kSlotAdmitting]; attending[slot] below it
};

struct Link {
  LinkRole role;
  ItemRef from;  // the item whose resource holds the reference
  std::uint32_t slot = 0;
  std::string reference;  // "urn:uuid:...", "Patient/123"
  std::string path;       // FHIRPath of the Reference element
};

class ResourceReader {
 public:
  ResourceReader(const JsonInput& input, canonical::Message& out, std::vector<Link>& links,
                 std::vector<Issue>& issues)
      : dt_(input), out_(out), links_(links), issues_(issues) {}

  // Reads a resource of a mapped type at path; the item it became, or nullopt when the message
  // already has one of a type it holds only once (a second Patient), which the caller keeps whole.
  std::optional<ItemRef> read(ResourceKind kind, const JsonValue& resource, const std::string& path);

  // The Bundle's own elements (identifier, timestamp) into the header.
  void bundleShell(const JsonValue& bundle);

  // The issues of an OperationOutcome as Issue values.
  std::vector<Issue> operationOutcome(const JsonValue& resource) const;

  const DatatypeReader& datatypes() const { return dt_; }

 private:
  void messageHeader(const JsonValue& r);
  void patient(const JsonValue& r);
  void encounter(const JsonValue& r, const std::string& path);
  std::uint32_t serviceRequest(const JsonValue& r, const std::string& path);
  std::uint32_t diagnosticReport(const JsonValue& r, const std::string& path);
  std::uint32_t observation(const JsonValue& r, const std::string& path);
  void observationValue(const JsonValue& r, canonical::Observation& o);
  void performers(const JsonValue& r, std::uint32_t index, const std::string& path);
  std::uint32_t specimen(const JsonValue& r, const std::string& path);
  std::uint32_t immunization(const JsonValue& r, const std::string& path);
  std::uint32_t coverage(const JsonValue& r, const std::string& path);
  std::uint32_t claim(const JsonValue& r, const std::string& path);
  std::uint32_t claimResponse(const JsonValue& r, const std::string& path);

  // Records a Link for a Reference element when it names another resource.
  void link(LinkRole role, ItemRef from, const JsonValue* reference, const std::string& path,
            std::uint32_t slot = 0);
  void links(LinkRole role, ItemRef from, const JsonValue& resource, std::string_view element,
             const std::string& path);
  // A clinician: contained resources are read at once, others linked.
  canonical::Practitioner practitioner(const JsonValue& resource, const JsonValue* reference, ItemRef from,
                                       std::uint32_t slot, const std::string& path);
  canonical::Organization organization(const JsonValue& resource, const JsonValue* reference, ItemRef from,
                                       std::uint32_t slot, const std::string& path);
  // A Claim's or ClaimResponse's patient given by identifier only becomes the message's patient.
  void logicalPatient(const JsonValue* reference);

  DatatypeReader dt_;
  canonical::Message& out_;
  bool patient_read_ = false;  // a Patient resource was read (not just a Claim's identifier)
  bool encounter_read_ = false;
  bool header_read_ = false;
  std::vector<Link>& links_;
  std::vector<Issue>& issues_;
};

}  // namespace ferry::fhir
