#include "parsers/hl7v2/segment_normalizers.h"

#include <cstring>

#include "parsers/hl7v2/repetitions.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

// Segment id -> reader. Anything not listed is kept whole as an extension.
const SegmentNormalizer::Route SegmentNormalizer::kRoutes[] = {
    {"PID", &SegmentNormalizer::readPid}, {"PV1", &SegmentNormalizer::readPv1},
    {"IN1", &SegmentNormalizer::readIn1}, {"ORC", &SegmentNormalizer::readOrc},
    {"OBR", &SegmentNormalizer::readObr}, {"OBX", &SegmentNormalizer::readObx},
    {"NTE", &SegmentNormalizer::readNte}, {"SPM", &SegmentNormalizer::readSpm},
    {"RXA", &SegmentNormalizer::readRxa}, {"RXR", &SegmentNormalizer::readRxr},
    // EVN repeats MSH facts; MSA/ERR belong to acknowledgments, not to clinical content.
    {"EVN", &SegmentNormalizer::readIgnored}, {"MSA", &SegmentNormalizer::readIgnored},
    {"ERR", &SegmentNormalizer::readIgnored},
};

void SegmentNormalizer::read(const Segment& segment) {
  const std::string_view id = segment.id();
  for (const Route& route : kRoutes) {
    if (std::memcmp(route.id, id.data(), 3) == 0) {
      (this->*route.handler)(segment);
      return;
    }
  }
  keepAsExtension(segment);
}

void SegmentNormalizer::readIgnored(const Segment&) {}

void SegmentNormalizer::keepAsExtension(const Segment& s) {
  canonical::Extension ext;
  ext.path = std::string(s.id());
  ext.format = "hl7v2";
  ext.raw = std::string(s.raw());
  out_.extensions.push_back(std::move(ext));
}

void SegmentNormalizer::readPid(const Segment& s) {
  canonical::Patient& p = out_.patient;
  // Each list is reserved for all its repetitions: one allocation instead of one per growth.
  const Element ids = s.field(3);
  const int id_count = ids.repetitionCount();
  p.identifiers.reserve(static_cast<std::size_t>(id_count));
  for (const Element repetition : Repetitions(ids)) {
    canonical::Identifier id = reader_.identifier(repetition);
    if (!id.value.empty()) p.identifiers.push_back(std::move(id));
  }
  const Element names = s.field(5);
  const int name_count = names.repetitionCount();
  p.names.reserve(static_cast<std::size_t>(name_count));
  for (const Element repetition : Repetitions(names)) {
    canonical::HumanName name = reader_.name(repetition);
    if (!name.family.empty() || !name.given.empty()) p.names.push_back(std::move(name));
  }
  reader_.dateTime(s.field(7), 7, p.birth_date);
  const std::string sex = reader_.text(s.field(8).component(1));
  if (!sex.empty()) {
    if (const auto* mapped = terminology::findFhir("0001", sex)) {
      p.sex.assign(mapped->fhir_code);
    } else {
      reader_.recordUnreadable(8, s.field(8), "PID-8 administrative sex is not a code of HL7 table 0001");
    }
  }
  const Element race = s.field(10);
  for (const Element repetition : Repetitions(race)) {
    canonical::Coding c = reader_.coding(repetition);
    if (!c.code.empty()) p.race.push_back(std::move(c));
  }
  const Element addresses = s.field(11);
  for (const Element repetition : Repetitions(addresses)) {
    canonical::Address a = reader_.address(repetition);
    if (!a.lines.empty() || !a.city.empty()) p.addresses.push_back(std::move(a));
  }
  const Element home_phones = s.field(13);
  const Element work_phones = s.field(14);
  p.telecom.reserve(static_cast<std::size_t>(home_phones.repetitionCount() + work_phones.repetitionCount()));
  for (int field : {13, 14}) {
    const Element phones = field == 13 ? home_phones : work_phones;
    for (const Element repetition : Repetitions(phones)) {
      canonical::ContactPoint cp = reader_.contactPoint(repetition);
      if (cp.use.empty()) cp.use = field == 13 ? "home" : "work";
      if (!cp.value.empty()) p.telecom.push_back(std::move(cp));
    }
  }
  p.marital_status = reader_.coding(s.field(16).repetition(1));
  p.account_number = reader_.identifier(s.field(18).repetition(1));
  const Element ethnicity = s.field(22);
  for (const Element repetition : Repetitions(ethnicity)) {
    canonical::Coding c = reader_.coding(repetition);
    if (!c.code.empty()) p.ethnicity.push_back(std::move(c));
  }
}

void SegmentNormalizer::readPv1(const Segment& s) {
  canonical::Encounter& e = out_.encounter;
  reader_.text(s.field(2).component(1), e.patient_class);
  if (!e.patient_class.empty()) {
    if (const auto mapped = terminology::toFhir("0004", e.patient_class)) {
      e.class_code = {std::string(mapped->fhir_system), std::string(mapped->fhir_code),
                      std::string(mapped->display)};
    }
  }
  const Element location = s.field(3);
  reader_.text(location.component(1), e.location.point_of_care);
  reader_.text(location.component(2), e.location.room);
  reader_.text(location.component(3), e.location.bed);
  reader_.text(location.component(4).subcomponent(1), e.location.facility);
  for (auto [field, list] : {std::pair{7, &e.attending}, std::pair{17, &e.admitting}}) {
    const Element people = s.field(field);
    for (const Element repetition : Repetitions(people)) {
      canonical::Practitioner p = reader_.practitioner(repetition);
      if (!p.identifier.value.empty() || !p.name.family.empty()) list->push_back(std::move(p));
    }
  }
  e.visit_number = reader_.identifier(s.field(19).repetition(1));
  e.admit_time = reader_.dateTime(s.field(44), 44);
  e.discharge_time = reader_.dateTime(s.field(45), 45);
}

void SegmentNormalizer::readIn1(const Segment& s) {
  canonical::Coverage c;
  reader_.text(s.field(2).component(1), c.plan_id);
  reader_.text(s.field(2).component(2), c.plan_name);
  c.payer.identifier = reader_.identifier(s.field(3).repetition(1));
  reader_.text(s.field(4).component(1), c.payer.name);
  c.payer.address = reader_.address(s.field(5).repetition(1));
  reader_.text(s.field(8), c.group_number);
  reader_.text(s.field(9).component(1), c.group_name);
  c.period_start = reader_.dateTime(s.field(12), 12);
  c.period_end = reader_.dateTime(s.field(13), 13);
  c.subscriber_name = reader_.name(s.field(16).repetition(1));
  const std::string relationship = reader_.text(s.field(17).component(1));
  if (!relationship.empty()) {
    if (const auto mapped = terminology::toFhir("0063", relationship)) {
      c.relationship = {std::string(mapped->fhir_system), std::string(mapped->fhir_code),
                        std::string(mapped->display)};
    } else {
      c.relationship.code = relationship;
    }
  }
  // The member id is the policy number (IN1-36), or the insured's id (IN1-49) when absent.
  reader_.text(s.field(36), c.member_id);
  if (c.member_id.empty()) reader_.text(s.field(49).component(1), c.member_id);
  out_.coverages.push_back(std::move(c));
}

}  // namespace ferry::hl7v2
