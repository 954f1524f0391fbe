#include "engine/cli/hl7_stream.h"

#include <fstream>
#include <iostream>

namespace ferry::cli {

void reportError(const std::string& input, std::size_t number, const hl7v2::Error& error,
                 std::uint64_t base_offset) {
  hl7v2::Error located = error;
  located.offset += base_offset;
  std::cerr << "ferry: " << (input == "-" ? "<stdin>" : input) << ": ";
  if (number > 0) std::cerr << "message " << number << ", ";
  std::cerr << located.describe() << '\n';
}

std::uint64_t sourceOffset(std::string_view source, std::uint64_t offset) {
  // Each "\r\n" is one byte once parsed (message.cpp), so the input's byte lies one further on
  // for every such pair before it; a lone "\n" keeps its place.
  std::uint64_t parsed = 0;
  std::size_t i = 0;
  for (; i < source.size() && parsed < offset; ++i, ++parsed) {
    if (source[i] == '\r' && i + 1 < source.size() && source[i + 1] == '\n') ++i;
  }
  return i + (offset - parsed);  // past the end: as far past it as asked
}

void reportError(const std::string& input, std::size_t number, const hl7v2::Error& error,
                 const SourceSpan& at) {
  hl7v2::Error located = error;
  located.offset = sourceOffset(at.bytes, error.offset);
  reportError(input, number, located, at.offset);
}

namespace {

int drain(const std::string& input, hl7v2::Splitter& splitter, const StreamHandlers& handlers) {
  hl7v2::SplitItem item;
  // Every message is parsed into this one, so its buffer and index are allocated once a stream.
  hl7v2::Message message;
  hl7v2::Result<bool> parsed = true;
  int status = 0;
  // Each message is parsed as it is split, in one pass over its bytes.
  while (splitter.next(item, message, parsed)) {
    switch (item.kind) {
      case hl7v2::SplitItem::Kind::Envelope:
        if (handlers.on_envelope) handlers.on_envelope(item.bytes);
        break;
      case hl7v2::SplitItem::Kind::Error:
        reportError(input, item.number, *item.error, 0);
        if (item.number > 0 && handlers.on_bad_message) handlers.on_bad_message(item.number);
        status = 1;
        break;
      case hl7v2::SplitItem::Kind::Message: {
        if (!parsed) {
          reportError(input, item.number, parsed.error(), SourceSpan{item.offset, item.bytes});
          if (handlers.on_bad_message) handlers.on_bad_message(item.number);
          status = 1;
          break;
        }
        if (handlers.on_message) handlers.on_message(message, item.number, SourceSpan{item.offset, item.bytes});
        break;
      }
    }
  }
  return status;
}

}  // namespace

int forEachMessage(const std::string& input, const StreamHandlers& handlers) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (input != "-") {
    file.open(input, std::ios::binary);
    if (!file) {
      std::cerr << "ferry: cannot open '" << input << "'\n";
      return 2;
    }
    in = &file;
  }
  hl7v2::Splitter splitter(*in);
  return drain(input, splitter, handlers);
}

int forEachMessageIn(const std::string& bytes, const StreamHandlers& handlers) {
  hl7v2::Splitter splitter{std::string_view(bytes)};
  return drain("-", splitter, handlers);
}

}  // namespace ferry::cli
