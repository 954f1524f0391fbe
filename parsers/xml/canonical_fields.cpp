#include "parsers/xml/canonical_fields.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

namespace ferry::xml {
namespace {

using namespace ferry::canonical;

// The object of scope S bound in entries (const or mutable pointer, nullptr when unbound).
template <Scope S, typename E>
auto scopeObject(E& entries) {
  if constexpr (S == Scope::Message) return entries.message;
  else if constexpr (S == Scope::Claim) return entries.claim;
  else if constexpr (S == Scope::Diagnosis) return entries.diagnosis;
  else if constexpr (S == Scope::Item) return entries.item;
  else if constexpr (S == Scope::Response) return entries.response;
  else if constexpr (S == Scope::ResponseItem) return entries.response_item;
  else if constexpr (S == Scope::ItemAdjustment) return entries.item_adjustment;
  else return entries.response_adjustment;
}

template <Scope S, typename E, typename T>
void bindScopeObject(E& entries, T* object) {
  if constexpr (S == Scope::Message) entries.message = object;
  else if constexpr (S == Scope::Claim) entries.claim = object;
  else if constexpr (S == Scope::Diagnosis) entries.diagnosis = object;
  else if constexpr (S == Scope::Item) entries.item = object;
  else if constexpr (S == Scope::Response) entries.response = object;
  else if constexpr (S == Scope::ResponseItem) entries.response_item = object;
  else if constexpr (S == Scope::ItemAdjustment) entries.item_adjustment = object;
  else entries.response_adjustment = object;
}

// A member path step on a vector means its first element.
template <typename T>
const T* firstOf(const T& value) { return &value; }
template <typename T>
const T* firstOf(const std::vector<T>& values) { return values.empty() ? nullptr : &values.front(); }
template <typename T>
T& firstOrNew(T& value) { return value; }
template <typename T>
T& firstOrNew(std::vector<T>& values) {
  if (values.empty()) values.emplace_back();
  return values.front();
}

// Follows member pointers from object without creating anything; nullptr when a vector on the
// way is empty.
template <typename Object>
const Object* follow(const Object* object) { return object; }
template <auto Member, auto... Rest, typename Object>
auto follow(const Object* object) {
  using Next = decltype(firstOf(object->*Member));
  using Leaf = decltype(follow<Rest...>(Next{}));
  if (object == nullptr) return Leaf{nullptr};
  return follow<Rest...>(firstOf(object->*Member));
}

// Follows member pointers from object, creating first elements of vectors on the way.
template <typename Object>
Object& reach(Object& object) { return object; }
template <auto Member, auto... Rest, typename Object>
auto& reach(Object& object) { return reach<Rest...>(firstOrNew(object.*Member)); }

template <Scope S, auto... Path>
std::string getText(const Entries& entries) {
  // A std::string, or a canonical::CodeSystem for Coding.system.
  const auto* value = follow<Path...>(scopeObject<S>(entries));
  return value != nullptr ? std::string(std::string_view(*value)) : std::string();
}

template <Scope S, auto... Path>
bool setText(MutableEntries& entries, std::string value) {
  auto* object = scopeObject<S>(entries);
  if (object == nullptr) return false;
  reach<Path...>(*object) = std::move(value);
  return true;
}

template <Scope S, auto... Path>
std::string getNumber(const Entries& entries) {
  const std::optional<std::uint32_t>* value = follow<Path...>(scopeObject<S>(entries));
  return value != nullptr && value->has_value() ? std::to_string(**value) : std::string();
}

template <Scope S, auto... Path>
bool setNumber(MutableEntries& entries, std::string value) {
  auto* object = scopeObject<S>(entries);
  if (object == nullptr) return false;
  std::uint32_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size()) return false;
  reach<Path...>(*object) = number;
  return true;
}

template <Scope S, auto... Path>
constexpr Field text(std::string_view name) {
  return Field{name, S, &getText<S, Path...>, &setText<S, Path...>};
}

template <Scope S, auto... Path>
constexpr Field number(std::string_view name) {
  return Field{name, S, &getNumber<S, Path...>, &setNumber<S, Path...>};
}

constexpr Scope M = Scope::Message;
constexpr Scope C = Scope::Claim;
constexpr Scope D = Scope::Diagnosis;
constexpr Scope I = Scope::Item;
constexpr Scope R = Scope::Response;
constexpr Scope RI = Scope::ResponseItem;
constexpr Scope IA = Scope::ItemAdjustment;
constexpr Scope RA = Scope::ResponseAdjustment;

const Field kFields[] = {
    text<M, &Message::header, &Header::control_id>("header.controlId"),
    text<M, &Message::header, &Header::message_datetime>("header.messageDateTime"),
    text<M, &Message::header, &Header::sending_application>("header.sendingApplication"),
    text<M, &Message::header, &Header::sending_facility>("header.sendingFacility"),
    text<M, &Message::header, &Header::receiving_application>("header.receivingApplication"),
    text<M, &Message::header, &Header::receiving_facility>("header.receivingFacility"),
    text<M, &Message::header, &Header::processing_id>("header.processingId"),

    text<M, &Message::patient, &Patient::identifiers, &Identifier::value>("patient.identifiers[0].value"),
    text<M, &Message::patient, &Patient::identifiers, &Identifier::system>("patient.identifiers[0].system"),
    text<M, &Message::patient, &Patient::identifiers, &Identifier::type>("patient.identifiers[0].type"),
    text<M, &Message::patient, &Patient::names, &HumanName::family>("patient.names[0].family"),
    text<M, &Message::patient, &Patient::names, &HumanName::given>("patient.names[0].given[0]"),
    text<M, &Message::patient, &Patient::names, &HumanName::prefix>("patient.names[0].prefix"),
    text<M, &Message::patient, &Patient::names, &HumanName::suffix>("patient.names[0].suffix"),
    text<M, &Message::patient, &Patient::birth_date>("patient.birthDate"),
    text<M, &Message::patient, &Patient::sex>("patient.sex"),
    text<M, &Message::patient, &Patient::addresses, &Address::lines>("patient.addresses[0].lines[0]"),
    text<M, &Message::patient, &Patient::addresses, &Address::city>("patient.addresses[0].city"),
    text<M, &Message::patient, &Patient::addresses, &Address::state>("patient.addresses[0].state"),
    text<M, &Message::patient, &Patient::addresses, &Address::postal_code>("patient.addresses[0].postalCode"),
    text<M, &Message::patient, &Patient::addresses, &Address::country>("patient.addresses[0].country"),
    text<M, &Message::patient, &Patient::telecom, &ContactPoint::value>("patient.telecom[0].value"),
    text<M, &Message::patient, &Patient::account_number, &Identifier::value>("patient.accountNumber.value"),

    text<M, &Message::encounter, &Encounter::patient_class>("encounter.patientClass"),
    text<M, &Message::encounter, &Encounter::visit_number, &Identifier::value>("encounter.visitNumber.value"),
    text<M, &Message::encounter, &Encounter::admit_time>("encounter.admitTime"),
    text<M, &Message::encounter, &Encounter::discharge_time>("encounter.dischargeTime"),
    text<M, &Message::encounter, &Encounter::attending, &Practitioner::identifier, &Identifier::value>("encounter.attending[0].identifier.value"),
    text<M, &Message::encounter, &Encounter::attending, &Practitioner::identifier, &Identifier::system>("encounter.attending[0].identifier.system"),
    text<M, &Message::encounter, &Encounter::attending, &Practitioner::name, &HumanName::family>("encounter.attending[0].name.family"),
    text<M, &Message::encounter, &Encounter::attending, &Practitioner::name, &HumanName::given>("encounter.attending[0].name.given[0]"),
    text<M, &Message::encounter, &Encounter::attending, &Practitioner::name, &HumanName::prefix>("encounter.attending[0].name.prefix"),

    text<M, &Message::coverages, &Coverage::plan_id>("coverages[0].planId"),
    text<M, &Message::coverages, &Coverage::plan_name>("coverages[0].planName"),
    text<M, &Message::coverages, &Coverage::payer, &Organization::identifier, &Identifier::value>("coverages[0].payer.identifier.value"),
    text<M, &Message::coverages, &Coverage::payer, &Organization::identifier, &Identifier::system>("coverages[0].payer.identifier.system"),
    text<M, &Message::coverages, &Coverage::payer, &Organization::name>("coverages[0].payer.name"),
    text<M, &Message::coverages, &Coverage::group_number>("coverages[0].groupNumber"),
    text<M, &Message::coverages, &Coverage::group_name>("coverages[0].groupName"),
    text<M, &Message::coverages, &Coverage::member_id>("coverages[0].memberId"),
    text<M, &Message::coverages, &Coverage::subscriber_name, &HumanName::family>("coverages[0].subscriberName.family"),
    text<M, &Message::coverages, &Coverage::subscriber_name, &HumanName::given>("coverages[0].subscriberName.given[0]"),
    text<M, &Message::coverages, &Coverage::relationship, &Coding::code>("coverages[0].relationship.code"),
    text<M, &Message::coverages, &Coverage::period_start>("coverages[0].periodStart"),
    text<M, &Message::coverages, &Coverage::period_end>("coverages[0].periodEnd"),

    text<C, &Claim::claim_id>("claims[].claimId"),
    text<C, &Claim::submission_id>("claims[].submissionId"),
    text<C, &Claim::status>("claims[].status"),
    text<C, &Claim::type, &Coding::system>("claims[].type.system"),
    text<C, &Claim::type, &Coding::code>("claims[].type.code"),
    text<C, &Claim::type, &Coding::display>("claims[].type.display"),
    text<C, &Claim::created>("claims[].created"),
    text<C, &Claim::service_start>("claims[].serviceStart"),
    text<C, &Claim::service_end>("claims[].serviceEnd"),
    text<C, &Claim::provider, &Organization::identifier, &Identifier::value>("claims[].provider.identifier.value"),
    text<C, &Claim::provider, &Organization::identifier, &Identifier::system>("claims[].provider.identifier.system"),
    text<C, &Claim::provider, &Organization::identifier, &Identifier::type>("claims[].provider.identifier.type"),
    text<C, &Claim::provider, &Organization::name>("claims[].provider.name"),
    text<C, &Claim::payer, &Organization::identifier, &Identifier::value>("claims[].payer.identifier.value"),
    text<C, &Claim::payer, &Organization::identifier, &Identifier::system>("claims[].payer.identifier.system"),
    text<C, &Claim::payer, &Organization::name>("claims[].payer.name"),
    text<C, &Claim::member, &Identifier::value>("claims[].member.value"),
    text<C, &Claim::member, &Identifier::system>("claims[].member.system"),
    text<C, &Claim::member, &Identifier::type>("claims[].member.type"),
    text<C, &Claim::total>("claims[].total"),
    text<C, &Claim::currency>("claims[].currency"),

    number<D, &ClaimDiagnosis::sequence>("claims[].diagnoses[].sequence"),
    text<D, &ClaimDiagnosis::code, &CodeableConcept::codings, &Coding::system>("claims[].diagnoses[].code.codings[0].system"),
    text<D, &ClaimDiagnosis::code, &CodeableConcept::codings, &Coding::code>("claims[].diagnoses[].code.codings[0].code"),
    text<D, &ClaimDiagnosis::code, &CodeableConcept::codings, &Coding::display>("claims[].diagnoses[].code.codings[0].display"),
    text<D, &ClaimDiagnosis::code, &CodeableConcept::text>("claims[].diagnoses[].code.text"),

    number<I, &ClaimItem::sequence>("claims[].items[].sequence"),
    text<I, &ClaimItem::code, &CodeableConcept::codings, &Coding::system>("claims[].items[].code.codings[0].system"),
    text<I, &ClaimItem::code, &CodeableConcept::codings, &Coding::code>("claims[].items[].code.codings[0].code"),
    text<I, &ClaimItem::code, &CodeableConcept::codings, &Coding::display>("claims[].items[].code.codings[0].display"),
    text<I, &ClaimItem::code, &CodeableConcept::text>("claims[].items[].code.text"),
    text<I, &ClaimItem::quantity>("claims[].items[].quantity"),
    text<I, &ClaimItem::unit_price>("claims[].items[].unitPrice"),
    text<I, &ClaimItem::net>("claims[].items[].net"),
    text<I, &ClaimItem::service_date>("claims[].items[].serviceDate"),

    text<R, &ClaimResponse::response_id>("claimResponses[].responseId"),
    text<R, &ClaimResponse::claim_id>("claimResponses[].claimId"),
    text<R, &ClaimResponse::submission_id>("claimResponses[].submissionId"),
    text<R, &ClaimResponse::status>("claimResponses[].status"),
    text<R, &ClaimResponse::outcome>("claimResponses[].outcome"),
    text<R, &ClaimResponse::disposition>("claimResponses[].disposition"),
    text<R, &ClaimResponse::created>("claimResponses[].created"),
    text<R, &ClaimResponse::payer, &Organization::identifier, &Identifier::value>("claimResponses[].payer.identifier.value"),
    text<R, &ClaimResponse::payer, &Organization::identifier, &Identifier::system>("claimResponses[].payer.identifier.system"),
    text<R, &ClaimResponse::payer, &Organization::name>("claimResponses[].payer.name"),
    text<R, &ClaimResponse::total_submitted>("claimResponses[].totalSubmitted"),
    text<R, &ClaimResponse::total_allowed>("claimResponses[].totalAllowed"),
    text<R, &ClaimResponse::total_paid>("claimResponses[].totalPaid"),
    text<R, &ClaimResponse::total_patient_share>("claimResponses[].totalPatientShare"),
    text<R, &ClaimResponse::payment_date>("claimResponses[].paymentDate"),
    text<R, &ClaimResponse::payment_reference>("claimResponses[].paymentReference"),
    text<R, &ClaimResponse::currency>("claimResponses[].currency"),

    number<RI, &ClaimResponseItem::item_sequence>("claimResponses[].items[].itemSequence"),
    text<RI, &ClaimResponseItem::allowed>("claimResponses[].items[].allowed"),
    text<RI, &ClaimResponseItem::paid>("claimResponses[].items[].paid"),
    text<RI, &ClaimResponseItem::patient_share>("claimResponses[].items[].patientShare"),

    text<IA, &Adjustment::group_code>("claimResponses[].items[].adjustments[].groupCode"),
    text<IA, &Adjustment::reason_code>("claimResponses[].items[].adjustments[].reasonCode"),
    text<IA, &Adjustment::amount>("claimResponses[].items[].adjustments[].amount"),

    text<RA, &Adjustment::group_code>("claimResponses[].adjustments[].groupCode"),
    text<RA, &Adjustment::reason_code>("claimResponses[].adjustments[].reasonCode"),
    text<RA, &Adjustment::amount>("claimResponses[].adjustments[].amount"),
};

template <Scope Parent, Scope Child, auto Vector>
std::size_t collectionSize(const Entries& entries) {
  const auto* parent = scopeObject<Parent>(entries);
  return parent != nullptr ? (parent->*Vector).size() : 0;
}

template <Scope Parent, Scope Child, auto Vector>
void collectionBind(const Entries& parent, std::size_t index, Entries& child) {
  child = parent;
  bindScopeObject<Child>(child, &(scopeObject<Parent>(parent)->*Vector)[index]);
}

template <Scope Parent, Scope Child, auto Vector>
void collectionAppend(MutableEntries& entries) {
  auto& vector = scopeObject<Parent>(entries)->*Vector;
  vector.emplace_back();
  bindScopeObject<Child>(entries, &vector.back());
}

template <Scope Parent, Scope Child, auto Vector>
void collectionReserve(MutableEntries& entries, std::size_t count) {
  auto& vector = scopeObject<Parent>(entries)->*Vector;
  vector.reserve(vector.size() + count);
}

template <Scope Parent, Scope Child, auto Vector>
constexpr Collection collection(std::string_view name) {
  return Collection{name,
                    Parent,
                    Child,
                    &collectionSize<Parent, Child, Vector>,
                    &collectionBind<Parent, Child, Vector>,
                    &collectionAppend<Parent, Child, Vector>,
                    &collectionReserve<Parent, Child, Vector>};
}

const Collection kCollections[] = {
    collection<M, C, &Message::claims>("claims"),
    collection<C, D, &Claim::diagnoses>("claims[].diagnoses"),
    collection<C, I, &Claim::items>("claims[].items"),
    collection<M, R, &Message::claim_responses>("claimResponses"),
    collection<R, RI, &ClaimResponse::items>("claimResponses[].items"),
    collection<RI, IA, &ClaimResponseItem::adjustments>("claimResponses[].items[].adjustments"),
    collection<R, RA, &ClaimResponse::adjustments>("claimResponses[].adjustments"),
};

}  // namespace

std::string_view scopeName(Scope scope) {
  switch (scope) {
    case Scope::Message: return "the message";
    case Scope::Claim: return "claims[]";
    case Scope::Diagnosis: return "claims[].diagnoses[]";
    case Scope::Item: return "claims[].items[]";
    case Scope::Response: return "claimResponses[]";
    case Scope::ResponseItem: return "claimResponses[].items[]";
    case Scope::ItemAdjustment: return "claimResponses[].items[].adjustments[]";
    case Scope::ResponseAdjustment: return "claimResponses[].adjustments[]";
  }
  return "?";
}

Scope parentScope(Scope scope) {
  switch (scope) {
    case Scope::Message: return Scope::Message;
    case Scope::Claim: return Scope::Message;
    case Scope::Diagnosis: return Scope::Claim;
    case Scope::Item: return Scope::Claim;
    case Scope::Response: return Scope::Message;
    case Scope::ResponseItem: return Scope::Response;
    case Scope::ItemAdjustment: return Scope::ResponseItem;
    case Scope::ResponseAdjustment: return Scope::Response;
  }
  return Scope::Message;
}

const Field* findField(std::string_view name) {
  for (const Field& field : kFields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

const Collection* findCollection(std::string_view name) {
  for (const Collection& c : kCollections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::span<const Field> allFields() { return kFields; }
std::span<const Collection> allCollections() { return kCollections; }

}  // namespace ferry::xml
