#pragma once
// A parse or validation problem, reported as a value: a bad message is normal business.
// The code is HL7 table 0357 (message error condition codes) so an ACK's ERR segment can carry it.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace ferry::hl7v2 {

enum class ErrorCode : int {
  SegmentSequence = 100,
  RequiredFieldMissing = 101,
  DataType = 102,
  TableValueNotFound = 103,
  UnsupportedMessageType = 200,
  UnsupportedEventCode = 201,
  UnsupportedProcessingId = 202,
  UnsupportedVersionId = 203,
  UnknownKeyIdentifier = 204,
  DuplicateKeyIdentifier = 205,
  ApplicationRecordLocked = 206,
  ApplicationInternalError = 207,
};

// Text of an HL7 table 0357 code, e.g. "Required field missing".
const char* errorCodeText(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::DataType;
  std::string segment;       // segment id, e.g. "MSH"; empty when no segment applies
  // 1-based position of the segment in the whole message; 0 = unknown. (An ACK names the
  // occurrence of the segment id instead, as ERR-2 asks: ack_builder.cpp.)
  int segment_sequence = 0;
  int field = 0;             // 1-based field number; 0 = the whole segment
  int component = 0;         // 1-based component; 0 = the whole field
  std::uint64_t offset = 0;  // byte offset from the start of the message (or stream)
  std::string text;          // one sentence saying what was found and what was expected

  // "segment OBX (#5), field 2, byte 812: <text>"
  std::string describe() const;
};

// Either a value or an Error. Small on purpose: std::expected is C++23.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace ferry::hl7v2
