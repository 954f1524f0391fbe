#pragma once
// Appends the segments of a canonical Message to an HL7 v2 message being written: the inverse of
// SegmentNormalizer, so that normalizing what it writes gives back the same canonical values.
// canonical_writer.cpp decides which segments a message type carries and in which order; the
// links between parts (Observation::order_index, Note::observation_index...) must have been
// checked to be in range before.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/datatype_writer.h"

namespace ferry::hl7v2 {

// One segment under construction: encoded fields by number. Trailing empty fields are not written.
class SegmentFields {
 public:
  explicit SegmentFields(std::string_view id) : id_(id) {}
  void set(int field, std::string encoded);
  // "ID|f1|f2...\r"
  void appendTo(std::string& out) const;

 private:
  std::string id_;
  std::vector<std::string> fields_;
};

// Joins encoded repetitions with '~', leaving out empty ones.
std::string joinRepetitions(const std::vector<std::string>& repetitions);

class SegmentWriter {
 public:
  SegmentWriter(const canonical::Message& message, DatatypeWriter& types, std::string& out);

  // segment_writer.cpp
  void writeEvn(std::string_view event, std::string_view recorded_dtm);
  void writePid();
  // ORU may leave the visit out; ADT requires PV1 and its patient class (PV1-2).
  void writePv1();
  void writeIn1(const canonical::Coverage& c, int set_id);

  // order_writer.cpp
  // ORC (when the order has an order control or status), OBR, the order's NTEs, each of its
  // observations with their NTEs, and its specimens (SPM).
  void writeOrderGroup(std::uint32_t order);
  // OBX, followed by the NTEs of that observation when the structure has room for them
  // (ORU_R01 has, ADT_A01 has not).
  void writeObservation(std::uint32_t index, int set_id, bool with_notes = true);
  // The notes that belong to neither an order nor an observation.
  void writePatientNotes();
  // Specimens that belong to no order.
  void writeUnattachedSpecimens();

 private:
  // Starts a segment: later errors name it.
  SegmentFields begin(std::string_view id);
  void end(const SegmentFields& fields);
  void writeNotes(const std::vector<std::uint32_t>& notes);
  // OBX-5 encoded for data type `type`; what names the observation in errors.
  std::string observationValue(const canonical::Observation& obs, std::string_view type,
                               const std::string& what);
  void writeSpecimen(const canonical::Specimen& s, int set_id);

  const canonical::Message& message_;
  DatatypeWriter& types_;
  std::string& out_;
  int sequence_ = 2;  // 1-based position of the next segment; MSH is the first

  // Parts by the part they belong to, gathered once (message order kept within each list).
  std::vector<std::vector<std::uint32_t>> observations_by_order_;
  std::vector<std::vector<std::uint32_t>> notes_by_order_;
  std::vector<std::vector<std::uint32_t>> notes_by_observation_;
  std::vector<std::vector<std::uint32_t>> specimens_by_order_;
  std::vector<std::uint32_t> patient_notes_;
  std::vector<std::uint32_t> unattached_specimens_;
};

}  // namespace ferry::hl7v2
