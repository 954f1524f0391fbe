// Fuzz target: the path syntax of `ferry get`, mappings' hl7('...') and out('...')
// (SEG[n]-F[r].C.S). A path that parses prints back as a path that parses to the same place;
// reading it with get() and at() agrees; setting a value there on a sample message either is
// refused with a sentence or reads back as the value set. A path that does not parse has a
// sentence and reads nothing.
//
// Input: the path text.

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/path.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using ferry::hl7v2::Message;
using ferry::hl7v2::Path;

const Message& sample() {
  static const Message message = *Message::parse(
      "MSH|^~\\&|LAB|NORTH|RES|CITY|20261120083015||ORU^R01^ORU_R01|CTRL-1|P|2.5.1\r"
      "PID|1||MRN1^^^CITY^MR~111-22-3333^^^USSSA^SS||Doe&Van^Jane^Q||19720314|F\r"
      "OBR|1|ORD-1^HOSP|LAB-1^NORTH|GLU^Glucose^L\r"
      "OBX|1|NM|GLU^Glucose^L||182|mg/dL|70-99|H|||F\r"
      "OBX|2|ST|COMM^Comment^L||a \\F\\ b||||||F\r");
  return message;
}

bool samePlace(const Path& a, const Path& b) {
  return a.segment == b.segment && a.occurrence == b.occurrence && a.field == b.field &&
         a.repetition == b.repetition && a.component == b.component && a.subcomponent == b.subcomponent;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Message& message = sample();
  const auto parsed = Path::parse(text);
  if (!parsed) {
    ferry::fuzz::check(!parsed.error().text.empty(), "Path::parse refused a path without a sentence");
    ferry::fuzz::check(message.get(text).empty(), "a path that does not parse read a value");
    return 0;
  }
  const std::string printed = parsed->toString();
  const auto again = Path::parse(printed);
  ferry::fuzz::check(again.ok(), "Path::toString printed a path that does not parse: " + printed);
  ferry::fuzz::check(samePlace(*again, *parsed), "Path::toString printed another place: " + printed);
  ferry::fuzz::check(message.at(*parsed).text() == message.get(text), "at() and get() differ for " + printed);

  Message edited = message;
  const auto set = edited.set(*parsed, "x^y");
  if (!set) {
    ferry::fuzz::check(!set.error().text.empty(), "Message::set refused " + printed + " without a sentence");
    ferry::fuzz::check(edited.bytes() == message.bytes(), "a refused Message::set changed the message");
    return 0;
  }
  ferry::fuzz::check(edited.at(*parsed).text() == "x^y", "the value set at " + printed + " does not read back");
  ferry::fuzz::check(Message::parse(edited.bytes()).ok(), "the message edited at " + printed + " does not parse");
  return 0;
}
