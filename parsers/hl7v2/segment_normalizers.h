#pragma once
// Fills the canonical Message segment by segment, in message order. The order matters: an OBX
// belongs to the OBR before it, an NTE to the OBX or OBR before it, an RXR to the RXA before it.
// Unmodelled segments become extensions holding the segment as received.
//
// Results and notes are written over the ones already in the Message (reused_list.h), so a
// Message normalized into again keeps their heap blocks; finish() trims what is left over.

#include <cstdint>
#include <optional>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/datatype_reader.h"
#include "parsers/hl7v2/reused_list.h"

namespace ferry::hl7v2 {

class SegmentNormalizer {
 public:
  SegmentNormalizer(DatatypeReader& reader, canonical::Message& message)
      : reader_(reader), out_(message), observations_(message.observations),
        notes_(message.notes) {}

  void read(const Segment& segment);
  // Call once after the last segment: drops results and notes a previous message left behind.
  void finish() {
    observations_.finish();
    notes_.finish();
  }

 private:
  using Handler = void (SegmentNormalizer::*)(const Segment&);
  struct Route {
    const char* id;
    Handler handler;
  };
  static const Route kRoutes[];

  // segment_normalizers.cpp
  void readPid(const Segment& s);
  void readPv1(const Segment& s);
  void readIn1(const Segment& s);
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

  canonical::Order& currentOrder();
  void readObservationValue(const Segment& s, canonical::Observation& obs);

  DatatypeReader& reader_;
  canonical::Message& out_;
  ReusedList<canonical::Observation> observations_;
  ReusedList<canonical::Note> notes_;
  std::optional<std::uint32_t> order_;        // index of the order later segments belong to
  bool order_has_obr_ = false;                // an ORC opened the order, an OBR completes it
  std::optional<std::uint32_t> observation_;  // index of the last OBX, for its NTEs
};

}  // namespace ferry::hl7v2
