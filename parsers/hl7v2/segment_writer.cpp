// Patient, visit and insurance: EVN, PID, PV1, IN1.
#include "parsers/hl7v2/segment_writer.h"

#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

void SegmentFields::set(int field, std::string encoded) {
  if (encoded.empty() || field < 1) return;
  const auto n = static_cast<std::size_t>(field);
  if (fields_.size() < n) fields_.resize(n);
  fields_[n - 1] = std::move(encoded);
}

void SegmentFields::appendTo(std::string& out) const {
  out.append(id_);
  for (const std::string& field : fields_) out.append("|").append(field);
  out += '\r';
}

std::string joinRepetitions(const std::vector<std::string>& repetitions) {
  std::string out;
  for (const std::string& r : repetitions) {
    if (r.empty()) continue;
    if (!out.empty()) out += '~';
    out.append(r);
  }
  return out;
}

SegmentWriter::SegmentWriter(const canonical::Message& message, DatatypeWriter& types,
                             std::string& out)
    : message_(message), types_(types), out_(out) {
  const std::size_t orders = message.orders.size();
  observations_by_order_.resize(orders);
  notes_by_order_.resize(orders);
  specimens_by_order_.resize(orders);
  notes_by_observation_.resize(message.observations.size());
  for (std::uint32_t i = 0; i < message.observations.size(); ++i) {
    if (const auto& order = message.observations[i].order_index) {
      observations_by_order_[*order].push_back(i);
    }
  }
  for (std::uint32_t i = 0; i < message.specimens.size(); ++i) {
    const auto& order = message.specimens[i].order_index;
    (order ? specimens_by_order_[*order] : unattached_specimens_).push_back(i);
  }
  // A note describes the observation it follows, else the order, else the patient.
  for (std::uint32_t i = 0; i < message.notes.size(); ++i) {
    const canonical::Note& note = message.notes[i];
    if (note.observation_index) {
      notes_by_observation_[*note.observation_index].push_back(i);
    } else if (note.order_index) {
      notes_by_order_[*note.order_index].push_back(i);
    } else {
      patient_notes_.push_back(i);
    }
  }
}

SegmentFields SegmentWriter::begin(std::string_view id) {
  types_.at(id, sequence_);
  return SegmentFields(id);
}

void SegmentWriter::end(const SegmentFields& fields) {
  fields.appendTo(out_);
  ++sequence_;
}

void SegmentWriter::writeEvn(std::string_view event, std::string_view recorded_dtm) {
  SegmentFields evn = begin("EVN");
  evn.set(1, types_.text(event));
  evn.set(2, std::string(recorded_dtm));
  end(evn);
}

void SegmentWriter::writePid() {
  const canonical::Patient& p = message_.patient;
  SegmentFields pid = begin("PID");
  pid.set(1, "1");
  std::vector<std::string> reps;
  for (const auto& id : p.identifiers) reps.push_back(types_.identifier(id));
  pid.set(3, joinRepetitions(reps));
  reps.clear();
  for (const auto& name : p.names) reps.push_back(types_.name(name));
  pid.set(5, joinRepetitions(reps));
  pid.set(6, types_.name(p.mothers_maiden_name));
  pid.set(7, types_.dateTime(p.birth_date, 7, "the patient's birth date"));
  if (!p.sex.empty()) {
    if (const auto row = terminology::toV2("0001", p.sex)) {
      pid.set(8, std::string(row->v2_code));
    } else {
      types_.recordError(ErrorCode::TableValueNotFound, 8,
                         "the patient's sex '" + p.sex +
                             "' is not a FHIR administrative-gender code (female, male, other, "
                             "unknown)");
    }
  }
  reps.clear();
  for (const auto& race : p.race) reps.push_back(types_.coding(race));
  pid.set(10, joinRepetitions(reps));
  reps.clear();
  for (const auto& a : p.addresses) reps.push_back(types_.address(a));
  pid.set(11, joinRepetitions(reps));
  // The reader takes PID-13 as home and PID-14 as work numbers.
  std::vector<std::string> work;
  reps.clear();
  for (const auto& cp : p.telecom) {
    (cp.use == "work" ? work : reps).push_back(types_.contactPoint(cp));
  }
  pid.set(13, joinRepetitions(reps));
  pid.set(14, joinRepetitions(work));
  pid.set(15, types_.codeableConcept(p.language));
  pid.set(16, types_.coding(p.marital_status));
  pid.set(18, types_.identifier(p.account_number));
  reps.clear();
  for (const auto& e : p.ethnicity) reps.push_back(types_.coding(e));
  pid.set(22, joinRepetitions(reps));
  pid.set(24, types_.text(p.multiple_birth_indicator));
  if (p.birth_order) pid.set(25, std::to_string(*p.birth_order));
  pid.set(29, types_.dateTime(p.deceased_time, 29, "the patient's death time"));
  pid.set(30, types_.text(p.deceased_indicator));
  end(pid);
}

void SegmentWriter::writePv1() {
  const canonical::Encounter& e = message_.encounter;
  SegmentFields pv1 = begin("PV1");
  pv1.set(1, "1");
  // PV1-2 is required: the class as sent, else the v2 code of the FHIR class, else U (unknown).
  std::string patient_class = types_.text(e.patient_class);
  if (patient_class.empty() && !e.class_code.code.empty()) {
    if (const auto row = terminology::toV2("0004", e.class_code.code)) {
      patient_class = std::string(row->v2_code);
    }
  }
  pv1.set(2, patient_class.empty() ? std::string("U") : std::move(patient_class));
  const canonical::Location& l = e.location;
  pv1.set(3, joinPieces({types_.text(l.point_of_care), types_.text(l.room), types_.text(l.bed),
                         types_.text(l.facility)},
                        '^'));
  std::vector<std::string> reps;
  for (const auto& p : e.attending) reps.push_back(types_.practitioner(p));
  pv1.set(7, joinRepetitions(reps));
  reps.clear();
  for (const auto& p : e.admitting) reps.push_back(types_.practitioner(p));
  pv1.set(17, joinRepetitions(reps));
  pv1.set(19, types_.identifier(e.visit_number));
  pv1.set(44, types_.dateTime(e.admit_time, 44, "the encounter's admit time"));
  pv1.set(45, types_.dateTime(e.discharge_time, 45, "the encounter's discharge time"));
  end(pv1);
}

void SegmentWriter::writeIn1(const canonical::Coverage& c, int set_id) {
  SegmentFields in1 = begin("IN1");
  in1.set(1, std::to_string(set_id));
  in1.set(2, joinPieces({types_.text(c.plan_id), types_.text(c.plan_name)}, '^'));
  in1.set(3, types_.identifier(c.payer.identifier));
  in1.set(4, types_.text(c.payer.name));
  in1.set(5, types_.address(c.payer.address));
  in1.set(8, types_.text(c.group_number));
  in1.set(9, types_.text(c.group_name));
  in1.set(12, types_.dateTime(c.period_start, 12, "the coverage's period start"));
  in1.set(13, types_.dateTime(c.period_end, 13, "the coverage's period end"));
  in1.set(16, types_.name(c.subscriber_name));
  // IN1-17 (table 0063): the v2 code of the FHIR relationship, or the code as it is when it has
  // none (the reader keeps unmapped v2 codes that way).
  if (const auto row = terminology::toV2("0063", c.relationship.code)) {
    in1.set(17, std::string(row->v2_code));
  } else {
    in1.set(17, types_.text(c.relationship.code));
  }
  in1.set(36, types_.text(c.member_id));
  end(in1);
}

}  // namespace ferry::hl7v2
