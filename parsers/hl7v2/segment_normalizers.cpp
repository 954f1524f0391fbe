#include "parsers/hl7v2/segment_normalizers.h"

#include <cstring>

#include "parsers/hl7v2/code_table.h"
#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/model_reset.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/repetitions.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/hl7v2/short_pieces.h"
#include "parsers/terminology/coding_systems.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

namespace segment_normalizers {

// The encounter class system of a row of table 0004, built once for every row: copying a
// CodeSystem costs less than assigning the URI, which compares it with the well-known ones
// (measured: -55 instructions a message).
const canonical::CodeSystem& patientClassSystem(const terminology::ConceptMapping& row) {
  static const std::vector<canonical::CodeSystem> systems = [] {
    std::vector<canonical::CodeSystem> built;
    for (const terminology::ConceptMapping& each : kPatientClassTable.rows()) {
      built.emplace_back(each.fhir_system);
    }
    return built;
  }();
  return systems[static_cast<std::size_t>(&row - kPatientClassTable.rows().data())];
}

// Calls read(components) for each repetition of field, split into its components (what
// Pieces(repetition) gives) in the pass that finds where the repetition ends, where a Repetitions
// loop scans the field for its repetitions and Pieces then scans each of them again (measured:
// -346 instructions a message). Nothing for an absent or empty field, as Repetitions.
template <class Read>
void forEachSplitRepetition(const Element& field, Read read) {
  if (!field.valued()) return;
  const EncodingCharacters* const enc = field.encoding();
  const char* begin = field.raw().data();
  const char* const end = begin + field.raw().size();
  for (;;) {
    // What is left of the field, split as a field is: its first repetition's components.
    const Pieces components(Element(std::string_view(begin, static_cast<std::size_t>(end - begin)),
                                    enc, Element::Level::Field));
    const std::string_view last = components[components.count()].raw();
    const char* stop = last.data() + last.size();
    // A repetition of more components than Pieces keeps goes on past the last one it kept.
    if (stop != end && *stop != enc->repetition) stop = findChar(stop, end, enc->repetition);
    read(components);
    if (stop == end) return;
    begin = stop + 1;
  }
}

}  // namespace segment_normalizers

using segment_normalizers::forEachSplitRepetition;
using segment_normalizers::patientClassSystem;

// Segment id -> reader. Anything not listed is kept whole as an extension. OBX comes first: a
// result report is mostly OBX segments, and the list is searched in order for every segment.
const SegmentNormalizer::Route SegmentNormalizer::kRoutes[] = {
    {"OBX", &SegmentNormalizer::readObx}, {"NTE", &SegmentNormalizer::readNte},
    {"PID", &SegmentNormalizer::readPid}, {"PV1", &SegmentNormalizer::readPv1},
    {"IN1", &SegmentNormalizer::readIn1}, {"ORC", &SegmentNormalizer::readOrc},
    {"OBR", &SegmentNormalizer::readObr}, {"SPM", &SegmentNormalizer::readSpm},
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
  // A segment that holds only ASCII is the same in UTF-8.
  ext.raw = s.needsDecoding() ? reader_.utf8(s.raw()) : std::string(s.raw());
  out_.extensions.push_back(std::move(ext));
}

void swapReusedLists(canonical::Message& a, canonical::Message& b) {
  a.patient.identifiers.swap(b.patient.identifiers);
  a.patient.names.swap(b.patient.names);
  a.patient.race.swap(b.patient.race);
  a.patient.addresses.swap(b.patient.addresses);
  a.patient.telecom.swap(b.patient.telecom);
  a.patient.ethnicity.swap(b.patient.ethnicity);
  a.encounter.attending.swap(b.encounter.attending);
  a.encounter.admitting.swap(b.encounter.admitting);
  a.orders.swap(b.orders);
  a.observations.swap(b.observations);
  a.specimens.swap(b.specimens);
  a.notes.swap(b.notes);
}

void SegmentNormalizer::finish() {
  closeOrder();
  if (!patient_read_) emptyWrittenOver(out_.patient);
  if (!visit_read_) emptyEncounter(out_.encounter);
  identifiers_.finish();
  names_.finish();
  races_.finish();
  addresses_.finish();
  telecom_.finish();
  ethnicities_.finish();
  attending_.finish();
  admitting_.finish();
  orders_.finish();
  observations_.finish();
  specimens_.finish();
  notes_.finish();
}

// Flattened: GCC left Segment::field(), the repetition loop and the list's next() out of line
// here, twenty calls a PID (measured: -470 instructions a message; on readPv1 it gained nothing
// at first, and -174 once text() was the call left there, five a PV1).
[[gnu::flatten]] void SegmentNormalizer::readPid(const Segment& s) {
  // Each repetition is written over an element a previous message left in the list, and taken
  // back (dropLast) when it turns out empty. A second PID appends, as it always did.
  canonical::Patient& p = out_.patient;
  // The first PID of a message writes over what model_reset.h leaves of the patient before.
  const bool first = !patient_read_;
  patient_read_ = true;
  forEachSplitRepetition(s.field(3), [this](const Pieces& cx) {
    canonical::Identifier& id = identifiers_.next();
    reader_.identifier(cx, id);
    if (id.value.empty()) identifiers_.dropLast();
  });
  if (s.field(2).valued() || s.field(4).valued() || s.field(19).valued() || s.field(20).valued()) {
    readOtherPatientIdentifiers(s);
  }
  forEachSplitRepetition(s.field(5), [this](const Pieces& xpn) {
    canonical::HumanName& name = names_.next();
    reader_.name(xpn, 1, name);
    if (name.family.empty() && name.given.empty()) names_.dropLast();
  });
  reader_.dateTime(s.field(7), 7, p.birth_date);
  std::string sex_scratch;  // looked at, not kept: a view of the bytes when they read as written
  const std::string_view sex = reader_.decoded(componentOne(s.field(8)), sex_scratch);
  if (!sex.empty()) {
    if (const auto* mapped = kAdministrativeSexTable.find(sex)) {
      overwrite(p.sex, mapped->fhir_code);
    } else {
      reader_.recordUnreadable(8, s.field(8), "PID-8 administrative sex is not a code of HL7 table 0001");
    }
  }
  for (const Element repetition : Repetitions(s.field(10))) {
    canonical::Coding& race = races_.next();
    reader_.coding(repetition, race);
    if (race.code.empty()) races_.dropLast();
  }
  forEachSplitRepetition(s.field(11), [this](const Pieces& xad) {
    canonical::Address& address = addresses_.next();
    reader_.address(xad, address);
    if (address.lines.empty() && address.city.empty()) addresses_.dropLast();
  });
  for (const int field : {13, 14}) {
    forEachSplitRepetition(s.field(field), [this, field](const Pieces& xtn) {
      canonical::ContactPoint& cp = telecom_.next();
      reader_.contactPoint(xtn, field == 13 ? "home" : "work", cp);
      if (cp.value.empty()) telecom_.dropLast();
    });
  }
  reader_.coding(repetitionOne(s.field(16)), p.marital_status);
  // identifier() reads a field as its first repetition, as Pieces splits it: no repetition made.
  reader_.identifier(s.field(18), p.account_number);
  for (const Element repetition : Repetitions(s.field(22))) {
    canonical::Coding& ethnicity = ethnicities_.next();
    reader_.coding(repetition, ethnicity);
    if (ethnicity.code.empty()) ethnicities_.dropLast();
  }
  readPidSupplement(s, first);
}

// HL7's PID-to-Patient map (v2-to-FHIR) makes identifiers of PID-2 (the external id of v2.1-2.2
// feeds), PID-4 (alternate ids), PID-19 (SSN) and PID-20 (driver's license), fields later
// versions keep only for backward compatibility. They come after PID-3's, so that identifiers[0]
// stays the first of PID-3, and one a sender copied from PID-3 is not listed twice.
void SegmentNormalizer::readOtherPatientIdentifiers(const Segment& s) {
  for (const int field : {2, 4}) {
    for (const Element repetition : Repetitions(s.field(field))) {
      reader_.identifier(repetition, identifiers_.next());
      keepIfNew();
    }
  }
  if (const Element ssn = s.field(19); ssn.valued()) {
    canonical::Identifier& id = identifiers_.next();
    id.value.clear();
    reader_.text(ssn, id.value);
    id.system.assign(terminology::identifierSystemUri("SSA"));
    id.type.assign("SS");
    keepIfNew();
  }
  if (const Element license = s.field(20); license.valued()) {
    const Pieces dln(license.repetition(1));  // license number ^ issuing state ^ expiration date
    canonical::Identifier& id = identifiers_.next();
    id.value.clear();
    id.system.clear();
    reader_.text(dln[1], id.value);
    reader_.text(dln[2], id.system);
    id.type.assign("DL");
    keepIfNew();
  }
}

void SegmentNormalizer::keepIfNew() {
  const std::vector<canonical::Identifier>& ids = out_.patient.identifiers;
  const std::size_t last = identifiers_.size() - 1;
  bool drop = ids[last].value.empty();
  for (std::size_t i = 0; !drop && i < last; ++i) drop = ids[i] == ids[last];
  if (drop) identifiers_.dropLast();
}

// Flattened as readPid() is.
[[gnu::flatten]] void SegmentNormalizer::readPv1(const Segment& s) {
  canonical::Encounter& e = out_.encounter;
  // The first PV1 of a message writes over the encounter of the message before (model_reset.h);
  // a later one appends its texts to the first's, as one always did.
  const bool first = !visit_read_;
  visit_read_ = true;
  const auto write = [this, first](const Element& value, std::string& out) {
    if (first) {
      reader_.assignText(value, out);
    } else {
      reader_.text(value, out);
    }
  };
  write(componentOne(s.field(2)), e.patient_class);
  const auto* mapped = e.patient_class.empty() ? nullptr : kPatientClassTable.find(e.patient_class);
  if (mapped != nullptr) {
    // Written over in place (a second PV1 replaces the first's) rather than built and moved in.
    e.class_code.system = patientClassSystem(*mapped);
    overwrite(e.class_code.code, mapped->fhir_code);
    overwrite(e.class_code.display, mapped->display);
  } else if (first) {
    e.class_code.system.clear();
    e.class_code.code.clear();
    e.class_code.display.clear();
  }
  // PV1-3, split once for its four components ("LAB^288^C^NORTHCLINIC": mostly short enough for
  // ShortPieces, measured: -73 instructions a message).
  const auto readLocation = [&write, &e](const auto& location) {
    write(location[1], e.location.point_of_care);
    write(location[2], e.location.room);
    write(location[3], e.location.bed);
    write(subcomponentOne(location[4]), e.location.facility);
  };
  if (const Element location = s.field(3); ShortPieces::fits(location)) {
    readLocation(ShortPieces(location));
  } else {
    readLocation(Pieces(location));
  }
  for (auto [field, list] : {std::pair{7, &attending_}, std::pair{17, &admitting_}}) {
    for (const Element repetition : Repetitions(s.field(field))) {
      canonical::Practitioner& p = list->next();
      reader_.practitioner(repetition, p);
      if (p.identifier.value.empty() && p.name.family.empty()) list->dropLast();
    }
  }
  reader_.identifier(s.field(19), e.visit_number);  // its first repetition, as for PID-18
  reader_.dateTime(s.field(44), 44, e.admit_time);
  reader_.dateTime(s.field(45), 45, e.discharge_time);
}

void SegmentNormalizer::readIn1(const Segment& s) {
  canonical::Coverage c;
  const Pieces plan(s.field(2));
  reader_.text(plan[1], c.plan_id);
  reader_.text(plan[2], c.plan_name);
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
