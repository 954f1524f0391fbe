#pragma once
// Moves the heap blocks of a result (the memory its strings, lists and boxes own) from one
// canonical::Observation to another, and nothing else. A spare result (spares.h) is kept only
// for its blocks: its values are an earlier message's, and whoever takes it back writes over
// every member (reused_list.h). A move of the whole Observation also copied each short
// string's in-object text and the numbers, ~450 instructions a result (callgrind), for values
// nobody reads again.
//
// What `from` keeps afterwards is only what owns no memory (short strings, numbers); what `to`
// had is either given to `from` (lists, long strings) or freed (a box or a long date `from`
// replaces), so no block is lost twice and nothing is leaked. Every member is named under a
// structured binding: a member added to the model stops the build here until it is moved too.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/canonical/boxed.h"
#include "engine/canonical/clinical.h"

namespace ferry::hl7v2 {

namespace heap_blocks {

// A std::string's text is on the heap when it does not lie inside the string object itself
// (its small buffer), whatever the size of that buffer in the standard library at hand.
inline bool onHeap(const std::string& text) {
  const char* const data = text.data();
  const char* const self = reinterpret_cast<const char*>(&text);
  return data < self || data >= self + sizeof text;
}

inline void move(std::string& from, std::string& to) {
  if (onHeap(from)) to = std::move(from);
}
inline void move(canonical::DateTime& from, canonical::DateTime& to) {
  if (from.onHeap()) to = std::move(from);
}
// A well-known system is a pointer; another is a short id nearly always ("L", "99LAB").
inline void move(canonical::CodeSystem& from, canonical::CodeSystem& to) {
  to = std::move(from);
}
template <class T>
void move(std::vector<T>& from, std::vector<T>& to) {
  to.swap(from);
}
template <class T>
void move(canonical::Boxed<T>& from, canonical::Boxed<T>& to) {
  if (from.has_value()) to = std::move(from);
}
template <class T>
void move(std::optional<T>&, std::optional<T>&) {}  // owns no memory

inline void move(canonical::Coding& from, canonical::Coding& to) {
  auto& [system, code, display] = from;
  move(system, to.system);
  move(code, to.code);
  move(display, to.display);
}

inline void move(canonical::CodeableConcept& from, canonical::CodeableConcept& to) {
  auto& [codings, text] = from;
  move(codings, to.codings);
  move(text, to.text);
}

inline void move(canonical::ObservationValue& from, canonical::ObservationValue& to) {
  auto& [decimal, number, text, coded, structured_numeric, date_time] = from;
  move(decimal, to.decimal);
  move(number, to.number);
  move(text, to.text);
  move(coded, to.coded);
  move(structured_numeric, to.structured_numeric);
  move(date_time, to.date_time);
}

}  // namespace heap_blocks

// Any other element is moved whole.
template <class T>
void moveHeapBlocks(T& from, T& to) {
  to = std::move(from);
}

inline void moveHeapBlocks(std::string& from, std::string& to) { heap_blocks::move(from, to); }

inline void moveHeapBlocks(canonical::Observation& from, canonical::Observation& to) {
  using heap_blocks::move;
  auto& [set_id, value_type, category, code, sub_id, value, units, reference_range,
         interpretations, status, observation_time, analysis_time, performer, order_index, method,
         performing_organization, medical_director] = from;
  move(set_id, to.set_id);
  move(value_type, to.value_type);
  move(category, to.category);
  move(code, to.code);
  move(sub_id, to.sub_id);
  move(value, to.value);
  move(units, to.units);
  auto& [range_text, low, high] = reference_range;
  move(range_text, to.reference_range.text);
  move(low, to.reference_range.low);
  move(high, to.reference_range.high);
  move(interpretations, to.interpretations);
  auto& [status_v2, status_fhir] = status;
  move(status_v2, to.status.v2);
  move(status_fhir, to.status.fhir);
  move(observation_time, to.observation_time);
  move(analysis_time, to.analysis_time);
  move(performer, to.performer);
  move(order_index, to.order_index);
  move(method, to.method);
  move(performing_organization, to.performing_organization);
  move(medical_director, to.medical_director);
}

}  // namespace ferry::hl7v2
