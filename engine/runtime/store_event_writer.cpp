#include "engine/runtime/store_event_writer.h"

#include <chrono>
#include <iterator>

#include "engine/runtime/background_thread.h"
#include "engine/runtime/json_log.h"

namespace ferry::runtime {

StoreEventWriter::StoreEventWriter(store::Store& store, std::function<void(std::string_view)> log)
    : store_(store), log_(std::move(log)), thread_([this] { run(); }) {}

StoreEventWriter::~StoreEventWriter() { stop(); }

void StoreEventWriter::add(const Event& e) {
  store::Event row;
  if (e.message_id != 0) row.message_id = e.message_id;
  if (e.delivery_id != 0) row.delivery_id = e.delivery_id;
  row.channel = e.channel;
  row.destination = e.destination;
  row.type = e.type;
  row.detail = e.detail;
  row.at_ms = e.at_ms;
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(row));
    full = pending_.size() == kWakeAt;
  }
  if (full) work_.notify_one();
}

void StoreEventWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  work_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreEventWriter::run() {
  markBackgroundThread();
  std::vector<store::Event> held;  // refused by the store so far, oldest first
  for (;;) {
    std::vector<store::Event> batch;
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      work_.wait_for(lock, std::chrono::milliseconds(100),
                     [this] { return stopping_ || pending_.size() >= kWakeAt; });
      batch.swap(pending_);
      last = stopping_;
    }
    if (!held.empty()) {
      // The refused events go first, so the table keeps the order they happened in.
      batch.insert(batch.begin(), std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
      held.clear();
    }
    if (!batch.empty()) write(batch, held);
    if (last) return;
  }
}

void StoreEventWriter::write(std::vector<store::Event>& batch, std::vector<store::Event>& held) {
  try {
    store_.appendEvents(batch);
    if (failing_) {
      failing_ = false;
      // A warning, as worker_resumed: a log kept to warnings shows the outage end as well as begin.
      log_(logLineStart(LogLevel::Warning, "events.write_resumed") + ",\"count\":" + std::to_string(batch.size()) + "}");
    }
    return;
  } catch (const std::exception& e) {
    // The store's sentence names the database and SQLite's reason, never a message's content.
    std::size_t dropped = 0;
    if (batch.size() > kMaxHeld) {
      dropped = batch.size() - kMaxHeld;
      batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(dropped));
    }
    if (!failing_ || dropped > 0) {
      log_(logLineStart(LogLevel::Error, "events.write_failed") + ",\"held\":" + std::to_string(batch.size()) +
           ",\"dropped\":" + std::to_string(dropped) + ",\"detail\":\"" + jsonEscape(e.what()) + "\"}");
    }
    failing_ = true;
    held = std::move(batch);
  }
}

}  // namespace ferry::runtime
