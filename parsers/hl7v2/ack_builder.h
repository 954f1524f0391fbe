#pragma once
// Builds the acknowledgment for a received message: sender and receiver swapped, MSA-1 the
// outcome, MSA-2 the original control id, and one ERR segment per problem with its HL7 table
// 0357 code and location. The ACK is written in the message's own version and delimiters, since
// the peer parses it with the same settings it sent with.

#include <string>
#include <string_view>
#include <vector>

#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/message.h"

namespace ferry::hl7v2 {

// HL7 table 0008. AA/AE/AR are application acknowledgments (original mode); CA/CE/CR are the
// commit acknowledgments of enhanced mode.
enum class AcknowledgmentCode { AA, AE, AR, CA, CE, CR };

std::string_view toString(AcknowledgmentCode code);

// Now as an HL7 DTM in UTC (20261128004147+0000), for the header of what Ferry writes back.
std::string nowTimestamp();

struct AckOptions {
  std::string control_id;  // MSH-10 of the ACK; Ferry passes its own message id
  std::string timestamp;   // MSH-7 as HL7 DTM; empty = now (UTC)
  std::string text;        // MSA-3 free text, never patient data
};

std::string buildAck(const Message& message, AcknowledgmentCode code,
                     const std::vector<Error>& errors, const AckOptions& options);

// When the message asks for an ACK (table 0155 in MSH-15): always in original mode (MSH-15 and
// MSH-16 empty); in enhanced mode AL, or an empty or unknown MSH-15, always; NE never; ER only
// for an error or reject (CE/CR, AE/AR); SU only on success (CA/AA). The receiver honouring it
// and a sender that knows its receiver does both read it here.
struct AcceptAckConditions {
  bool on_success = true;
  bool on_error = true;
};
AcceptAckConditions acceptAckConditions(const Message& message);
// Whether the message asks for an ACK with this code.
bool acceptAckRequested(const Message& message, AcknowledgmentCode code);

// For bytes that could not be parsed at all: an AR (or CR) in default delimiters and version
// 2.5.1, with whatever control id could be recovered from the raw header (maybe none).
std::string buildRejectForUnparseable(std::string_view bytes, const Error& error,
                                      const AckOptions& options, bool enhanced = false);

}  // namespace ferry::hl7v2
