#pragma once
// A Store that forwards every call to another one; tests override a method to slow it down or
// make it fail, e.g. to hold GroupCommitter's writer inside a transaction.

#include "engine/store/store.h"

namespace ferry::store::test {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& inner) : inner_(inner) {}

  std::optional<std::string> writeFailure() const override { return inner_.writeFailure(); }

  std::vector<AppliedMigration> migrate() override { return inner_.migrate(); }
  std::vector<SchemaMigration> schemaMigrations() override { return inner_.schemaMigrations(); }
  ReceivedId insertReceived(const NewMessage& m) override { return inner_.insertReceived(m); }
  std::vector<ReceivedId> insertReceivedBatch(const std::vector<NewMessage>& m) override {
    return inner_.insertReceivedBatch(m);
  }
  bool markProcessed(std::int64_t id, const std::string& json) override {
    return inner_.markProcessed(id, json);
  }
  bool markProcessedAndRoute(std::int64_t id, const std::string& json,
                             const std::vector<NewDelivery>& deliveries) override {
    return inner_.markProcessedAndRoute(id, json, deliveries);
  }
  bool markErrored(std::int64_t id, const std::string& e) override { return inner_.markErrored(id, e); }
  bool markFiltered(std::int64_t id, const std::string& r) override {
    return inner_.markFiltered(id, r);
  }
  std::vector<bool> recordProcessed(const std::vector<ProcessedMessage>& outcomes) override {
    return inner_.recordProcessed(outcomes);
  }
  std::vector<MessageRecord> messagesWithStatus(MessageStatus s, std::size_t limit,
                                                std::int64_t after_id) override {
    return inner_.messagesWithStatus(s, limit, after_id);
  }
  std::optional<MessageRecord> message(std::int64_t id) override { return inner_.message(id); }
  std::vector<MessageRecord> listMessages(const MessageFilter& f) override {
    return inner_.listMessages(f);
  }
  std::vector<std::int64_t> messagesWithKey(const MessageKey& key) override {
    return inner_.messagesWithKey(key);
  }
  std::vector<MessageKey> messageKeys(std::int64_t id) override { return inner_.messageKeys(id); }
  std::vector<std::int64_t> addDeliveries(std::int64_t id,
                                          const std::vector<NewDelivery>& d) override {
    return inner_.addDeliveries(id, d);
  }
  std::vector<DeliveryRecord> claimDue(const std::string& destination, std::int64_t now_ms,
                                       std::size_t limit, ClaimOrder order) override {
    return inner_.claimDue(destination, now_ms, limit, order);
  }
  std::size_t recoverInFlight() override { return inner_.recoverInFlight(); }
  bool noteSettlement(const DeliveryRecord& claimed, const DeliverySettlement& s) override {
    return inner_.noteSettlement(claimed, s);
  }
  bool markDelivered(std::int64_t id, const std::optional<std::string>& response) override {
    return inner_.markDelivered(id, response);
  }
  bool markRetry(std::int64_t id, std::int64_t next_ms, const std::string& e) override {
    return inner_.markRetry(id, next_ms, e);
  }
  bool markFailed(std::int64_t id, const std::string& e,
                  const std::optional<std::string>& response) override {
    return inner_.markFailed(id, e, response);
  }
  bool markDead(std::int64_t id, const std::string& e) override { return inner_.markDead(id, e); }
  std::size_t release(const std::vector<std::int64_t>& ids) override { return inner_.release(ids); }
  SettledDeliveries settleDeliveries(const std::vector<DeliverySettlement>& settlements,
                                     const std::vector<std::int64_t>& released) override {
    return inner_.settleDeliveries(settlements, released);
  }
  SettledAndClaimed settleAndClaim(const std::vector<DeliverySettlement>& settlements,
                                   const std::string& destination, std::int64_t now_ms,
                                   std::size_t limit, ClaimOrder order) override {
    return inner_.settleAndClaim(settlements, destination, now_ms, limit, order);
  }
  bool requeue(std::int64_t id, const std::string& note) override { return inner_.requeue(id, note); }
  bool reopenForReprocessing(std::int64_t id, const std::string& note) override {
    return inner_.reopenForReprocessing(id, note);
  }
  bool setChannelPaused(const std::string& channel, bool paused, const std::string& note) override {
    return inner_.setChannelPaused(channel, paused, note);
  }
  std::set<std::string> pausedChannels() override { return inner_.pausedChannels(); }
  std::optional<DeliveryRecord> delivery(std::int64_t id) override { return inner_.delivery(id); }
  std::vector<DeliveryRecord> deliveriesFor(std::int64_t id) override {
    return inner_.deliveriesFor(id);
  }
  std::vector<DeliveryRecord> deadLetters(std::size_t limit, std::int64_t after_id) override {
    return inner_.deadLetters(limit, after_id);
  }
  std::int64_t appendEvent(const Event& e) override { return inner_.appendEvent(e); }
  std::vector<std::int64_t> appendEvents(const std::vector<Event>& e) override {
    return inner_.appendEvents(e);
  }
  std::vector<Event> eventsFor(std::int64_t id) override { return inner_.eventsFor(id); }
  std::vector<Event> channelEvents(const std::string& channel, std::size_t limit) override {
    return inner_.channelEvents(channel, limit);
  }
  std::map<std::string, std::int64_t> countMessagesByStatus() override {
    return inner_.countMessagesByStatus();
  }
  std::map<std::string, std::int64_t> countDeliveriesByStatus() override {
    return inner_.countDeliveriesByStatus();
  }
  std::vector<DeliveryQueue> openQueues() override { return inner_.openQueues(); }
  PurgeResult purgeFinished(std::int64_t older_than_ms, std::size_t max_messages,
                            std::string_view actor, std::string_view reason) override {
    return inner_.purgeFinished(older_than_ms, max_messages, actor, reason);
  }
  void backupTo(const std::string& path) override { inner_.backupTo(path); }
  std::int64_t countPurgeable(std::int64_t older_than_ms) override {
    return inner_.countPurgeable(older_than_ms);
  }
  std::vector<PurgeRecord> purges(std::size_t limit) override { return inner_.purges(limit); }
  ConfigRevisionResult recordConfigRevision(const ConfigRevision& revision,
                                            std::int64_t based_on_id) override {
    return inner_.recordConfigRevision(revision, based_on_id);
  }
  std::vector<ConfigRevision> configRevisions(std::size_t limit, std::int64_t before_id) override {
    return inner_.configRevisions(limit, before_id);
  }
  std::optional<ConfigRevision> configRevision(std::int64_t id) override {
    return inner_.configRevision(id);
  }
  std::string configSecretSalt() override { return inner_.configSecretSalt(); }
  std::uint64_t transactionsCommitted() const override { return inner_.transactionsCommitted(); }

 protected:
  Store& inner_;
};

}  // namespace ferry::store::test
