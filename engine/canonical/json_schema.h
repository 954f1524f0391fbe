// The "ferry.canonical/v1" JSON form, written down once.
//
// For every struct of the model, jsonFields() names its JSON members in their output order and
// hands each to a visitor: the writer (json_writer.cpp) serializes them, the reader
// (json_reader.cpp) fills them, and an emptiness check decides what to omit. Keeping one list
// means the writer and the reader cannot disagree on a name or an order. docs/canonical.md
// documents every member listed here; change both together, and never rename a member of v1.
//
// A visitor provides field(Key, T&) for: std::string, CodeSystem (code_system.h; a string in
// JSON), std::vector<std::string>, std::optional<double>, std::optional<std::uint32_t>, a model
// struct, a vector of structs, and Boxed<T> of a string or a struct (boxed.h), which it reads and
// writes as the T it holds.
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "engine/canonical/message.h"

namespace ferry::canonical {

// Value of the top-level "schema" member; always the first member of the JSON object.
inline constexpr std::string_view kJsonSchema = "ferry.canonical/v1";

// A JSON member name, a string literal whose length is known at compile time.
struct Key {
  const char* data;
  unsigned size;

  template <std::size_t N>
  consteval Key(const char (&literal)[N]) : data(literal), size(N - 1) {}  // NOLINT: implicit by design

  std::string_view view() const { return {data, size}; }
};

// True for Model and const Model, so one field list serves reading and writing.
template <class T, class Model>
concept ModelOf = std::same_as<std::remove_const_t<T>, Model>;

template <class V, ModelOf<Coding> T>
void jsonFields(V& v, T& x) {
  v.field("system", x.system);
  v.field("code", x.code);
  v.field("display", x.display);
}

template <class V, ModelOf<CodeableConcept> T>
void jsonFields(V& v, T& x) {
  v.field("codings", x.codings);
  v.field("text", x.text);
}

template <class V, ModelOf<Identifier> T>
void jsonFields(V& v, T& x) {
  v.field("value", x.value);
  v.field("system", x.system);
  v.field("type", x.type);
}

template <class V, ModelOf<HumanName> T>
void jsonFields(V& v, T& x) {
  v.field("family", x.family);
  v.field("given", x.given);
  v.field("prefix", x.prefix);
  v.field("suffix", x.suffix);
  v.field("use", x.use);
}

template <class V, ModelOf<Address> T>
void jsonFields(V& v, T& x) {
  v.field("lines", x.lines);
  v.field("city", x.city);
  v.field("state", x.state);
  v.field("postalCode", x.postal_code);
  v.field("country", x.country);
  v.field("use", x.use);
}

template <class V, ModelOf<ContactPoint> T>
void jsonFields(V& v, T& x) {
  v.field("system", x.system);
  v.field("value", x.value);
  v.field("use", x.use);
}

template <class V, ModelOf<Practitioner> T>
void jsonFields(V& v, T& x) {
  v.field("identifier", x.identifier);
  v.field("name", x.name);
}

template <class V, ModelOf<Organization> T>
void jsonFields(V& v, T& x) {
  v.field("identifier", x.identifier);
  v.field("name", x.name);
  v.field("address", x.address);
}

template <class V, ModelOf<StatusCode> T>
void jsonFields(V& v, T& x) {
  v.field("v2", x.v2);
  v.field("fhir", x.fhir);
}

template <class V, ModelOf<Header> T>
void jsonFields(V& v, T& x) {
  v.field("sourceFormat", x.source_format);
  v.field("messageType", x.message_type);
  v.field("triggerEvent", x.trigger_event);
  v.field("messageStructure", x.message_structure);
  v.field("controlId", x.control_id);
  v.field("version", x.version);
  v.field("sendingApplication", x.sending_application);
  v.field("sendingFacility", x.sending_facility);
  v.field("receivingApplication", x.receiving_application);
  v.field("receivingFacility", x.receiving_facility);
  v.field("messageDateTime", x.message_datetime);
  v.field("processingId", x.processing_id);
  v.field("characterSet", x.character_set);
  v.field("acceptAckType", x.accept_ack_type);
  v.field("applicationAckType", x.application_ack_type);
}

template <class V, ModelOf<Patient> T>
void jsonFields(V& v, T& x) {
  v.field("identifiers", x.identifiers);
  v.field("names", x.names);
  v.field("birthDate", x.birth_date);
  v.field("sex", x.sex);
  v.field("addresses", x.addresses);
  v.field("telecom", x.telecom);
  v.field("race", x.race);
  v.field("ethnicity", x.ethnicity);
  v.field("maritalStatus", x.marital_status);
  v.field("accountNumber", x.account_number);
  v.field("mothersMaidenName", x.mothers_maiden_name);
  v.field("language", x.language);
  v.field("deceasedTime", x.deceased_time);
  v.field("deceasedIndicator", x.deceased_indicator);
  v.field("multipleBirthIndicator", x.multiple_birth_indicator);
  v.field("birthOrder", x.birth_order);
}

template <class V, ModelOf<Location> T>
void jsonFields(V& v, T& x) {
  v.field("pointOfCare", x.point_of_care);
  v.field("room", x.room);
  v.field("bed", x.bed);
  v.field("facility", x.facility);
}

template <class V, ModelOf<Encounter> T>
void jsonFields(V& v, T& x) {
  v.field("class", x.class_code);
  v.field("patientClass", x.patient_class);
  v.field("location", x.location);
  v.field("attending", x.attending);
  v.field("admitting", x.admitting);
  v.field("admitTime", x.admit_time);
  v.field("dischargeTime", x.discharge_time);
  v.field("visitNumber", x.visit_number);
}

template <class V, ModelOf<Order> T>
void jsonFields(V& v, T& x) {
  v.field("placerOrderNumber", x.placer_order_number);
  v.field("fillerOrderNumber", x.filler_order_number);
  v.field("orderControl", x.order_control);
  v.field("orderStatus", x.order_status);
  v.field("resultStatus", x.result_status);
  v.field("code", x.code);
  v.field("orderingProvider", x.ordering_provider);
  v.field("requestedTime", x.requested_time);
  v.field("observationTime", x.observation_time);
  v.field("resultsTime", x.results_time);
  v.field("reasonCodes", x.reason_codes);
}

template <class V, ModelOf<StructuredNumeric> T>
void jsonFields(V& v, T& x) {
  v.field("comparator", x.comparator);
  v.field("num1", x.num1);
  v.field("separator", x.separator);
  v.field("num2", x.num2);
}

template <class V, ModelOf<ObservationValue> T>
void jsonFields(V& v, T& x) {
  v.field("decimal", x.decimal);
  v.field("number", x.number);
  v.field("text", x.text);
  v.field("coded", x.coded);
  v.field("structuredNumeric", x.structured_numeric);
  v.field("dateTime", x.date_time);
}

template <class V, ModelOf<ReferenceRange> T>
void jsonFields(V& v, T& x) {
  v.field("text", x.text);
  v.field("low", x.low);
  v.field("high", x.high);
}

template <class V, ModelOf<Interpretation> T>
void jsonFields(V& v, T& x) {
  v.field("v2", x.v2);
  v.field("fhir", x.fhir);
}

template <class V, ModelOf<Observation> T>
void jsonFields(V& v, T& x) {
  v.field("setId", x.set_id);
  v.field("valueType", x.value_type);
  v.field("category", x.category);
  v.field("code", x.code);
  v.field("subId", x.sub_id);
  v.field("value", x.value);
  v.field("units", x.units);
  v.field("referenceRange", x.reference_range);
  v.field("interpretations", x.interpretations);
  v.field("status", x.status);
  v.field("observationTime", x.observation_time);
  v.field("analysisTime", x.analysis_time);
  v.field("performer", x.performer);
  v.field("method", x.method);
  v.field("performingOrganization", x.performing_organization);
  v.field("medicalDirector", x.medical_director);
  v.field("orderIndex", x.order_index);
}

template <class V, ModelOf<Specimen> T>
void jsonFields(V& v, T& x) {
  v.field("identifier", x.identifier);
  v.field("type", x.type);
  v.field("collectionTime", x.collection_time);
  v.field("collectionEndTime", x.collection_end_time);
  v.field("receivedTime", x.received_time);
  v.field("sourceSite", x.source_site);
  v.field("orderIndex", x.order_index);
}

template <class V, ModelOf<Note> T>
void jsonFields(V& v, T& x) {
  v.field("text", x.text);
  v.field("source", x.source);
  v.field("commentType", x.comment_type);
  v.field("orderIndex", x.order_index);
  v.field("observationIndex", x.observation_index);
}

template <class V, ModelOf<Immunization> T>
void jsonFields(V& v, T& x) {
  v.field("vaccineCode", x.vaccine_code);
  v.field("administeredTime", x.administered_time);
  v.field("dose", x.dose);
  v.field("doseUnit", x.dose_unit);
  v.field("lotNumber", x.lot_number);
  v.field("expirationDate", x.expiration_date);
  v.field("manufacturer", x.manufacturer);
  v.field("route", x.route);
  v.field("site", x.site);
  v.field("status", x.status);
  v.field("completionStatus", x.completion_status);
  v.field("informationSource", x.information_source);
  v.field("performer", x.performer);
}

template <class V, ModelOf<Coverage> T>
void jsonFields(V& v, T& x) {
  v.field("planId", x.plan_id);
  v.field("planName", x.plan_name);
  v.field("payer", x.payer);
  v.field("groupNumber", x.group_number);
  v.field("groupName", x.group_name);
  v.field("memberId", x.member_id);
  v.field("subscriberName", x.subscriber_name);
  v.field("relationship", x.relationship);
  v.field("periodStart", x.period_start);
  v.field("periodEnd", x.period_end);
}

template <class V, ModelOf<ClaimDiagnosis> T>
void jsonFields(V& v, T& x) {
  v.field("sequence", x.sequence);
  v.field("code", x.code);
}

template <class V, ModelOf<ClaimItem> T>
void jsonFields(V& v, T& x) {
  v.field("sequence", x.sequence);
  v.field("code", x.code);
  v.field("quantity", x.quantity);
  v.field("unitPrice", x.unit_price);
  v.field("net", x.net);
  v.field("serviceDate", x.service_date);
}

template <class V, ModelOf<Claim> T>
void jsonFields(V& v, T& x) {
  v.field("claimId", x.claim_id);
  v.field("submissionId", x.submission_id);
  v.field("status", x.status);
  v.field("type", x.type);
  v.field("created", x.created);
  v.field("serviceStart", x.service_start);
  v.field("serviceEnd", x.service_end);
  v.field("provider", x.provider);
  v.field("payer", x.payer);
  v.field("member", x.member);
  v.field("diagnoses", x.diagnoses);
  v.field("items", x.items);
  v.field("total", x.total);
  v.field("currency", x.currency);
}

template <class V, ModelOf<Adjustment> T>
void jsonFields(V& v, T& x) {
  v.field("groupCode", x.group_code);
  v.field("reasonCode", x.reason_code);
  v.field("amount", x.amount);
}

template <class V, ModelOf<ClaimResponseItem> T>
void jsonFields(V& v, T& x) {
  v.field("itemSequence", x.item_sequence);
  v.field("allowed", x.allowed);
  v.field("paid", x.paid);
  v.field("patientShare", x.patient_share);
  v.field("adjustments", x.adjustments);
}

template <class V, ModelOf<ClaimResponse> T>
void jsonFields(V& v, T& x) {
  v.field("responseId", x.response_id);
  v.field("claimId", x.claim_id);
  v.field("submissionId", x.submission_id);
  v.field("status", x.status);
  v.field("outcome", x.outcome);
  v.field("disposition", x.disposition);
  v.field("created", x.created);
  v.field("payer", x.payer);
  v.field("items", x.items);
  v.field("adjustments", x.adjustments);
  v.field("totalSubmitted", x.total_submitted);
  v.field("totalAllowed", x.total_allowed);
  v.field("totalPaid", x.total_paid);
  v.field("totalPatientShare", x.total_patient_share);
  v.field("paymentDate", x.payment_date);
  v.field("paymentReference", x.payment_reference);
  v.field("currency", x.currency);
}

template <class V, ModelOf<Extension> T>
void jsonFields(V& v, T& x) {
  v.field("path", x.path);
  v.field("format", x.format);
  v.field("raw", x.raw);
}

// Message members; "schema" is written and checked by the writer and the reader themselves.
template <class V, ModelOf<Message> T>
void jsonFields(V& v, T& x) {
  v.field("header", x.header);
  v.field("patient", x.patient);
  v.field("encounter", x.encounter);
  v.field("orders", x.orders);
  v.field("observations", x.observations);
  v.field("specimens", x.specimens);
  v.field("notes", x.notes);
  v.field("immunizations", x.immunizations);
  v.field("coverages", x.coverages);
  v.field("claims", x.claims);
  v.field("claimResponses", x.claim_responses);
  v.field("extensions", x.extensions);
}

}  // namespace ferry::canonical
