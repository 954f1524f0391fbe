#include "engine/store/group_committer.h"

#include <utility>
#include <vector>

namespace ferry::store {

GroupCommitter::GroupCommitter(Store& store, Options options)
    : store_(store), options_(options.max_batch == 0 ? Options{1, options.inline_writes} : options) {
  if (!options_.inline_writes) writer_ = std::thread([this] { run(); });
}

GroupCommitter::~GroupCommitter() { stop(); }

ReceivedId GroupCommitter::commit(NewMessage message) {
  if (options_.inline_writes) return commitInline(std::move(message));
  Request request;
  request.message = std::move(message);
  std::unique_lock lock(mutex_);
  if (stopping_) {
    throw StoreError("", "The group committer is stopped; the message was not stored.");
  }
  queue_.push_back(&request);
  work_.notify_one();
  request.woken.wait(lock, [&] { return request.done; });
  if (request.error) std::rethrow_exception(request.error);
  return request.id;
}

void GroupCommitter::enterInline() {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    throw StoreError("", "The group committer is stopped; the message was not stored.");
  }
  ++inline_in_flight_;
}

void GroupCommitter::leaveInline() {
  std::lock_guard lock(mutex_);
  if (--inline_in_flight_ == 0) inline_drained_.notify_all();
}

ReceivedId GroupCommitter::commitInline(NewMessage message) {
  enterInline();
  struct Leave {
    GroupCommitter& self;
    ~Leave() { self.leaveInline(); }
  } leave{*this};
  // The store counts the transactions, which other callers' writes may share.
  const ReceivedId id = store_.insertReceived(message);
  messages_.fetch_add(1, std::memory_order_relaxed);
  return id;
}

std::vector<GroupCommitter::Outcome> GroupCommitter::commitAll(std::vector<NewMessage> messages) {
  if (messages.empty()) return {};
  if (options_.inline_writes) return commitAllInline(messages);
  // Queued together, so the writer thread takes them into one transaction (up to max_batch).
  std::vector<Request> requests(messages.size());
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      throw StoreError("", "The group committer is stopped; the message was not stored.");
    }
    for (std::size_t i = 0; i < messages.size(); ++i) {
      requests[i].message = std::move(messages[i]);
      queue_.push_back(&requests[i]);
    }
  }
  work_.notify_one();
  std::vector<Outcome> outcomes(requests.size());
  std::unique_lock lock(mutex_);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].woken.wait(lock, [&] { return requests[i].done; });
    outcomes[i] = Outcome{requests[i].id, requests[i].error};
  }
  return outcomes;
}

std::vector<GroupCommitter::Outcome> GroupCommitter::commitAllInline(std::vector<NewMessage>& messages) {
  enterInline();
  struct Leave {
    GroupCommitter& self;
    ~Leave() { self.leaveInline(); }
  } leave{*this};
  std::vector<Outcome> outcomes(messages.size());
  try {
    const auto ids = store_.insertReceivedBatch(messages);
    if (ids.size() != messages.size()) {
      throw StoreError("", "The store returned " + std::to_string(ids.size()) + " ids for " +
                               std::to_string(messages.size()) + " messages.");
    }
    for (std::size_t i = 0; i < ids.size(); ++i) outcomes[i].id = ids[i];
  } catch (...) {
    // Every message of the batch fails, unacknowledged, and its sender sends it again. Not
    // retried one by one: the transaction may have committed before its WAL sync failed, and a
    // second insert would store the message twice; a resent one is found a duplicate instead.
    for (Outcome& outcome : outcomes) outcome.error = std::current_exception();
    return outcomes;
  }
  messages_.fetch_add(messages.size(), std::memory_order_relaxed);
  return outcomes;
}

std::size_t GroupCommitter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + inline_in_flight_;
}

bool GroupCommitter::stopped() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void GroupCommitter::stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::unique_lock lock(mutex_);
  inline_drained_.wait(lock, [&] { return inline_in_flight_ == 0; });
}

void GroupCommitter::run() {
  std::vector<Request*> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    commitBatch(batch);
    batch.clear();
  }
}

void GroupCommitter::commitBatch(std::vector<Request*>& batch) {
  // The callers are blocked until `done`, so their messages can be moved out meanwhile.
  std::vector<NewMessage> messages;
  messages.reserve(batch.size());
  for (Request* request : batch) messages.push_back(std::move(request->message));

  std::vector<ReceivedId> ids(batch.size());
  std::vector<std::exception_ptr> errors(batch.size());
  try {
    ids = insert(messages);
  } catch (...) {
    // One bad message must not fail the callers batched with it by chance: commit one by one,
    // so each caller learns its own outcome (after a disk failure they all fail anyway).
    if (batch.size() == 1) {
      errors[0] = std::current_exception();
    } else {
      for (std::size_t i = 0; i < messages.size(); ++i) {
        try {
          ids[i] = insert({messages[i]}).front();
        } catch (...) {
          errors[i] = std::current_exception();
        }
      }
    }
  }

  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->id = ids[i];
    batch[i]->error = errors[i];
    batch[i]->done = true;
    // Notified under the lock: the caller may return and destroy its request right after.
    batch[i]->woken.notify_one();
  }
}

std::vector<ReceivedId> GroupCommitter::insert(const std::vector<NewMessage>& messages) {
  auto ids = store_.insertReceivedBatch(messages);
  if (ids.size() != messages.size()) {
    throw StoreError("", "The store returned " + std::to_string(ids.size()) + " ids for " +
                             std::to_string(messages.size()) + " messages.");
  }
  transactions_.fetch_add(1, std::memory_order_relaxed);
  messages_.fetch_add(messages.size(), std::memory_order_relaxed);
  return ids;
}

}  // namespace ferry::store
