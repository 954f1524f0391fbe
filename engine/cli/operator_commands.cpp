// Operators' commands on a configuration's store: what happened (status, messages, history)
// and what to do about it (pause, resume, requeue). They open the store file named by
// CONFIG/ferry.json, so they work whether or not the engine is running; a running engine
// applies a pause or resume within a second. Every change is recorded as an event with who
// asked and why, in the same transaction as the change.
//
// They print identifiers, statuses, times and errors from the store, never the message bytes
// (history --raw excepted: the operator asked for them).

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "engine/cli/command.h"
#include "engine/cli/operator_support.h"
#include "engine/runtime/channel_switches.h"
#include "engine/runtime/config.h"
#include "engine/runtime/store_schema.h"

namespace ferry::cli {

namespace {

int switchChannel(const Args& args, bool pause) {
  const char* verb = pause ? "pause" : "resume";
  if (args.size() < 2 || (args.size() != 2 && !(args.size() == 4 && args[2] == "--reason"))) {
    std::cerr << "usage: ferry " << verb << " CONFIG CHANNEL [--reason TEXT]\n";
    return 2;
  }
  runtime::EngineConfig config;
  auto store = openOperatorStore(args[0], &config);
  if (!store) return 1;
  if (!knownChannel(config, args[1])) {
    std::cerr << "ferry: " << args[0] << " has no channel \"" << args[1] << "\"\n";
    return 1;
  }
  const bool changed = store->setChannelPaused(args[1], pause, noteOf(args.size() == 4 ? args[3] : ""));
  std::cout << "channel " << args[1] << (changed ? (pause ? ": paused" : ": resumed")
                                                 : (pause ? ": already paused" : ": not paused"))
            << '\n';
  return 0;
}

void printDelivery(const store::DeliveryRecord& d) {
  std::cout << "  delivery " << d.id << " to " << d.destination << ": " << store::toString(d.status)
            << ", " << d.attempts << " attempt" << (d.attempts == 1 ? "" : "s");
  if (d.status == store::DeliveryStatus::Pending) std::cout << ", next at " << isoTime(d.next_attempt_at_ms);
  if (d.last_error) std::cout << ", last error: " << *d.last_error;
  std::cout << '\n';
}

}  // namespace

// ferry pause CONFIG CHANNEL [--reason TEXT]: the channel's deliveries wait (messages are
// still received, stored and acknowledged) until `ferry resume`; kept across restarts.
int pauseCommand(const Args& args) { return switchChannel(args, true); }
int resumeCommand(const Args& args) { return switchChannel(args, false); }

// ferry requeue CONFIG (DELIVERY_ID... | --all-dead) [--reason TEXT]: failed or dead deliveries
// become pending again, due now, with their attempts counted from zero.
int requeueCommand(const Args& args) {
  if (args.size() < 2) {
    std::cerr << "usage: ferry requeue CONFIG (DELIVERY_ID... | --all-dead) [--reason TEXT]\n";
    return 2;
  }
  std::vector<std::int64_t> ids;
  bool all_dead = false;
  std::string reason;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--all-dead") {
      all_dead = true;
    } else if (args[i] == "--reason" && i + 1 < args.size()) {
      reason = args[++i];
    } else if (const auto id = parseId(args[i])) {
      ids.push_back(*id);
    } else {
      std::cerr << "ferry: \"" << args[i] << "\" is not a delivery id\n";
      return 2;
    }
  }
  if (all_dead == !ids.empty()) {
    std::cerr << "usage: ferry requeue CONFIG (DELIVERY_ID... | --all-dead) [--reason TEXT]\n";
    return 2;
  }
  auto store = openOperatorStore(args[0]);
  if (!store) return 1;
  if (all_dead) {
    // Bounded: at most 100 pages of 500.
    std::int64_t after = 0;
    for (int page = 0; page < 100; ++page) {
      const auto batch = store->deadLetters(500, after);
      if (batch.empty()) break;
      for (const auto& d : batch) ids.push_back(d.id);
      after = batch.back().id;
    }
  }
  const std::string note = noteOf(reason);
  int refused = 0;
  for (const std::int64_t id : ids) {
    if (store->requeue(id, note)) {
      std::cout << "delivery " << id << ": requeued\n";
    } else {
      std::cout << "delivery " << id << ": not requeued (only failed or dead deliveries are)\n";
      ++refused;
    }
  }
  if (ids.empty()) std::cout << "no failed or dead deliveries\n";
  return refused == 0 ? 0 : 1;
}

// ferry status CONFIG: per channel whether it is paused, then messages and deliveries by status,
// each destination's open queue, retention, the configuration revision and the store's schema version.
int statusCommand(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ferry status CONFIG\n";
    return 2;
  }
  runtime::EngineConfig config;
  auto store = openOperatorStore(args[0], &config);
  if (!store) return 1;
  const std::set<std::string> paused = store->pausedChannels();
  for (const auto& c : config.channels) {
    std::cout << "channel " << c.name << ": " << runtime::channelState(c, paused);
    if (paused.contains(c.name)) {
      const auto events = store->channelEvents(c.name, 1);
      if (!events.empty()) std::cout << " since " << isoTime(events.back().at_ms) << " (" << events.back().detail << ")";
    }
    std::cout << '\n';
  }
  std::cout << "messages:";
  for (const auto& [status, count] : store->countMessagesByStatus()) std::cout << ' ' << status << '=' << count;
  std::cout << "\ndeliveries:";
  for (const auto& [status, count] : store->countDeliveriesByStatus()) std::cout << ' ' << status << '=' << count;
  // Each destination's open queue: one that grows, or whose oldest entry ages, is down or slow.
  const auto queues = store->openQueues();
  if (queues.empty()) std::cout << "\nqueues: none open";
  for (const store::DeliveryQueue& q : queues) {
    std::cout << "\nqueue " << q.destination << ": " << q.pending << " pending, " << q.in_flight
              << " in flight, oldest created " << isoTime(q.oldest_created_at_ms);
  }
  std::cout << "\nretention: "
            << (config.retention.days > 0 ? std::to_string(config.retention.days) + " days" : "none (every message kept)");
  if (const auto last = store->purges(1); !last.empty()) {
    const store::PurgeRecord& p = last.front();
    std::cout << ", last purge " << p.id << " at " << isoTime(p.at_ms) << " removed " << p.messages
              << " messages finished before " << isoTime(p.cutoff_ms) << " (" << p.actor << ")";
  }
  std::cout << "\nconfig: ";
  if (const auto latest = store->configRevisions(1); !latest.empty()) {
    const store::ConfigRevision& r = latest.front();
    std::cout << "revision " << r.id << " recorded " << isoTime(r.recorded_at_ms) << ", digest "
              << r.digest.substr(0, 12) << " (" << r.actor << ", " << r.reason << ")";
  } else {
    std::cout << "no revision recorded yet (ferry run records one)";
  }
  // Always current here: openOperatorStore applied what was pending, or refused the store
  // (store.migrations "manual").
  std::cout << "\nschema: version " << runtime::schemaVersion(store->schemaMigrations()) << " (up to date)\n";
  return 0;
}

// ferry messages CONFIG [--channel NAME] [--status STATUS] [--control-id ID] [--limit N]: newest first.
int messagesCommand(const Args& args) {
  if (args.empty()) {
    std::cerr << "usage: ferry messages CONFIG [--channel NAME] [--status STATUS] [--control-id ID] [--limit N]\n";
    return 2;
  }
  store::MessageFilter filter;
  filter.limit = 50;
  for (std::size_t i = 1; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      std::cerr << "ferry: " << args[i] << " needs a value\n";
      return 2;
    }
    const std::string& value = args[i + 1];
    if (args[i] == "--channel") {
      filter.channel = value;
    } else if (args[i] == "--status") {
      filter.status = store::parseMessageStatus(value);
      if (!filter.status) {
        std::cerr << "ferry: --status is received, processed, errored or filtered, not \"" << value << "\"\n";
        return 2;
      }
    } else if (args[i] == "--control-id") {
      filter.control_id = value;
    } else if (args[i] == "--limit") {
      const auto limit = parseId(value);
      if (!limit || *limit < 1 || *limit > 10000) {
        std::cerr << "ferry: --limit is a number from 1 to 10000\n";
        return 2;
      }
      filter.limit = static_cast<std::size_t>(*limit);
    } else {
      std::cerr << "ferry: unknown option " << args[i] << '\n';
      return 2;
    }
  }
  auto store = openOperatorStore(args[0]);
  if (!store) return 1;
  for (const auto& m : store->listMessages(filter)) {
    std::cout << m.id << '\t' << isoTime(m.received_at_ms) << '\t' << m.channel << '\t' << toString(m.status)
              << '\t' << (m.message_type.empty() ? "-" : m.message_type) << '\t'
              << (m.control_id.empty() ? "-" : m.control_id) << '\n';
  }
  return 0;
}

namespace {

// Only purges remove messages: an id inside a purge's range that is gone was purged. Ranges
// may overlap (a purge takes the oldest finished first), so every purge covering it is named.
std::string purgedBy(store::Store& store, std::int64_t id) {
  std::string named;
  for (const store::PurgeRecord& p : store.purges(1000)) {
    if (id < p.first_message_id || id > p.last_message_id) continue;
    named += (named.empty() ? ": removed by purge " : ", purge ") + std::to_string(p.id) + " at " +
             isoTime(p.at_ms) + " (" + p.actor + ": " + p.reason + ")";
  }
  return named;
}

}  // namespace

// ferry history CONFIG MESSAGE_ID [--raw] [--canonical]: the message's record, its deliveries
// and every event; the bytes and the stored canonical JSON only when asked for.
int historyCommand(const Args& args) {
  bool raw = false;
  bool canonical = false;
  bool usable = args.size() >= 2;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--raw") {
      raw = true;
    } else if (args[i] == "--canonical") {
      canonical = true;
    } else {
      usable = false;
    }
  }
  const auto id = usable ? parseId(args[1]) : std::nullopt;
  if (!id) {
    std::cerr << "usage: ferry history CONFIG MESSAGE_ID [--raw] [--canonical]\n";
    return 2;
  }
  auto store = openOperatorStore(args[0]);
  if (!store) return 1;
  const auto m = store->message(*id);
  if (!m) {
    std::cerr << "ferry: no message " << *id << purgedBy(*store, *id) << '\n';
    return 1;
  }
  std::cout << "message " << m->id << " on " << m->channel << ": " << toString(m->status) << ", "
            << (m->message_type.empty() ? "-" : m->message_type) << ", control id "
            << (m->control_id.empty() ? "-" : m->control_id) << ", from " << (m->sender.empty() ? "-" : m->sender)
            << ", received " << isoTime(m->received_at_ms) << ", " << m->raw.size() << " bytes\n";
  if (m->error) std::cout << "  error: " << *m->error << '\n';
  for (const auto& d : store->deliveriesFor(*id)) printDelivery(d);
  for (const auto& e : store->eventsFor(*id)) {
    std::cout << "  " << isoTime(e.at_ms) << ' ' << e.type;
    if (!e.destination.empty()) std::cout << " [" << e.destination << ']';
    if (!e.detail.empty()) std::cout << ": " << e.detail;
    std::cout << '\n';
  }
  if (raw) std::cout << m->raw << '\n';
  if (canonical) {
    std::cout << (m->canonical_json ? *m->canonical_json
                                    : "(no canonical form stored: not processed yet, or the channel's"
                                      " store_canonical)")
              << '\n';
  }
  return 0;
}

}  // namespace ferry::cli
