#pragma once
// The response batch to a batch of messages received in one piece (HL7 v2 chapter 2, "HL7 batch
// protocol" and "Acknowledging batches"): the file and batch headers with sender and receiver
// swapped, FHS-12 and BHS-12 naming the received file's and batch's control ids (FHS-11,
// BHS-11), the acknowledgments of the messages in their order, BTS-1 their count and BTS-2 a
// comment on the batch itself (trailer counts that disagree with what was read), FTS-1 = 1.
// Written in the received headers' delimiters, like an ACK in its message's.

#include <string>
#include <string_view>
#include <vector>

namespace ferry::hl7v2 {

// The envelope segments as received, without their terminator; fhs may be empty (a batch
// without a file header), and bhs too (a file header without a batch header).
struct ReceivedBatch {
  std::string_view fhs;
  std::string_view bhs;
};

// True when bytes begin with a batch header (FHS or BHS): a batch rather than one message.
bool isBatch(std::string_view bytes);

// `acks` are complete ACK messages (segments ending in \r); `comment` is plain text.
// `control_id` becomes FHS-11 and BHS-11; `timestamp` FHS-7 and BHS-7 (empty: now, UTC).
std::string buildBatchAck(const ReceivedBatch& received, const std::vector<std::string>& acks,
                          std::string_view comment, const std::string& control_id,
                          const std::string& timestamp = {});

}  // namespace ferry::hl7v2
