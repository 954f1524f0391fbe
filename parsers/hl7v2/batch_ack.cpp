#include "parsers/hl7v2/batch_ack.h"

#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/encoding_characters.h"
#include "parsers/hl7v2/escape.h"

namespace ferry::hl7v2 {

namespace {

// Field n (FHS-n / BHS-n, n >= 3) of a header segment as received, still escaped: it goes back
// into a segment with the same delimiters.
std::string_view headerField(std::string_view segment, char separator, int n) {
  bool found = false;
  const std::string_view value = nthPiece(segment, separator, n, found);
  return found ? value : std::string_view();
}

// "FHS|^~\&|..." or "BHS|...": the answer to one received header. Its sending application and
// facility (3, 4) become the receiving ones (5, 6) and the other way round; 11 is Ferry's
// control id and 12 the received 11.
void appendHeader(std::string& out, std::string_view id, std::string_view received, const EncodingCharacters& enc,
                  std::string_view encoding_field, const std::string& timestamp, const std::string& control_id) {
  const char sep = enc.field;
  const auto field = [&](int n) { return headerField(received, sep, n); };
  out.append(id);
  out += sep;
  out.append(encoding_field);
  for (const std::string_view value : {field(5), field(6), field(3), field(4)}) {
    out += sep;
    out.append(value);
  }
  out += sep;
  out += timestamp;
  out.append(4, sep);  // 8 security, 9 name, 10 comment left empty
  out += sep;
  out += escape(control_id, enc);
  out += sep;
  out.append(field(11));
  out += '\r';
}

}  // namespace

bool isBatch(std::string_view bytes) {
  return bytes.size() >= 4 && (bytes.substr(0, 3) == "FHS" || bytes.substr(0, 3) == "BHS");
}

std::string buildBatchAck(const ReceivedBatch& received, const std::vector<std::string>& acks,
                          std::string_view comment, const std::string& control_id,
                          const std::string& timestamp) {
  // The delimiters of the first header received; the defaults when neither can be read.
  const std::string_view first = !received.fhs.empty() ? received.fhs : received.bhs;
  EncodingCharacters enc;
  std::string_view encoding_field = "^~\\&";
  if (auto read = EncodingCharacters::fromHeader(first)) {
    enc = *read;
    bool found = false;
    encoding_field = nthPiece(first, enc.field, 2, found);
  }
  const std::string now = timestamp.empty() ? nowTimestamp() : timestamp;
  std::string out;
  std::size_t size = 64 * 3;
  for (const std::string& ack : acks) size += ack.size();
  out.reserve(size);
  if (!received.fhs.empty()) appendHeader(out, "FHS", received.fhs, enc, encoding_field, now, control_id);
  // Always a BHS: a file header without one is answered with a batch whose fields, read from
  // the empty header, are empty.
  appendHeader(out, "BHS", received.bhs, enc, encoding_field, now, control_id);
  for (const std::string& ack : acks) out += ack;
  out += "BTS";
  out += enc.field;
  out += std::to_string(acks.size());
  if (!comment.empty()) {
    out += enc.field;
    out += escape(comment, enc);
  }
  out += '\r';
  if (!received.fhs.empty()) {
    out += "FTS";
    out += enc.field;
    out += "1\r";
  }
  return out;
}

}  // namespace ferry::hl7v2
