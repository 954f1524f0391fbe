// Immunizations: RXA administrations and the RXR route that follows each.
#include "parsers/hl7v2/segment_normalizers.h"

namespace ferry::hl7v2 {

void SegmentNormalizer::readRxa(const Segment& s) {
  canonical::Immunization imm;
  imm.administered_time = reader_.dateTime(s.field(3), 3);
  imm.vaccine_code = reader_.codeableConcept(s.field(5));
  reader_.text(s.field(6), imm.dose);
  imm.dose_unit = reader_.coding(s.field(7));
  imm.information_source = reader_.codeableConcept(s.field(9).repetition(1));
  imm.performer = reader_.practitioner(s.field(10).repetition(1));
  reader_.text(s.field(15).repetition(1), imm.lot_number);
  imm.expiration_date = reader_.dateTime(s.field(16).repetition(1), 16);
  imm.manufacturer = reader_.coding(s.field(17).repetition(1));
  reader_.text(s.field(20), imm.completion_status);
  const std::string action = reader_.text(s.field(21));
  // RXA-20 (table 0322) and RXA-21 (table 0206) together give FHIR Immunization.status.
  if (action == "D") {
    imm.status = "entered-in-error";
  } else if (imm.completion_status == "RE" || imm.completion_status == "NA") {
    imm.status = "not-done";
  } else {
    imm.status = "completed";
  }
  out_.immunizations.push_back(std::move(imm));
}

void SegmentNormalizer::readRxr(const Segment& s) {
  if (out_.immunizations.empty()) {
    keepAsExtension(s);  // a route with no administration to attach to is kept, not dropped
    return;
  }
  canonical::Immunization& imm = out_.immunizations.back();
  imm.route = reader_.codeableConcept(s.field(1));
  imm.site = reader_.codeableConcept(s.field(2));
}

}  // namespace ferry::hl7v2
