// Fields of the lab and national-reporting flows that HL7's v2-to-FHIR segment maps carry and
// most feeds leave empty: PID-6/15/24/25/29/30, OBR-31, OBX-17/23/24/25, SPM-17.2 and SPM-18.
//
// They are read here, apart from the readers every message goes through (segment_normalizers.cpp,
// order_segments.cpp): in those files the same code made GCC reach its limit on how much one
// file may grow by inlining (--param inline-unit-growth), after which it stopped inlining the
// text and date readers for every result, a few hundred instructions a message for nothing.
// An empty field costs its test; the readers run for fields that are there.
#include <charconv>
#include <cstdint>

#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/repetitions.h"
#include "parsers/hl7v2/segment_normalizers.h"

namespace ferry::hl7v2 {

// The patient starts afresh with every message (normalizer.cpp), so an empty field needs no
// emptying: it costs a test, and a PID that ends before PID-24 (most do) one test for the last
// four. But the language, which the first PID writes over (model_reset.h), is emptied by it.
void SegmentNormalizer::readPidSupplement(const Segment& s, bool first) {
  canonical::Patient& p = out_.patient;
  if (const Element maiden = s.field(6); maiden.valued()) {
    reader_.name(repetitionOne(maiden), 1, p.mothers_maiden_name);
  }
  if (const Element language = s.field(15); language.valued()) {
    reader_.codeableConcept(repetitionOne(language), p.language);
  } else if (first) {
    p.language.codings.clear();
    p.language.text.clear();
  }
  if (s.fieldCount() < 24) return;
  reader_.text(s.field(24), p.multiple_birth_indicator);
  if (const Element order = s.field(25); order.valued()) readBirthOrder(order);
  reader_.dateTime(s.field(29), 29, p.deceased_time);
  reader_.text(s.field(30), p.deceased_indicator);
}

// PID-25 is NM, but a birth order is a whole number from 1: anything else is kept as an
// extension with a warning rather than guessed at.
void SegmentNormalizer::readBirthOrder(const Element& order) {
  const std::string text = reader_.text(order);
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size() && n > 0) {
    out_.patient.birth_order = n;
  } else {
    reader_.recordUnreadable(25, order, "PID-25 birth order is not a whole number from 1");
  }
}

// OBX-17, OBX-23 to OBX-25 are boxed (canonical/boxed.h), since most results have none of them.
// obs may be a result an earlier message left (reused_list.h): a box is filled whole (the
// readers set every member) or emptied.
void SegmentNormalizer::readMethodAndPerformers(const Segment& s, canonical::Observation& obs) {
  if (const Element method = s.field(17); method.valued()) {
    reader_.codeableConcept(method.repetition(1), obs.method.mut());
  } else {
    obs.method.reset();
  }
  const bool performing = s.fieldCount() >= 23;
  const Element name = performing ? s.field(23) : Element();
  const Element address = performing ? s.field(24) : Element();
  if (name.valued() || address.valued()) {
    canonical::Organization& organization = obs.performing_organization.mut();
    reader_.organization(name, organization);
    reader_.address(address, organization.address);
  } else {
    obs.performing_organization.reset();
  }
  if (const Element director = performing ? s.field(25) : Element(); director.valued()) {
    reader_.practitioner(director.repetition(1), obs.medical_director.mut());
  } else {
    obs.medical_director.reset();
  }
}

void SegmentNormalizer::readReasonCodes(const Element& field,
                                        std::vector<canonical::CodeableConcept>& reasons) {
  reasons.clear();
  for (const Element repetition : Repetitions(field)) {
    canonical::CodeableConcept reason = reader_.codeableConcept(repetition);
    if (!(reason == canonical::CodeableConcept{})) reasons.push_back(std::move(reason));
  }
}

// SPM-17 is DR (start ^ end): the start is read with the specimen, the end looked for only when
// there is a second component.
void SegmentNormalizer::readSpecimenTimes(const Segment& s, canonical::Specimen& specimen) {
  const Element collection = s.field(17);
  if (collection.valued() &&
      collection.raw().find(collection.encoding()->component) != std::string_view::npos) {
    reader_.dateTime(collection.component(2), 17, specimen.collection_end_time);
  } else {
    specimen.collection_end_time.clear();
  }
  reader_.dateTime(s.field(18), 18, specimen.received_time);
}

}  // namespace ferry::hl7v2
