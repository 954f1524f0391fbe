#include "parsers/hl7v2/normalizer.h"

#include <array>
#include <utility>
#include <vector>

#include "parsers/hl7v2/datatype_reader.h"
#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/header.h"
#include "parsers/hl7v2/model_reset.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/hl7v2/segment_normalizers.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

namespace {

struct SupportedType {
  std::string_view type;
  std::string_view event;
};

// ADT events beyond the four the lab and insurer flows need share the PID/PV1/IN1 shape, so
// they normalize the same way. The lab types come first: the list is searched for every message.
constexpr std::array<SupportedType, 18> kSupported = {{
    {"ORU", "R01"}, {"ORM", "O01"}, {"OML", "O21"}, {"VXU", "V04"}, {"ADT", "A01"},
    {"ADT", "A02"}, {"ADT", "A03"}, {"ADT", "A04"}, {"ADT", "A05"}, {"ADT", "A06"},
    {"ADT", "A07"}, {"ADT", "A08"}, {"ADT", "A11"}, {"ADT", "A12"}, {"ADT", "A13"},
    {"ADT", "A28"}, {"ADT", "A31"}, {"ACK", ""},
}};

enum class Support { Supported, UnsupportedType, UnsupportedEvent };

// Whether normalize() reads this type and event, in one pass over the list.
Support supportOf(std::string_view type, std::string_view event) {
  bool type_listed = false;
  for (const auto& s : kSupported) {
    if (!sameBytes(s.type, type)) continue;
    if (sameBytes(s.event, event) || s.type == "ACK") return Support::Supported;
    type_listed = true;
  }
  return type_listed ? Support::UnsupportedEvent : Support::UnsupportedType;
}

// Every member of the header is written over here rather than emptied first (model_reset.h
// leaves it): a stream's messages mostly repeat their header's values, which are then compared
// instead of copied again (measured: -140 instructions a message). The binding names every
// member, so one added to the model stops the build here until it is written too.
void readHeader(const Message& message, const HeaderFacts& facts, DatatypeReader& reader,
                canonical::Header& header) {
  auto& [source_format, message_type, trigger_event, message_structure, control_id, version,
         sending_application, sending_facility, receiving_application, receiving_facility,
         message_datetime, processing_id, character_set, accept_ack_type, application_ack_type] =
      header;
  const Segment msh = message.segment(0);
  reader.at(msh, 1);
  overwrite(source_format, canonical::kSourceHl7v2);
  reader.assignText(componentOne(msh.headerValueField(3)), sending_application);
  reader.assignText(componentOne(msh.headerValueField(4)), sending_facility);
  reader.assignText(componentOne(msh.headerValueField(5)), receiving_application);
  reader.assignText(componentOne(msh.headerValueField(6)), receiving_facility);
  reader.dateTime(msh.headerValueField(7), 7, message_datetime);
  const Pieces type(msh.headerValueField(9));  // split once for its three components
  reader.assignText(type[1], message_type);
  reader.assignText(type[2], trigger_event);
  // Taken from EVN-1 (or implied) as decoded text: widened to UTF-8 like every other value.
  if (trigger_event.empty()) {
    trigger_event = toUtf8(triggerEvent(message, facts.version), facts.charset);
  }
  reader.assignText(type[3], message_structure);
  // Differs from message to message, but is mostly as long as the one before (copied over it
  // in line).
  reader.assignText(msh.headerValueField(10), control_id);
  reader.assignText(componentOne(msh.headerValueField(11)), processing_id);
  assignUtf8(facts.version, facts.charset, version);
  assignUtf8(facts.charset_name, facts.charset, character_set);
  reader.assignText(msh.headerValueField(15), accept_ack_type);
  reader.assignText(msh.headerValueField(16), application_ack_type);
}

Error typeError(ErrorCode code, int component, std::string text) {
  Error e;
  e.code = code;
  e.segment = "MSH";
  e.segment_sequence = 1;
  e.field = 9;
  e.component = component;
  e.text = std::move(text);
  return e;
}

// The segments without which a message type carries nothing to act on, and the segments that
// may come before each in its message structure (v2.5.1 abstract message syntax, UAC from 2.7),
// which say where the segment was expected when it is missing.
struct RequiredSegment {
  std::string_view type;
  std::string_view segment;
  std::string_view after;  // segment ids, separated by spaces
};
constexpr std::array<RequiredSegment, 8> kRequired = {{
    {"ADT", "PID", "MSH SFT UAC EVN"},
    {"ADT", "PV1", "MSH SFT UAC EVN PID PD1 ROL NK1"},
    {"ORU", "OBR", "MSH SFT UAC PID PD1 NTE NK1 PV1 PV2 ORC"},
    {"ORU", "OBX", "MSH SFT UAC PID PD1 NTE NK1 PV1 PV2 ORC OBR TQ1 TQ2 CTD"},
    {"ORM", "ORC", "MSH SFT UAC NTE PID PD1 PV1 PV2 IN1 IN2 IN3 GT1 AL1"},
    {"OML", "ORC", "MSH SFT UAC NTE PID PD1 NK1 PV1 PV2 IN1 IN2 IN3 GT1 AL1"},
    {"VXU", "PID", "MSH SFT UAC"},
    {"VXU", "RXA", "MSH SFT UAC PID PD1 NK1 PV1 PV2 GT1 IN1 IN2 IN3 ORC TQ1 TQ2"},
}};

bool listed(std::string_view ids, std::string_view id) {
  for (std::size_t at = 0; at + 3 <= ids.size(); at += 4) {
    if (ids.substr(at, 3) == id) return true;
  }
  return false;
}

// The error for a required segment that is missing. It names the byte where the segment was
// expected: the end (the terminator) of the segment it should have followed, i.e. the last of
// the run of segments from MSH on that may come before it. Z-segments neither end the run nor
// are named, as each site puts its own where it likes. An analyst reading "message 3, segment
// OBR, byte N" finds there the segment the OBR belongs after, and N is always inside message 3
// (the message's size, named before, is the first byte of the next message in a file). Out of
// the loop below: only a message with a segment missing pays for the walk and the sentence.
Error missingSegment(const Message& message, const RequiredSegment& r, const std::string& type) {
  std::size_t before = 0;  // MSH
  for (std::size_t i = 1; i < message.segmentCount(); ++i) {
    const std::string_view id = message.segment(i).id();
    if (id[0] == 'Z') continue;
    if (!listed(r.after, id)) break;
    before = i;
  }
  const Segment anchor = message.segment(before);
  const std::string_view raw = anchor.raw();
  Error e;
  e.code = ErrorCode::SegmentSequence;
  e.segment = std::string(r.segment);
  e.offset = static_cast<std::uint64_t>(raw.data() + raw.size() - message.bytes().data());
  e.text = "segment " + std::string(r.segment) + " is required in " + type +
           " messages but is missing; it belongs after " + std::string(anchor.id()) +
           " (segment " + std::to_string(before + 1) + ")";
  return e;
}

// type is MSH-9.1 as the header reader decoded it: only ASCII types are listed, and for those
// it is the same text Message::messageCode() would decode again.
void checkRequiredSegments(const Message& message, const std::string& type,
                           std::vector<Error>& errors) {
  for (const auto& r : kRequired) {
    if (!sameBytes(r.type, type)) continue;
    if (message.findSegment(r.segment) != message.segmentCount()) continue;
    errors.push_back(missingSegment(message, r, type));
  }
}

// Room for every OBX and NTE, so that a fresh result (the engine makes one a message) allocates
// its lists once. A result normalized into again already has the room of the messages before and
// grows like any vector when one is longer, so it skips the counts (measured: -450 instructions
// a message on a stream).
void reserveResultsAndNotes(const Message& message, canonical::Message& out) {
  if (out.observations.capacity() != 0 || out.notes.capacity() != 0) return;
  out.observations.reserve(static_cast<std::size_t>(message.countSegments("OBX")));
  out.notes.reserve(static_cast<std::size_t>(message.countSegments("NTE")));
}

// For the paths that read no segment: the kept lists hold only an earlier message's elements,
// and the members the readers write over an earlier message's values.
void dropReusedLists(canonical::Message& out) {
  canonical::Message stale;
  swapReusedLists(stale, out);
  emptyWrittenOver(out.patient);
  emptyEncounter(out.encounter);
}

}  // namespace

bool isSupportedMessageType(std::string_view type, std::string_view event) {
  return supportOf(type, event) == Support::Supported;
}

Normalized normalize(const Message& message) {
  Normalized result;
  normalize(message, result);
  return result;
}

void normalize(const Message& message, Normalized& result) {
  canonical::Message& out = result.message;
  // Everything but the lists the segment readers write over element by element starts empty
  // (model_reset.h says how no member of the message before can survive). Those lists
  // (segment_normalizers.h) are kept with their elements' heap blocks.
  resetForNextMessage(out);
  result.warnings.clear();
  if (message.segmentCount() == 0) {  // a default Message that nothing was parsed into
    out.header = canonical::Header();  // what readHeader() would have written over
    dropReusedLists(out);
    Error missing;
    missing.code = ErrorCode::SegmentSequence;
    missing.segment = "MSH";
    missing.segment_sequence = 1;
    missing.text = "the message is empty: it must start with an MSH segment";
    result.errors.assign(1, std::move(missing));
    return;
  }
  HeaderFacts facts;
  result.errors = checkHeader(message, facts);
  DatatypeReader reader(message, facts.charset, result.errors, result.warnings, out.extensions);
  if (result.memo.prepare(message.encoding(), facts.charset)) reader.remember(&result.memo);
  readHeader(message, facts, reader, out.header);

  const auto& header = out.header;
  const Support support = header.message_type.empty()
                              ? Support::Supported
                              : supportOf(header.message_type, header.trigger_event);
  if (support != Support::Supported) {
    dropReusedLists(out);
    result.errors.push_back(
        support == Support::UnsupportedType
            ? typeError(ErrorCode::UnsupportedMessageType, 1,
                        "message type '" + header.message_type +
                            "' is not supported (ADT, ORM, OML, ORU, VXU)")
            : typeError(ErrorCode::UnsupportedEventCode, 2,
                        "trigger event '" + header.trigger_event + "' is not supported for " +
                            header.message_type));
    return;
  }

  reserveResultsAndNotes(message, out);
  SegmentNormalizer segments(reader, out, result.spares);
  for (std::size_t i = 1; i < message.segmentCount(); ++i) {
    const Segment segment = message.segment(i);
    reader.at(segment, static_cast<int>(i + 1));
    segments.read(segment);
  }
  segments.finish();
  checkRequiredSegments(message, out.header.message_type, result.errors);
}

}  // namespace ferry::hl7v2
