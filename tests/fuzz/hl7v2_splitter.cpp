// Fuzz target: the HL7 v2 stream splitter. The same bytes split in memory and read from an
// istream in chunks must give the same items (messages, batch envelopes, errors) at the same
// offsets: a file read by `ferry parse` and the same bytes in memory must never disagree.
// Small limits are taken from the input too, so the oversize paths (skip to the next message,
// skip an oversize MLLP frame) are reached with small inputs.
//
// The first FHS and BHS it yields are then answered as a batch received in one MLLP frame is
// (buildBatchAck): whatever those headers hold, the response batch must read back, with Ferry's
// own splitter, as exactly the ACKs put in it.
//
// Input: byte 0 picks the chunk size (1..256), byte 1 the limits (0 = the defaults), the rest
// is the stream.

#include <sstream>
#include <vector>

#include "parsers/hl7v2/batch_ack.h"
#include "parsers/hl7v2/splitter.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using ferry::hl7v2::SplitItem;

struct Item {
  SplitItem::Kind kind;
  std::string bytes;
  std::uint64_t offset;
  std::size_t number;
  std::string error;
  bool operator==(const Item&) const = default;
};

std::vector<Item> split(ferry::hl7v2::Splitter& splitter, std::string_view input) {
  std::vector<Item> items;
  SplitItem item;
  // Every item but a few errors at the end consumes a byte: more items than this is a loop.
  const std::size_t bound = 2 * input.size() + 8;
  while (splitter.next(item)) {
    ferry::fuzz::check(items.size() < bound, "the splitter does not end");
    Item out{item.kind, std::string(item.bytes), item.offset, item.number, ""};
    if (item.kind == SplitItem::Kind::Error) {
      ferry::fuzz::check(item.error.has_value(), "an error item without an error");
      ferry::fuzz::check(!item.error->text.empty(), "a splitter error without a sentence");
      ferry::fuzz::check(item.error->offset <= input.size(), "a splitter error beyond the input");
      out.error = item.error->describe();
    } else {
      ferry::fuzz::check(item.offset <= input.size() && item.bytes.size() <= input.size() - item.offset &&
                             input.substr(item.offset, item.bytes.size()) == item.bytes,
                         "an item that is not the input's bytes at its offset");
    }
    items.push_back(std::move(out));
  }
  return items;
}

void checkBatchAck(const std::vector<Item>& items) {
  std::string fhs;
  std::string bhs;
  for (const Item& item : items) {
    if (item.kind != SplitItem::Kind::Envelope) continue;
    if (fhs.empty() && item.bytes.rfind("FHS", 0) == 0) fhs = item.bytes;
    if (bhs.empty() && item.bytes.rfind("BHS", 0) == 0) bhs = item.bytes;
  }
  if (fhs.empty() && bhs.empty()) return;
  const std::vector<std::string> acks = {"MSH|^~\\&|A|B|C|D|20261128||ACK|F1|P|2.5.1\rMSA|AA|1\r",
                                         "MSH|^~\\&|A|B|C|D|20261128||ACK|F2|P|2.5.1\rMSA|AE|2\r"};
  const std::string response =
      ferry::hl7v2::buildBatchAck({fhs, bhs}, acks, "BTS-1 declares 3", "FERRY-B1", "20261128");
  ferry::hl7v2::Splitter splitter{std::string_view(response)};
  SplitItem item;
  std::size_t messages = 0;
  for (std::size_t n = 0; splitter.next(item) && n < 64; ++n) {
    if (item.kind == SplitItem::Kind::Error) {
      ferry::fuzz::fail("the response batch does not read back: " + item.error->describe());
    }
    if (item.kind == SplitItem::Kind::Message) {
      ferry::fuzz::check(messages < acks.size() && item.bytes == acks[messages], "the response batch changed an ACK");
      ++messages;
    }
  }
  ferry::fuzz::check(messages == acks.size(), "the response batch lost an ACK");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ferry::fuzz::Bytes bytes(data, size);
  const std::size_t chunk = 1 + bytes.take();
  const std::uint8_t shape = bytes.take();
  ferry::hl7v2::Limits limits;
  if (shape != 0) {
    limits.max_message_bytes = 16 + (shape & 0x0F) * 64;
    limits.max_segment_bytes = 8 + ((shape >> 4) & 0x03) * 32;
    limits.max_segments = 1 + (shape >> 6) * 4;
    limits.max_fields_per_segment = 1 + (shape & 0x07) * 3;
  }
  const std::string_view input = bytes.rest();
  ferry::hl7v2::Splitter in_memory{input, limits};
  const std::vector<Item> expected = split(in_memory, input);
  checkBatchAck(expected);
  std::istringstream stream{std::string(input)};
  ferry::hl7v2::Splitter streamed{stream, limits, chunk};
  const std::vector<Item> got = split(streamed, input);
  if (got != expected) {
    std::string where = "in memory " + std::to_string(expected.size()) + " items, streamed " +
                        std::to_string(got.size());
    for (std::size_t i = 0; i < std::min(got.size(), expected.size()); ++i) {
      if (got[i] == expected[i]) continue;
      where += "; first difference at item " + std::to_string(i) + " (offsets " +
               std::to_string(expected[i].offset) + "/" + std::to_string(got[i].offset) + ", errors '" +
               expected[i].error + "' / '" + got[i].error + "')";
      break;
    }
    ferry::fuzz::fail("the splitter streamed in chunks of " + std::to_string(chunk) +
                      " disagrees with the splitter in memory: " + where);
  }
  return 0;
}
