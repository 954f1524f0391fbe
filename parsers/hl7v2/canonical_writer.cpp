#include "parsers/hl7v2/canonical_writer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>

#include "parsers/hl7v2/datatype_writer.h"
#include "parsers/hl7v2/segment_writer.h"

namespace ferry::hl7v2 {

namespace {

constexpr std::string_view kVersion = "2.5.1";

struct MessageKind {
  std::string_view type;
  std::string_view event;
  std::string_view structure;
};
constexpr std::array<MessageKind, 3> kKinds = {{
    {"ORU", "R01", "ORU_R01"},
    {"ADT", "A01", "ADT_A01"},
    {"ADT", "A08", "ADT_A01"},  // A08 shares the A01 structure
}};

Error writeError(ErrorCode code, std::string_view segment, int field, std::string text) {
  Error e;
  e.code = code;
  e.segment = std::string(segment);
  e.field = field;
  e.text = std::move(text);
  return e;
}

Result<MessageKind> resolveKind(const canonical::Message& m, const WriteOptions& options) {
  const bool chosen = !options.message_type.empty();
  const std::string& type = chosen ? options.message_type : m.header.message_type;
  const std::string& event = chosen ? options.trigger_event : m.header.trigger_event;
  if (type.empty()) {
    return writeError(ErrorCode::UnsupportedMessageType, "MSH", 9,
                      "no message type to write: set WriteOptions::message_type (ORU^R01, "
                      "ADT^A01 or ADT^A08) or the canonical header's message_type");
  }
  bool known_type = false;
  for (const MessageKind& kind : kKinds) {
    if (kind.type == type && kind.event == event) return kind;
    known_type = known_type || kind.type == type;
  }
  const ErrorCode code =
      known_type ? ErrorCode::UnsupportedEventCode : ErrorCode::UnsupportedMessageType;
  return writeError(code, "MSH", 9,
                    "cannot write " + type + "^" + event +
                        ": the HL7 v2 writer supports ORU^R01, ADT^A01 and ADT^A08");
}

// The links between parts point at entries that exist.
std::optional<Error> checkLinks(const canonical::Message& m) {
  auto outOfRange = [](const std::optional<std::uint32_t>& index, std::size_t size) {
    return index && *index >= size;
  };
  auto error = [](std::string_view segment, std::string part, std::size_t i, std::string_view link,
                  std::uint32_t target, std::string_view list, std::size_t size) {
    return writeError(ErrorCode::ApplicationInternalError, segment, 0,
                      part + " " + std::to_string(i + 1) + " has " + std::string(link) + " " +
                          std::to_string(target) + " but the message has only " +
                          std::to_string(size) + " " + std::string(list));
  };
  for (std::size_t i = 0; i < m.observations.size(); ++i) {
    const auto& link = m.observations[i].order_index;
    if (outOfRange(link, m.orders.size())) {
      return error("OBX", "observation", i, "order_index", *link, "orders", m.orders.size());
    }
  }
  for (std::size_t i = 0; i < m.specimens.size(); ++i) {
    const auto& link = m.specimens[i].order_index;
    if (outOfRange(link, m.orders.size())) {
      return error("SPM", "specimen", i, "order_index", *link, "orders", m.orders.size());
    }
  }
  for (std::size_t i = 0; i < m.notes.size(); ++i) {
    const canonical::Note& n = m.notes[i];
    if (outOfRange(n.observation_index, m.observations.size())) {
      return error("NTE", "note", i, "observation_index", *n.observation_index, "observations",
                   m.observations.size());
    }
    if (outOfRange(n.order_index, m.orders.size())) {
      return error("NTE", "note", i, "order_index", *n.order_index, "orders", m.orders.size());
    }
  }
  return std::nullopt;
}

// What the message type requires of the content.
std::optional<Error> checkContent(const MessageKind& kind, const canonical::Message& m) {
  if (kind.type == "ORU") {
    if (m.observations.empty()) {
      return writeError(ErrorCode::SegmentSequence, "OBX", 0,
                        "an ORU^R01 message needs at least one observation, and this message has "
                        "none");
    }
    for (std::size_t i = 0; i < m.observations.size(); ++i) {
      if (m.observations[i].order_index) continue;
      return writeError(ErrorCode::SegmentSequence, "OBR", 0,
                        "observation " + std::to_string(i + 1) +
                            " belongs to no order, and ORU^R01 carries results only inside an "
                            "order (OBR): set its order_index");
    }
  } else if (m.patient.identifiers.empty()) {
    return writeError(ErrorCode::RequiredFieldMissing, "PID", 3,
                      "an " + std::string(kind.type) + "^" + std::string(kind.event) +
                          " message needs at least one patient identifier for PID-3, and the "
                          "patient has none");
  }
  return std::nullopt;
}

// A segment id: three upper-case letters or digits, starting with a letter.
bool isSegmentId(std::string_view path) {
  auto upperOrDigit = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  return path.size() == 3 && path[0] >= 'A' && path[0] <= 'Z' && upperOrDigit(path[1]) &&
         upperOrDigit(path[2]);
}

// Extensions holding a whole v2 segment go back as they came. Field-level ones ("PID-7": a raw
// value the normalizer could not read) have no segment of their own and are not written.
std::optional<Error> appendExtensions(const canonical::Message& m, std::string& out) {
  for (const canonical::Extension& ext : m.extensions) {
    if (ext.format != "hl7v2" || !isSegmentId(ext.path) || ext.path == "MSH") continue;
    const std::string_view raw = ext.raw;
    const bool whole = raw.substr(0, 3) == ext.path && (raw.size() == 3 || raw[3] == '|');
    if (!whole || raw.find_first_of("\r\n") != std::string_view::npos) {
      return writeError(ErrorCode::DataType, ext.path, 0,
                        "extension " + ext.path + " does not hold exactly one segment starting '" +
                            ext.path + "|' (standard delimiters, no segment terminator), so it "
                            "cannot be written back");
    }
    out.append(raw);
    out += '\r';
  }
  return std::nullopt;
}

// 60 random bits in hex after "FERRY": 20 characters, the MSH-10 length of v2.5.1.
std::string generatedControlId() {
  std::random_device device;
  std::uint64_t bits = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  std::array<char, 21> id{};
  std::snprintf(id.data(), id.size(), "FERRY%015llX",
                static_cast<unsigned long long>(bits & 0x0FFFFFFFFFFFFFFFULL));
  return std::string(id.data());
}

// The current time in UTC as DTM to the second.
std::string currentDateTime() {
  using namespace std::chrono;
  const auto now = floor<seconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day date{day};
  const hh_mm_ss time{now - day};
  std::array<char, 32> dtm{};
  std::snprintf(dtm.data(), dtm.size(), "%04d%02u%02u%02d%02d%02d+0000", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(time.hours().count()),
                int(time.minutes().count()), int(time.seconds().count()));
  return std::string(dtm.data());
}

bool hasNonAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

const std::string& chosen(const std::string& option, const std::string& header) {
  return option.empty() ? header : option;
}

// MSH goes last because MSH-18 depends on the text of the whole message.
std::string mshSegment(const canonical::Message& m, const WriteOptions& options,
                       const MessageKind& kind, const std::string& dtm, std::string_view body,
                       DatatypeWriter& types) {
  const canonical::Header& h = m.header;
  SegmentFields msh("MSH");
  // SegmentFields counts from the first separator, and in MSH that separator is MSH-1 itself.
  auto field = [&msh](int n, std::string encoded) { msh.set(n - 1, std::move(encoded)); };
  field(2, types.encoding().msh2());
  field(3, types.text(chosen(options.sending_application, h.sending_application)));
  field(4, types.text(chosen(options.sending_facility, h.sending_facility)));
  field(5, types.text(chosen(options.receiving_application, h.receiving_application)));
  field(6, types.text(chosen(options.receiving_facility, h.receiving_facility)));
  field(7, dtm);
  field(9, joinPieces({kind.type, kind.event, kind.structure}, types.encoding().component));
  const std::string& control_id = chosen(options.control_id, h.control_id);
  field(10, control_id.empty() ? generatedControlId() : types.text(control_id));
  field(11, h.processing_id.empty() ? std::string("P") : types.text(h.processing_id));
  field(12, std::string(kVersion));
  field(15, types.text(h.accept_ack_type));
  field(16, types.text(h.application_ack_type));
  std::string out;
  msh.appendTo(out);
  if (hasNonAscii(out) || hasNonAscii(body)) {
    out.clear();
    field(18, "UNICODE UTF-8");
    msh.appendTo(out);
  }
  return out;
}

}  // namespace

Result<std::string> writeV2(const canonical::Message& message, const WriteOptions& options) {
  const Result<MessageKind> kind = resolveKind(message, options);
  if (!kind) return kind.error();
  if (auto error = checkLinks(message)) return *error;
  if (auto error = checkContent(*kind, message)) return *error;

  DatatypeWriter types;
  types.at("MSH", 1);
  const std::string_view iso = options.message_datetime.empty()
                                   ? std::string_view(message.header.message_datetime)
                                   : std::string_view(options.message_datetime);
  const std::string dtm = iso.empty() ? currentDateTime()
                                      : types.dateTime(iso, 7, "the message date/time");

  std::string body;
  SegmentWriter segments(message, types, body);
  if (kind->type == "ORU") {
    // The PATIENT group is optional in ORU_R01; PV1 and patient notes exist only inside it.
    const bool patient_notes =
        std::any_of(message.notes.begin(), message.notes.end(),
                    [](const auto& n) { return !n.order_index && !n.observation_index; });
    const bool visit = message.encounter != canonical::Encounter{};
    if (message.patient != canonical::Patient{} || visit || patient_notes) {
      segments.writePid();
      segments.writePatientNotes();
      if (visit) segments.writePv1();
    }
    for (std::uint32_t i = 0; i < message.orders.size(); ++i) segments.writeOrderGroup(i);
    // SPM exists only inside an order group: specimens of no order go with the last one.
    segments.writeUnattachedSpecimens();
  } else {
    segments.writeEvn(kind->event, dtm);
    segments.writePid();
    segments.writePv1();
    int set_id = 0;
    for (std::uint32_t i = 0; i < message.observations.size(); ++i) {
      if (!message.observations[i].order_index) segments.writeObservation(i, ++set_id, false);
    }
    set_id = 0;
    for (const canonical::Coverage& c : message.coverages) segments.writeIn1(c, ++set_id);
  }
  if (auto error = appendExtensions(message, body)) return *error;
  if (types.error()) return *types.error();
  return mshSegment(message, options, *kind, dtm, body, types) + body;
}

}  // namespace ferry::hl7v2
