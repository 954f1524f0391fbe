#include "parsers/hl7v2/ack_builder.h"

#include <algorithm>
#include <ctime>

#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/header.h"

namespace ferry::hl7v2 {

std::string nowTimestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S+0000", &tm);
  return buf;
}

namespace {

// ERL-2 / ELD-2 "segment sequence": which occurrence of its segment id the error is in (the 3rd
// OBX is 3 wherever it stands), while Error::segment_sequence is the segment's position in the
// whole message. For a required segment that is missing, the occurrence it would have had.
// 0 (left empty) when the error names no segment or a position that holds another one.
// segment_ids are the message's segment ids in order.
int segmentOccurrence(const std::vector<std::string_view>& segment_ids, const Error& e) {
  if (e.segment.empty()) return 0;
  const auto count_before = [&](std::size_t end) {
    int n = 0;
    for (std::size_t i = 0; i < end; ++i) n += segment_ids[i] == e.segment ? 1 : 0;
    return n;
  };
  if (e.segment_sequence > 0) {
    const auto position = static_cast<std::size_t>(e.segment_sequence);
    if (position > segment_ids.size() || segment_ids[position - 1] != e.segment) return 0;
    return count_before(position);
  }
  if (e.code == ErrorCode::SegmentSequence) return count_before(segment_ids.size()) + 1;
  return 0;
}

// ERR for v2.5 and later: ERR-2 location (ERL), ERR-3 code (CWE), ERR-4 severity, ERR-8 text.
void appendErr25(std::string& out, const Error& e, int occurrence, const EncodingCharacters& enc) {
  const char f = enc.field;
  const char c = enc.component;
  out += "ERR";
  out += f;
  out += f;  // ERR-1 (ELD) is for versions before 2.5
  if (!e.segment.empty()) {
    out += e.segment;
    out += c;
    if (occurrence > 0) out += std::to_string(occurrence);
    // Trailing empty components are left out, as the encoding rules allow: "OBR^1" for a whole
    // segment, "OBX^3^5" for a field.
    if (e.field > 0) {
      out += c;
      out += std::to_string(e.field);
      if (e.component > 0) {
        out += c;
        out += c;
        out += std::to_string(e.component);
      }
    }
  }
  out += f;
  out += std::to_string(static_cast<int>(e.code));
  out += c;
  out += escape(errorCodeText(e.code), enc);
  out += c;
  out += "HL70357";
  out += f;
  out += 'E';
  out += f;
  out += f;
  out += f;
  out += f;
  out += escape(e.text, enc);  // ERR-8 user message
  out += '\r';
}

// ERR for versions before 2.5: ERR-1 (ELD) = segment^sequence^field^code&text&HL70357.
void appendErrLegacy(std::string& out, const Error& e, int occurrence,
                     const EncodingCharacters& enc) {
  const char c = enc.component;
  const char s = enc.subcomponent;
  out += "ERR";
  out += enc.field;
  out += e.segment;
  out += c;
  if (occurrence > 0) out += std::to_string(occurrence);
  out += c;
  if (e.field > 0) out += std::to_string(e.field);
  out += c;
  out += std::to_string(static_cast<int>(e.code));
  out += s;
  out += escape(errorCodeText(e.code), enc);
  out += s;
  out += "HL70357";
  out += '\r';
}

}  // namespace

std::string_view toString(AcknowledgmentCode code) {
  switch (code) {
    case AcknowledgmentCode::AA: return "AA";
    case AcknowledgmentCode::AE: return "AE";
    case AcknowledgmentCode::AR: return "AR";
    case AcknowledgmentCode::CA: return "CA";
    case AcknowledgmentCode::CE: return "CE";
    case AcknowledgmentCode::CR: return "CR";
  }
  return "AR";
}

namespace {

// The ids of the segments of bytes that could not be parsed, counted as Message::index() counts
// them (a \r, \n or \r\n ends a segment; an empty line is none), so that an error's position
// still finds its occurrence.
std::vector<std::string_view> rawSegmentIds(std::string_view bytes) {
  std::vector<std::string_view> ids;
  std::size_t begin = 0;
  while (begin < bytes.size()) {
    std::size_t end = bytes.find_first_of("\r\n", begin);
    if (end == std::string_view::npos) end = bytes.size();
    if (end > begin) ids.push_back(bytes.substr(begin, std::min<std::size_t>(3, end - begin)));
    begin = end + 1;
  }
  return ids;
}

std::string ack(const Message& message, AcknowledgmentCode code, const std::vector<Error>& errors,
                const std::vector<std::string_view>& segment_ids, const AckOptions& options) {
  const EncodingCharacters& enc = message.encoding();
  const char f = enc.field;
  std::string version = message.versionId();
  if (!isSupportedVersion(version)) version = "2.5.1";
  // MSH-n as sent: every repetition, in the message's own delimiters and escapes. MSH-18 repeats
  // (v2.5.1: the first repetition is the default character set, the others the alternates the
  // sender switches to), and the peer reads the ACK with all of them; MSH-3/4/5, MSH-10 and MSH-11
  // do not repeat, so a repetition separator there is the sender's own and is given back as is
  // (MSA-2 is how the sender finds its message). The ACK carries the fields it always carried:
  // nothing the standard does not ask of it (e.g. MSH-21, the original's profile) is added.
  const Segment msh = message.segment(message.findSegment("MSH"));
  const auto raw = [&](int field) { return msh.field(field).raw(); };

  std::string out;
  out.reserve(256 + errors.size() * 128);
  out += "MSH";
  out += f;
  out += enc.msh2();
  out += f;
  out += raw(5);  // the receiver of the message sends the ACK
  out += f;
  // The one facility that sends the ACK: MSH-4 does not repeat, while versions of the standard
  // after 2.5.1 let MSH-6 list several receiving facilities.
  out += msh.field(6).repetition(1).raw();
  out += f;
  out += raw(3);
  out += f;
  out += raw(4);
  out += f;
  out += options.timestamp.empty() ? nowTimestamp() : options.timestamp;
  out += f;
  out += f;
  out += "ACK";
  // Message structure (MSH-9.3) exists from 2.3.1; the trigger component from 2.3.
  if (versionAtLeast(version, "2.3")) {
    const std::string trigger = triggerEvent(message, version);
    if (!trigger.empty()) {
      out += enc.component;
      out += escape(trigger, enc);
    }
    if (versionAtLeast(version, "2.3.1")) {
      if (trigger.empty()) out += enc.component;
      out += enc.component;
      out += "ACK";
    }
  }
  out += f;
  out += escape(options.control_id, enc);
  out += f;
  out += raw(11);
  out += f;
  out += version;
  if (const std::string_view charset = raw(18); !charset.empty()) {
    out.append(6, f);  // MSH-13..MSH-18
    out += charset;
  }
  out += '\r';

  out += "MSA";
  out += f;
  out += toString(code);
  out += f;
  out += raw(10);
  if (!options.text.empty()) {
    out += f;
    out += escape(options.text, enc);
  }
  out += '\r';

  const bool modern = versionAtLeast(version, "2.5");
  for (const Error& e : errors) {
    const int occurrence = segmentOccurrence(segment_ids, e);
    if (modern) {
      appendErr25(out, e, occurrence, enc);
    } else {
      appendErrLegacy(out, e, occurrence, enc);
    }
  }
  return out;
}

}  // namespace

std::string buildAck(const Message& message, AcknowledgmentCode code,
                     const std::vector<Error>& errors, const AckOptions& options) {
  // Every message Ferry takes gets an ACK, nearly always an AA without errors: the ids are
  // listed only for an ACK that has ERR segments to locate.
  std::vector<std::string_view> segment_ids;
  if (!errors.empty()) {
    segment_ids.reserve(message.segmentCount());
    for (std::size_t i = 0; i < message.segmentCount(); ++i) segment_ids.push_back(message.segment(i).id());
  }
  return ack(message, code, errors, segment_ids, options);
}

std::string buildRejectForUnparseable(std::string_view bytes, const Error& error,
                                      const AckOptions& options, bool enhanced) {
  // Recover MSH-10 only when the header's delimiters can be read; otherwise MSA-2 stays empty.
  std::string control_id;
  if (bytes.substr(0, 3) == "MSH") {
    if (auto enc = EncodingCharacters::fromHeader(bytes)) {
      const std::size_t end = bytes.find_first_of("\r\n");
      bool found = false;
      const std::string_view header = bytes.substr(0, end);
      const std::string_view ten = nthPiece(header, enc->field, 10, found);
      // Only a plain id can be echoed into the default-delimiter ACK.
      if (found && ten.size() <= 199 && ten.find_first_of("|^~\\&\r\n") == std::string_view::npos) {
        control_id = std::string(ten);
      }
    }
  }
  const std::string minimal = "MSH|^~\\&|||||||ACK|" + control_id + "|P|2.5.1\r";
  auto message = Message::parse(minimal);
  if (!message) return {};
  return ack(*message, enhanced ? AcknowledgmentCode::CR : AcknowledgmentCode::AR, {error},
             rawSegmentIds(bytes), options);
}

AcceptAckConditions acceptAckConditions(const Message& message) {
  const std::string condition = message.get("MSH-15");
  if (condition == "NE") return {false, false};
  if (condition == "ER") return {false, true};
  if (condition == "SU") return {true, false};
  return {};
}

bool acceptAckRequested(const Message& message, AcknowledgmentCode code) {
  const AcceptAckConditions asks = acceptAckConditions(message);
  return code == AcknowledgmentCode::CA || code == AcknowledgmentCode::AA ? asks.on_success : asks.on_error;
}

}  // namespace ferry::hl7v2
