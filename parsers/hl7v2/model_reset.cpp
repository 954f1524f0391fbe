#include "parsers/hl7v2/model_reset.h"

#include <optional>
#include <string>
#include <vector>

namespace ferry::hl7v2 {

// Emptying in place instead of assigning a newly built Message: the move assignment and the
// destruction of what it replaced cost ~1,500 instructions a message (callgrind, 2,000 corpus
// messages), and strings and vectors then keep their heap blocks for the next message's values.
namespace model_reset {

void empty(std::string& text) { text.clear(); }
void empty(canonical::DateTime& time) { time.clear(); }
void empty(canonical::CodeSystem& system) { system.clear(); }
template <class T>
void empty(std::vector<T>& list) {
  list.clear();
}
template <class T>
void empty(std::optional<T>& value) {
  value.reset();
}
void empty(canonical::Coding& coding);
void empty(canonical::CodeableConcept& cc);
void empty(canonical::Identifier& identifier);
void empty(canonical::HumanName& name);
void empty(canonical::Location& location);
void empty(canonical::Patient& patient);
void empty(canonical::Encounter& encounter);

template <class... Members>
void emptyAll(Members&... members) {
  (empty(members), ...);
}

void empty(canonical::Coding& coding) {
  auto& [system, code, display] = coding;
  emptyAll(system, code, display);
}

void empty(canonical::CodeableConcept& cc) {
  auto& [codings, text] = cc;
  emptyAll(codings, text);
}

void empty(canonical::Identifier& identifier) {
  auto& [value, system, type] = identifier;
  emptyAll(value, system, type);
}

void empty(canonical::HumanName& name) {
  auto& [family, given, prefix, suffix, use] = name;
  emptyAll(family, given, prefix, suffix, use);
}

void empty(canonical::Location& location) {
  auto& [point_of_care, room, bed, facility] = location;
  emptyAll(point_of_care, room, bed, facility);
}

void empty(canonical::Patient& patient) {
  // identifiers, names, addresses, telecom, race and ethnicity are reused lists; birth_date,
  // marital_status, account_number and language are written over (emptyWrittenOver()).
  [[maybe_unused]] auto& [identifiers, names, birth_date, sex, addresses, telecom, race, ethnicity,
                          marital_status, account_number, mothers_maiden_name, language,
                          deceased_time, deceased_indicator, multiple_birth_indicator,
                          birth_order] = patient;
  emptyAll(sex, mothers_maiden_name, deceased_time, deceased_indicator, multiple_birth_indicator,
           birth_order);
}

void empty(canonical::Encounter& encounter) {
  // attending and admitting are reused lists.
  [[maybe_unused]] auto& [class_code, patient_class, location, attending, admitting, admit_time,
                          discharge_time, visit_number] = encounter;
  emptyAll(class_code, patient_class, location, admit_time, discharge_time, visit_number);
}

}  // namespace model_reset

void resetForNextMessage(canonical::Message& message) {
  // orders, observations, specimens and notes are reused lists; normalizer.cpp's readHeader()
  // writes over every member of the header, and the PV1 reader over the encounter
  // (emptyEncounter()).
  [[maybe_unused]] auto& [header, patient, encounter, orders, observations, specimens, notes,
                          immunizations, coverages, claims, claim_responses, extensions] = message;
  using model_reset::empty;
  using model_reset::emptyAll;
  emptyAll(patient, immunizations, coverages, claims, claim_responses, extensions);
}

void emptyWrittenOver(canonical::Patient& patient) {
  model_reset::emptyAll(patient.birth_date, patient.marital_status, patient.account_number,
                        patient.language);
}

void emptyEncounter(canonical::Encounter& encounter) { model_reset::empty(encounter); }

}  // namespace ferry::hl7v2
