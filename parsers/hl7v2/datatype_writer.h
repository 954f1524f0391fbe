#pragma once
// Writes canonical value types as HL7 v2 composite data types (CWE, CX, EI, XPN, XAD, XTN, XCN,
// DTM): the inverse of DatatypeReader, so that reading back what it writes gives the same value.
// Every leaf is escaped with the standard encoding characters; FHIR codes and system URIs go back
// to v2 codes and ids through parsers/terminology. A value that cannot be written (a date that is
// not ISO 8601) is recorded as an error naming segment and field; writing goes on, and the caller
// checks error() once at the end.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "engine/canonical/datatypes.h"
#include "parsers/hl7v2/encoding_characters.h"
#include "parsers/hl7v2/error.h"

namespace ferry::hl7v2 {

// Joins already encoded pieces with sep, leaving out trailing empty ones: {"a","b","",""} and
// '^' give "a^b", so no component is written that the value does not have.
std::string joinPieces(std::initializer_list<std::string_view> pieces, char sep);

// The v2 assigning authority for an Identifier.system: the reverse of
// terminology::identifierSystemUri ("http://hl7.org/fhir/sid/us-npi" -> "NPI"); the system itself
// when it names no well-known authority (local authorities such as "CITYHOSP").
std::string_view assigningAuthority(std::string_view system);

class DatatypeWriter {
 public:
  const EncodingCharacters& encoding() const { return enc_; }

  // Where the next writes go, so errors can name segment and field.
  void at(std::string_view segment, int sequence) {
    segment_ = segment;
    sequence_ = sequence;
  }

  std::string text(std::string_view value) const;  // one escaped leaf
  // ISO 8601 to DTM with the same precision and offset; what names the value for the error.
  std::string dateTime(std::string_view iso, int field, std::string_view what);

  // CWE.1-3: code ^ text ^ coding system id.
  std::string coding(const canonical::Coding& c) const;
  // CWE: primary coding, alternate coding, original text (CWE.9).
  std::string codeableConcept(const canonical::CodeableConcept& cc) const;
  std::string identifier(const canonical::Identifier& id) const;  // CX: id ^^^ authority ^ type
  // EI: id ^ namespace; sep is '&' where the EI sits inside a component (EIP).
  std::string entityIdentifier(const canonical::Identifier& id, char sep = '^') const;
  std::string name(const canonical::HumanName& n) const;          // XPN
  std::string address(const canonical::Address& a) const;         // XAD
  std::string contactPoint(const canonical::ContactPoint& cp) const;  // XTN
  std::string practitioner(const canonical::Practitioner& p) const;   // XCN
  // XON: name, with the identifier in XON.10 (v2.5 on), its authority in XON.6, type in XON.7.
  std::string organization(const canonical::Organization& o) const;

  // Keeps the first error only: later ones are usually consequences of it.
  void recordError(ErrorCode code, int field, std::string text);
  const std::optional<Error>& error() const { return error_; }

 private:
  EncodingCharacters enc_;  // the standard |^~\&
  std::string segment_;
  int sequence_ = 0;
  std::optional<Error> error_;
};

}  // namespace ferry::hl7v2
