// ferry send --mllp HOST:PORT [--tls --cert F --key F --ca F] [--timeout MS]
//            [--accept-acks always|as_requested] FILE...
//
// Sends every message of the files (one or many messages each, any format the splitter reads)
// over one MLLP connection, in order, and prints each ACK's MSA segment on a line. Exit status:
// 0 when every message got AA or CA; 1 when any was refused (AE/AR/CE/CR, unreadable ACK, ACK
// for another control id), could not be read, or could not be delivered; 2 for usage errors and
// files that cannot be opened. A negative ACK does not stop the run (the connection is fine and
// the other messages stand on their own); a timeout or connection failure does, since HL7 feeds
// are ordered and the rest would arrive ahead of the lost message.
//
// With --batch-frame, each FILE is one HL7 batch (FHS/BHS ... BTS/FTS) sent whole in a single
// frame, as HL7's batch protocol allows over MLLP; the answer is a response batch, and its ACKs'
// MSA segments are printed in order (BTS-2, when the receiver commented on the batch, on
// stderr). Exit status as above, for the ACKs of the response batch.
//
// With --accept-acks as_requested, for a receiver that honours MSH-15 (a Ferry channel with
// source.accept_acks "as_requested"), each message's MSH-15 says what to wait for: NE nothing
// (the message counts as accepted once written); ER an ACK only on error, so silence until the
// timeout means accepted; SU an ACK only on success, so silence means refused.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "channels/mllp/sender.h"
#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"
#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/batch_ack.h"
#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::cli {

namespace {

using std::chrono::milliseconds;

const char* const kUsage =
    "usage: ferry send --mllp HOST:PORT [--tls [--cert FILE --key FILE] [--ca FILE]] [--timeout MS]\n"
    "                  [--accept-acks always|as_requested] [--batch-frame] FILE...\n"
    "       ferry send --http URL [--ca FILE] [--cert FILE --key FILE] [--content-type TYPE] FILE...\n";

struct SendOptions {
  std::string host;
  std::uint16_t port = 0;
  mllp::SenderTls tls;
  milliseconds timeout{10000};
  bool honour_accept_ack = false;  // --accept-acks as_requested
  bool batch_frame = false;        // --batch-frame: each file is one batch, sent in one frame
  std::vector<std::string> files;
};

int usageError(const std::string& text) {
  std::cerr << "ferry send: " << text << '\n' << kUsage;
  return 2;
}

std::optional<std::uint64_t> parseNumber(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// "host:port", "1.2.3.4:port" or "[::1]:port".
bool parseEndpoint(const std::string& text, std::string& host, std::uint16_t& port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto number = parseNumber(text.substr(colon + 1));
  if (!number || *number == 0 || *number > 65535 || host.empty()) return false;
  port = static_cast<std::uint16_t>(*number);
  return true;
}

// Returns 0 and fills options, or the exit status of a usage error (already reported).
int parseOptions(const Args& args, SendOptions& options) {
  bool have_endpoint = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool takes_value = arg == "--mllp" || arg == "--cert" || arg == "--key" || arg == "--ca" || arg == "--timeout" ||
                             arg == "--accept-acks";
    if (takes_value && i + 1 >= args.size()) return usageError(arg + " needs a value");
    if (arg == "--mllp") {
      if (!parseEndpoint(args[++i], options.host, options.port)) {
        return usageError("'" + args[i] + "' is not HOST:PORT (port 1-65535)");
      }
      have_endpoint = true;
    } else if (arg == "--tls") {
      options.tls.enabled = true;
    } else if (arg == "--cert") {
      options.tls.cert_file = args[++i];
    } else if (arg == "--key") {
      options.tls.key_file = args[++i];
    } else if (arg == "--ca") {
      options.tls.ca_file = args[++i];
    } else if (arg == "--timeout") {
      const auto ms = parseNumber(args[++i]);
      if (!ms || *ms == 0) return usageError("--timeout takes a positive number of milliseconds");
      options.timeout = milliseconds(*ms);
    } else if (arg == "--batch-frame") {
      options.batch_frame = true;
    } else if (arg == "--accept-acks") {
      const std::string& mode = args[++i];
      if (mode != "always" && mode != "as_requested") return usageError("--accept-acks is 'always' or 'as_requested'");
      options.honour_accept_ack = mode == "as_requested";
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usageError("unknown option '" + arg + "'");
    } else {
      options.files.push_back(arg);
    }
  }
  if (!have_endpoint) return usageError("--mllp HOST:PORT is required");
  if (options.files.empty()) return usageError("no FILE given");
  const bool tls_files = !options.tls.cert_file.empty() || !options.tls.key_file.empty() || !options.tls.ca_file.empty();
  if (tls_files && !options.tls.enabled) return usageError("--cert, --key and --ca need --tls");
  if (options.tls.cert_file.empty() != options.tls.key_file.empty()) return usageError("--cert and --key go together");
  return 0;
}

enum class Outcome { Accepted, Refused, Undelivered };

Outcome sendMessage(mllp::Sender& sender, const std::string& label, const hl7v2::Message& message,
                    const SendOptions& options) {
  // What the receiver answers when it honours MSH-15; silence is then an answer too.
  const hl7v2::AcceptAckConditions asks =
      options.honour_accept_ack ? hl7v2::acceptAckConditions(message) : hl7v2::AcceptAckConditions{};
  if (!asks.on_success && !asks.on_error) {
    const mllp::SendResult written = sender.sendWithoutResponse(message.bytes());
    if (written.status == mllp::SendStatus::Written) return Outcome::Accepted;
    std::cerr << "ferry: " << label << ": not delivered: " << written.error << '\n';
    return Outcome::Undelivered;
  }
  const bool silence_answers = !asks.on_success || !asks.on_error;
  const mllp::SendResult result = sender.send(message.bytes(), options.timeout, silence_answers);
  if (silence_answers && result.status == mllp::SendStatus::Timeout) {
    if (!asks.on_success) return Outcome::Accepted;  // ER: no news is good news
    std::cerr << "ferry: " << label << ": no ACK within " << options.timeout.count() << " ms, and MSH-15 "
              << message.get("MSH-15") << " asks for one on success\n";
    return Outcome::Refused;
  }
  if (result.status != mllp::SendStatus::Acked) {
    std::cerr << "ferry: " << label << ": " << (result.status == mllp::SendStatus::Timeout ? "no ACK: " : "not delivered: ")
              << result.error << '\n';
    return Outcome::Undelivered;
  }
  auto ack = hl7v2::Message::parse(result.response);
  if (!ack) {
    std::cerr << "ferry: " << label << ": the ACK cannot be read: " << ack.error().describe() << '\n';
    return Outcome::Refused;
  }
  const std::size_t msa = ack->findSegment("MSA");
  if (msa == ack->segmentCount()) {
    std::cerr << "ferry: " << label << ": the ACK has no MSA segment\n";
    return Outcome::Refused;
  }
  std::cout << ack->segment(msa).raw() << std::endl;  // one line as soon as it is known
  const std::string code = ack->get("MSA-1");
  if (code != "AA" && code != "CA") {
    const std::string text = ack->get("MSA-3");
    std::cerr << "ferry: " << label << ": the receiver answered " << (code.empty() ? "without MSA-1" : code)
              << (text.empty() ? "" : ": " + text) << '\n';
    return Outcome::Refused;
  }
  const std::string acked_id = ack->get("MSA-2");
  if (acked_id != message.controlId()) {
    std::cerr << "ferry: " << label << ": the ACK is for control id '" << acked_id << "'\n";
    return Outcome::Refused;
  }
  return Outcome::Accepted;
}

// One batch file sent whole in one frame; the response batch's ACKs printed. Line ends become
// \r, as HL7 segments end.
Outcome sendBatchFrame(mllp::Sender& sender, const std::string& file, const SendOptions& options) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string frame;
  frame.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;
    frame += bytes[i] == '\n' ? '\r' : bytes[i];
  }
  if (!hl7v2::isBatch(frame)) {
    std::cerr << "ferry: " << file << ": --batch-frame needs a file that starts with FHS or BHS\n";
    return Outcome::Refused;
  }
  const mllp::SendResult result = sender.send(frame, options.timeout);
  if (result.status != mllp::SendStatus::Acked) {
    std::cerr << "ferry: " << file << ": " << (result.status == mllp::SendStatus::Timeout ? "no answer: " : "not delivered: ")
              << result.error << '\n';
    return Outcome::Undelivered;
  }
  Outcome outcome = Outcome::Accepted;
  hl7v2::Splitter splitter{std::string_view(result.response)};
  hl7v2::SplitItem item;
  while (splitter.next(item)) {
    if (item.kind == hl7v2::SplitItem::Kind::Envelope) {
      bool found = false;
      const std::string_view comment = item.bytes.substr(0, 3) == "BTS" && item.bytes.size() > 3
                                           ? hl7v2::nthPiece(item.bytes, item.bytes[3], 3, found)
                                           : std::string_view();
      if (!comment.empty()) std::cerr << "ferry: " << file << ": the receiver says of the batch: " << comment << '\n';
      continue;
    }
    auto ack = item.kind == hl7v2::SplitItem::Kind::Message ? hl7v2::Message::parse(item.bytes)
                                                            : hl7v2::Result<hl7v2::Message>(*item.error);
    if (!ack || ack->findSegment("MSA") == ack->segmentCount()) {
      std::cerr << "ferry: " << file << ": an answer in the response cannot be read\n";
      outcome = Outcome::Refused;
      continue;
    }
    std::cout << ack->segment(ack->findSegment("MSA")).raw() << std::endl;
    const std::string code = ack->get("MSA-1");
    if (code != "AA" && code != "CA") outcome = Outcome::Refused;
  }
  return outcome;
}

}  // namespace

int sendCommand(const Args& args) {
  if (std::find(args.begin(), args.end(), "--http") != args.end()) return sendHttpCommand(args);
  SendOptions options;
  if (const int status = parseOptions(args, options); status != 0) return status;
  for (const std::string& file : options.files) {
    if (!std::ifstream(file, std::ios::binary)) {
      std::cerr << "ferry: cannot open '" << file << "'\n";
      return 2;
    }
  }

  mllp::SenderConfig config;
  config.channel = "ferry-send";
  config.host = options.host;
  config.port = options.port;
  config.connect_timeout = options.timeout;
  config.tls = options.tls;
  std::optional<mllp::Sender> sender;
  try {
    sender.emplace(config, [](std::string_view) {});  // failures are reported below, in sentences
  } catch (const std::invalid_argument& e) {
    std::cerr << "ferry: " << e.what() << '\n';
    return 2;
  }

  int status = 0;
  for (const std::string& file : options.files) {
    if (options.batch_frame) {
      const Outcome outcome = sendBatchFrame(*sender, file, options);
      if (outcome == Outcome::Undelivered) return 1;
      if (outcome == Outcome::Refused) status = 1;
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    hl7v2::Splitter splitter(in);
    hl7v2::SplitItem item;
    while (splitter.next(item)) {
      if (item.kind == hl7v2::SplitItem::Kind::Envelope) continue;
      if (item.kind == hl7v2::SplitItem::Kind::Error) {
        reportError(file, item.number, *item.error, 0);
        status = 1;
        continue;
      }
      auto message = hl7v2::Message::parse(item.bytes);
      if (!message) {
        reportError(file, item.number, message.error(), SourceSpan{item.offset, item.bytes});
        std::cerr << "ferry: " << file << ": message " << item.number << " was not sent\n";
        status = 1;
        continue;
      }
      const std::string label = file + ": message " + std::to_string(item.number) + " (control id " +
                                message->controlId() + ")";
      switch (sendMessage(*sender, label, *message, options)) {
        case Outcome::Accepted: break;
        case Outcome::Refused: status = 1; break;
        case Outcome::Undelivered:
          std::cerr << "ferry: stopped at " << file << " message " << item.number
                    << "; it and the messages after it were not acknowledged\n";
          return 1;
      }
    }
  }
  return status;
}

}  // namespace ferry::cli
