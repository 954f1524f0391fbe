// Hl7Intake::receiveBatch: a batch received in one piece, split into its messages.
#include <string>
#include <vector>

#include "engine/runtime/hl7_intake.h"
#include "parsers/hl7v2/batch_ack.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::runtime {

std::optional<std::string> Hl7Intake::receiveBatch(std::string bytes) {
  std::string fhs;
  std::string bhs;
  std::vector<std::string> messages;
  std::string comment;  // problems of the batch itself, for BTS-2
  hl7v2::Splitter splitter{std::string_view(bytes)};
  hl7v2::SplitItem item;
  while (splitter.next(item)) {
    switch (item.kind) {
      case hl7v2::SplitItem::Kind::Envelope:
        // The first file and batch headers are answered; a second batch in the same file is
        // read like the first, and its ACKs join the one response batch.
        if (item.bytes.substr(0, 3) == "FHS" && fhs.empty()) fhs = std::string(item.bytes);
        if (item.bytes.substr(0, 3) == "BHS" && bhs.empty()) bhs = std::string(item.bytes);
        break;
      case hl7v2::SplitItem::Kind::Message:
        messages.emplace_back(item.bytes);
        break;
      case hl7v2::SplitItem::Kind::Error:
        if (!item.bytes.empty()) {
          messages.emplace_back(item.bytes);  // stored as errored and answered with AR, like any
        } else if (item.error) {
          comment += (comment.empty() ? "" : "; ") + item.error->text;
        }
        break;
    }
  }
  const std::size_t count = messages.size();
  auto answers = receiveMessages(std::move(messages));
  std::vector<std::string> acks;
  acks.reserve(count);
  for (auto& answer : answers) {
    if (!answer) return std::nullopt;  // not stored (the store refused the transaction)
    if (!answer->empty()) acks.push_back(std::move(*answer));  // empty: MSH-15 asked for none
  }
  const std::string control_id = "FERRY-B" + std::to_string(nowMs()) + "-" + std::to_string(++batches_answered_);
  return hl7v2::buildBatchAck(hl7v2::ReceivedBatch{fhs, bhs}, acks, comment, control_id);
}

}  // namespace ferry::runtime
