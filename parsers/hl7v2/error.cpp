#include "parsers/hl7v2/error.h"

namespace ferry::hl7v2 {

const char* errorCodeText(ErrorCode code) {
  switch (code) {
    case ErrorCode::SegmentSequence: return "Segment sequence error";
    case ErrorCode::RequiredFieldMissing: return "Required field missing";
    case ErrorCode::DataType: return "Data type error";
    case ErrorCode::TableValueNotFound: return "Table value not found";
    case ErrorCode::UnsupportedMessageType: return "Unsupported message type";
    case ErrorCode::UnsupportedEventCode: return "Unsupported event code";
    case ErrorCode::UnsupportedProcessingId: return "Unsupported processing id";
    case ErrorCode::UnsupportedVersionId: return "Unsupported version id";
    case ErrorCode::UnknownKeyIdentifier: return "Unknown key identifier";
    case ErrorCode::DuplicateKeyIdentifier: return "Duplicate key identifier";
    case ErrorCode::ApplicationRecordLocked: return "Application record locked";
    case ErrorCode::ApplicationInternalError: return "Application internal error";
  }
  return "Unknown error";
}

std::string Error::describe() const {
  // Built with append: GCC 12 warns (-Wrestrict, a false positive) on chains of operator+.
  std::string out;
  if (!segment.empty()) {
    out.append("segment ").append(segment);
    if (segment_sequence > 0) out.append(" (#").append(std::to_string(segment_sequence)).append(")");
    if (field > 0) out.append(", field ").append(std::to_string(field));
    if (component > 0) out.append(".").append(std::to_string(component));
    out.append(", ");
  }
  out.append("byte ").append(std::to_string(offset)).append(": ").append(text);
  return out;
}

}  // namespace ferry::hl7v2
