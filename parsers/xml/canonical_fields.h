#pragma once
// The canonical fields and collections an XML profile can map, by name.
//
// Names are the members of the canonical JSON form (docs/canonical.md) written as paths:
// "claims[].items[].quantity" is the quantity of the claim line the current repeat is on,
// "patient.names[0].family" the family name of the patient's first name. The list is data, so
// a new insurer needs only a profile; a new canonical member needs one line here.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "engine/canonical/message.h"

namespace ferry::xml {

// The canonical object a field belongs to. A profile's repeat binds one object of a scope to
// each XML node it selects; fields can be read or written only where their scope is bound.
enum class Scope {
  Message,             // header, patient, encounter, coverages[0]
  Claim,               // claims[]
  Diagnosis,           // claims[].diagnoses[]
  Item,                // claims[].items[]
  Response,            // claimResponses[]
  ResponseItem,        // claimResponses[].items[]
  ItemAdjustment,      // claimResponses[].items[].adjustments[]
  ResponseAdjustment,  // claimResponses[].adjustments[]
};

std::string_view scopeName(Scope scope);

// The canonical objects bound at one point of a document, read-only (used when writing XML).
struct Entries {
  const canonical::Message* message = nullptr;
  const canonical::Claim* claim = nullptr;
  const canonical::ClaimDiagnosis* diagnosis = nullptr;
  const canonical::ClaimItem* item = nullptr;
  const canonical::ClaimResponse* response = nullptr;
  const canonical::ClaimResponseItem* response_item = nullptr;
  const canonical::Adjustment* item_adjustment = nullptr;
  const canonical::Adjustment* response_adjustment = nullptr;
};

// The same, writable (used when reading XML into the canonical Message).
struct MutableEntries {
  canonical::Message* message = nullptr;
  canonical::Claim* claim = nullptr;
  canonical::ClaimDiagnosis* diagnosis = nullptr;
  canonical::ClaimItem* item = nullptr;
  canonical::ClaimResponse* response = nullptr;
  canonical::ClaimResponseItem* response_item = nullptr;
  canonical::Adjustment* item_adjustment = nullptr;
  canonical::Adjustment* response_adjustment = nullptr;
};

// One canonical value, as text.
struct Field {
  std::string_view name;
  Scope scope;
  // The value, or "" when it or the object holding it is absent.
  std::string (*get)(const Entries&);
  // Stores the value, creating the first element of vectors on the way (names[0]...); false
  // when the value cannot be read as the field's type (a sequence number that is not one).
  bool (*set)(MutableEntries&, std::string value);
};

// A vector of canonical objects a profile can repeat over.
struct Collection {
  std::string_view name;  // "claims[].items"
  Scope parent;           // scope that holds the vector
  Scope scope;            // scope of its elements
  std::size_t (*size)(const Entries&);
  // child = parent with the index-th element bound.
  void (*bind)(const Entries& parent, std::size_t index, Entries& child);
  // Appends a new element to the vector of the bound parent object and binds it.
  void (*append)(MutableEntries& entries);
  // Makes room for count more elements in the vector of the bound parent object.
  void (*reserve)(MutableEntries& entries, std::size_t count);
};

const Field* findField(std::string_view name);
const Collection* findCollection(std::string_view name);
std::span<const Field> allFields();
std::span<const Collection> allCollections();

// The scope that holds objects of scope (Message for Claim; Claim for Item...); Message for
// Message.
Scope parentScope(Scope scope);

}  // namespace ferry::xml
