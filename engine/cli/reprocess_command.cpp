// ferry reprocess CONFIG (MESSAGE_ID... | --errored [--channel NAME] [--limit N]) [--reason TEXT]
//                [--dry-run]
//
// What an operator does once the cause of errored messages is fixed (a mapping, a code table, a
// channel's routes): run them through the current configuration again instead of asking the
// sender to resend. Filtered messages may be named by id too (a filter rule was too wide).
//
// Each message is reopened ('received' again, with a "reprocess" event saying who asked and
// why, in one transaction) and then processed here exactly as the engine processes a message
// (Processor, the same decoder, mappings and routes), so its new outcome, deliveries and events
// are in the store when the command returns; a running engine's delivery workers find the new
// deliveries at their next poll. Processed messages are refused: their deliveries exist
// already (`ferry requeue` sends those again). If this process dies between the two steps, the
// message is simply 'received' and the engine processes it at its next start.
//
// Output names ids, statuses, destinations and the stored error, never the message bytes.

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "engine/cli/command.h"
#include "engine/cli/operator_support.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/json_log.h"
#include "engine/runtime/inbound_decoder.h"
#include "engine/runtime/message_router.h"
#include "engine/runtime/processor.h"
#include "engine/runtime/store_event_writer.h"
#include "parsers/xml/profile_set.h"

namespace ferry::cli {

namespace {

constexpr const char* kUsage =
    "usage: ferry reprocess CONFIG (MESSAGE_ID... | --errored [--channel NAME] [--limit N])"
    " [--reason TEXT] [--dry-run]\n";
constexpr std::size_t kDefaultLimit = 1000;
constexpr std::size_t kMaxLimit = 100000;

struct Request {
  std::string folder;
  std::vector<std::int64_t> ids;
  bool errored = false;
  std::optional<std::string> channel;
  std::size_t limit = kDefaultLimit;
  std::string reason;
  bool dry_run = false;
};

// nullopt (usage printed) when the arguments do not make a request.
std::optional<Request> parseArgs(const Args& args) {
  if (args.size() < 2) return std::nullopt;
  Request r;
  r.folder = args[0];
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--errored") {
      r.errored = true;
    } else if (a == "--dry-run") {
      r.dry_run = true;
    } else if (a == "--channel" && has_value) {
      r.channel = args[++i];
    } else if (a == "--reason" && has_value) {
      r.reason = args[++i];
    } else if (a == "--limit" && has_value) {
      const auto n = parseId(args[++i]);
      if (!n || *n < 1 || static_cast<std::size_t>(*n) > kMaxLimit) {
        std::cerr << "ferry: --limit is a number from 1 to " << kMaxLimit << '\n';
        return std::nullopt;
      }
      r.limit = static_cast<std::size_t>(*n);
    } else if (const auto id = parseId(a)) {
      r.ids.push_back(*id);
    } else {
      std::cerr << "ferry: \"" << a << "\" is not a message id\n";
      return std::nullopt;
    }
  }
  // Either ids or a selection, and the selection's options only with it.
  if (r.errored == !r.ids.empty()) return std::nullopt;
  if (!r.errored && (r.channel || r.limit != kDefaultLimit)) return std::nullopt;
  return r;
}

// The errored messages to reprocess, oldest first (the order they arrived in), at most `limit`.
std::vector<std::int64_t> erroredIds(store::Store& store, const Request& r) {
  std::vector<std::int64_t> ids;
  store::MessageFilter filter;
  filter.channel = r.channel;
  filter.status = store::MessageStatus::Errored;
  while (ids.size() < r.limit) {  // bounded: each page is non-empty and moves before_id down
    filter.limit = std::min<std::size_t>(500, r.limit - ids.size());
    const auto page = store.listMessages(filter);
    if (page.empty()) break;
    for (const auto& m : page) ids.push_back(m.id);
    filter.before_id = page.back().id;
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

// The outcome as the operator reads it: "processed, routed to a, b", "filtered (why)",
// "errored again: why".
std::string outcomeOf(store::Store& store, std::int64_t id, const runtime::ProcessResult& result) {
  if (!result.ok) return "errored again: " + result.error;
  if (result.filtered) return "filtered (" + result.error + ")";
  std::string routes;
  for (const auto& d : store.deliveriesFor(id)) routes += (routes.empty() ? "" : ", ") + d.destination;
  return "processed, " + (routes.empty() ? std::string("routed nowhere") : "routed to " + routes);
}

}  // namespace

int reprocessCommand(const Args& args) {
  const auto request = parseArgs(args);
  if (!request) {
    std::cerr << kUsage;
    return 2;
  }
  runtime::EngineConfig config;
  auto store = openOperatorStore(request->folder, &config);
  if (!store) return 1;
  if (request->channel && !knownChannel(config, *request->channel)) {
    std::cerr << "ferry: " << request->folder << " has no channel \"" << *request->channel << "\"\n";
    return 1;
  }
  const std::vector<std::int64_t> ids = request->errored ? erroredIds(*store, *request) : request->ids;
  if (ids.empty()) {
    std::cout << "no errored messages" << (request->channel ? " on channel " + *request->channel : "") << '\n';
    return 0;
  }

  // The engine's own processing pieces, on the configuration as it is now.
  const xml::ProfileSet profiles =
      config.profiles_folder.empty() ? xml::ProfileSet{} : xml::ProfileSet::load(config.profiles_folder);
  const runtime::InboundDecoder decoder(&profiles);
  const runtime::MessageRouter router(config.channels, &profiles, config.mappings.get());
  // This run's processing is logged where the engine's is (ferry.json "log_file"; without one,
  // this command's stderr), so a message's trail in the log does not end at "errored".
  runtime::JsonLog log(config.log_file);
  log.setLevel(runtime::parseLogLevel(config.log_level).value_or(runtime::LogLevel::Info));
  runtime::EventBus bus;
  bus.subscribe([&log](const runtime::Event& e) { log.event(e); });
  runtime::StoreEventWriter events(*store, [&log](std::string_view json) { log.line(json); });
  bus.subscribe([&events](const runtime::Event& e) { events.add(e); });
  runtime::Processor processor(*store, bus, decoder, router, [](const std::string&) {});

  const std::string note = noteOf(request->reason);
  int problems = 0;
  for (const std::int64_t id : ids) {
    const auto message = store->message(id);
    std::cout << "message " << id << ": ";
    if (!message) {
      std::cout << "not found\n";
      ++problems;
    } else if (message->status != store::MessageStatus::Errored &&
               message->status != store::MessageStatus::Filtered) {
      std::cout << "not reprocessed (it is " << store::toString(message->status)
                << "; only errored or filtered messages are)\n";
      ++problems;
    } else if (!knownChannel(config, message->channel)) {
      std::cout << "not reprocessed (its channel \"" << message->channel << "\" is not in this configuration)\n";
      ++problems;
    } else if (request->dry_run) {
      std::cout << "would be reprocessed (" << store::toString(message->status) << " on channel "
                << message->channel << ")\n";
    } else if (!store->reopenForReprocessing(id, note)) {
      std::cout << "not reprocessed (its status changed meanwhile)\n";
      ++problems;
    } else {
      // The store holds the operator's note; the log gets the fact alone (a reason is free text).
      log.event(runtime::Event{"reprocess", message->channel, "", id, 0, "", runtime::nowMs()});
      const runtime::ProcessResult result = processor.process(id, message->channel, message->raw);
      std::cout << outcomeOf(*store, id, result) << '\n';
      if (!result.ok) ++problems;
    }
  }
  events.stop();  // the events of this run are in the store before the command returns
  return problems == 0 ? 0 : 1;
}

}  // namespace ferry::cli
