#pragma once
// Fills the canonical Message segment by segment, in message order. The order matters: an OBX
// belongs to the OBR before it, an NTE to the OBX or OBR before it, an RXR to the RXA before it.
// Unmodelled segments become extensions holding the segment as received.
//
// The lists of the Message (patient identifiers, names, addresses, phones, races and
// ethnicities; attending and admitting clinicians; orders, results, specimens and notes) are
// written over element by element (reused_list.h), so a Message normalized into again keeps
// their heap blocks; finish() trims what is left over. swapReusedLists() names them for
// normalize(), which starts everything else afresh.

#include <cstdint>
#include <optional>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/datatype_reader.h"
#include "parsers/hl7v2/reused_list.h"
#include "parsers/hl7v2/spares.h"

namespace ferry::hl7v2 {

class SegmentNormalizer {
 public:
  SegmentNormalizer(DatatypeReader& reader, canonical::Message& message, Spares& spares)
      : reader_(reader), out_(message), spares_(spares), identifiers_(message.patient.identifiers),
        names_(message.patient.names), races_(message.patient.race),
        addresses_(message.patient.addresses), telecom_(message.patient.telecom),
        ethnicities_(message.patient.ethnicity), attending_(message.encounter.attending),
        admitting_(message.encounter.admitting), orders_(message.orders),
        observations_(message.observations, spares.observations, Spares::kMaxObservations),
        specimens_(message.specimens),
        notes_(message.notes) {}

  void read(const Segment& segment);
  // Call once after the last segment: drops the elements a previous message left behind.
  void finish();

 private:
  using Handler = void (SegmentNormalizer::*)(const Segment&);
  struct Route {
    const char* id;
    Handler handler;
  };
  static const Route kRoutes[];

  // segment_normalizers.cpp
  void readPid(const Segment& s);
  // PID-2, PID-4, PID-19 and PID-20, after PID-3's identifiers.
  void readOtherPatientIdentifiers(const Segment& s);
  // Takes back the identifier handed out last when it is empty or one already read.
  void keepIfNew();
  void readPv1(const Segment& s);
  void readIn1(const Segment& s);
  // reporting_fields.cpp: fields of the lab and national-reporting flows that most feeds leave
  // empty, read out of line so that the hot readers stay as the compiler inlined them.
  // first: the message's first PID, which writes over the language of the message before.
  void readPidSupplement(const Segment& s, bool first);
  void readBirthOrder(const Element& order);
  void readMethodAndPerformers(const Segment& s, canonical::Observation& obs);
  // OBR-31 over reasons (emptied first); an absent element only empties them.
  void readReasonCodes(const Element& field, std::vector<canonical::CodeableConcept>& reasons);
  void readSpecimenTimes(const Segment& s, canonical::Specimen& specimen);
  // order_segments.cpp
  void readOrc(const Segment& s);
  void readObr(const Segment& s);
  void readObx(const Segment& s);
  void readNte(const Segment& s);
  void readSpm(const Segment& s);
  // immunization_segments.cpp
  void readRxa(const Segment& s);
  void readRxr(const Segment& s);
  void readIgnored(const Segment& s);
  void keepAsExtension(const Segment& s);

  // Starts the next order (ORC, or an OBR without one) / ends the current one.
  canonical::Order& openOrder();
  void closeOrder();
  void readObservationValue(const Element& values, canonical::Observation& obs);  // OBX-5

  DatatypeReader& reader_;
  canonical::Message& out_;
  Spares& spares_;
  ReusedList<canonical::Identifier> identifiers_;
  ReusedList<canonical::HumanName> names_;
  ReusedList<canonical::Coding> races_;
  ReusedList<canonical::Address> addresses_;
  ReusedList<canonical::ContactPoint> telecom_;
  ReusedList<canonical::Coding> ethnicities_;
  ReusedList<canonical::Practitioner> attending_;
  ReusedList<canonical::Practitioner> admitting_;
  ReusedList<canonical::Order> orders_;
  ReusedList<canonical::Observation> observations_;
  ReusedList<canonical::Specimen> specimens_;
  ReusedList<canonical::Note> notes_;
  // A PID / PV1 wrote over the account number and language / the encounter, which finish()
  // empties otherwise.
  bool patient_read_ = false;
  bool visit_read_ = false;
  std::optional<std::uint32_t> order_;        // index of the order later segments belong to
  bool order_has_obr_ = false;                // an ORC opened the order, an OBR completes it
  std::optional<std::uint32_t> observation_;  // index of the last OBX, for its NTEs
  // The current order's code (OBR-4) is still an earlier message's: no OBR completed it yet.
  bool order_code_stale_ = false;
};

// Swaps the lists SegmentNormalizer writes over element by element between two Messages.
void swapReusedLists(canonical::Message& a, canonical::Message& b);

}  // namespace ferry::hl7v2
