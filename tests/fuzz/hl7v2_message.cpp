// Fuzz target: an HL7 v2 stream through the whole path the CLI and the engine take (splitter in
// memory and streamed, Message::parse, path reads, editing, normalize, canonical JSON both ways,
// FHIR Bundle, HL7 v2 written from the canonical model, ACKs). The invariants are the mutation
// tests' (tests/hl7v2/mutation_check.h), so a fuzz find and a mutation find break the same
// sentence; on top, `ferry convert --to hl7v2` writes back a parsed message unchanged, and
// replacing a field's first repetition with its own bytes changes nothing.
//
// Input: byte 0 picks the istream chunk size (1..64), the rest is the stream.

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/hl7v2/mutation_check.h"

namespace {

using ferry::hl7v2::Message;
using ferry::hl7v2::Path;

// Editing is byte-exact: a field's first repetition set to its own encoded bytes leaves the
// message as it was. Header segments are left out (MSH-1 and MSH-2 hold the delimiters).
void checkSelfEdit(const Message& message) {
  for (std::size_t i = 0; i < message.segmentCount() && i < 8; ++i) {
    const ferry::hl7v2::Segment segment = message.segment(i);
    if (segment.isHeader()) continue;
    const std::string id(segment.id());
    int occurrence = 0;
    for (std::size_t j = 0; j <= i; ++j) occurrence += message.segment(j).id() == id ? 1 : 0;
    if (message.findSegment(id, occurrence) != i) continue;
    for (int f = 1; f <= segment.fieldCount() && f <= 3; ++f) {
      const std::string raw(segment.field(f).repetition(1).raw());
      Message edited = message;
      const auto set = edited.setEncoded(Path{id, occurrence, f, 1, 0, 0}, raw);
      if (!set) continue;
      ferry::fuzz::check(edited.bytes() == message.bytes(),
                         "setting " + Path{id, occurrence, f, 1, 0, 0}.toString() +
                             " to its own bytes changed the message");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ferry::fuzz::Bytes bytes(data, size);
  const std::size_t chunk = 1 + bytes.take() % 64;
  const std::string input(bytes.rest());
  // A fresh checker for each input: its ACK code depends on how many messages it saw, and a
  // crash must replay from its input alone.
  ferry::hl7v2::mutation::Checker checker;
  checker.check(input, ferry::hl7v2::Limits{}, chunk);
  if (!checker.problems().empty()) ferry::fuzz::fail(checker.problems().front());

  ferry::hl7v2::Splitter splitter{std::string_view(input)};
  ferry::hl7v2::SplitItem item;
  for (int n = 0; n < 64 && splitter.next(item); ++n) {
    if (item.kind != ferry::hl7v2::SplitItem::Kind::Message) continue;
    const auto parsed = Message::parse(item.bytes);
    if (parsed) checkSelfEdit(*parsed);
  }
  return 0;
}
