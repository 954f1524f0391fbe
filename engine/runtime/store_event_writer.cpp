#include "engine/runtime/store_event_writer.h"

#include <chrono>
#include <cstdio>

#include "engine/runtime/background_thread.h"

namespace ferry::runtime {

StoreEventWriter::StoreEventWriter(store::Store& store)
    : store_(store), thread_([this] { run(); }) {}

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
    if (!batch.empty()) {
      try {
        store_.appendEvents(batch);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "{\"level\":\"error\",\"event\":\"events.write_failed\",\"count\":%zu}\n",
                     batch.size());
      }
    }
    if (last) return;
  }
}

}  // namespace ferry::runtime
