#pragma once
// Notes of how sent deliveries ended, kept until the database records them.
//
// Why: a delivery worker settles its deliveries in batches (one write transaction for many, as
// the single writer waits behind fsyncs). Without notes, a process killed in the middle of a
// batch would, after the restart, send everything that batch had sent again. With them, the
// worker notes each outcome right after the peer answers: an append to a plain file beside the
// database, with no transaction and no fsync, so it costs microseconds and survives a killed
// process (the kernel keeps the written bytes). Recovery settles what was noted instead of
// sending it again, so a kill re-sends at most the delivery that was on the wire. A power cut
// may lose notes; those deliveries are then sent again, which at-least-once delivery allows.
//
// Safety: a note must never settle anything but the claim it was made for, or a delivery would
// be marked done without being sent. So a note carries its claim (attempt count and claim
// time), files are emptied as soon as the database has what they hold, and recovery removes
// them before it applies them (a lost note costs a duplicate; a stale one could cost a message).
//
// One file per destination and noting thread (a destination may have several workers), in the
// folder "<database>-sent". Records are length-prefixed and checksummed; a torn record ends the
// file.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/store/store.h"

namespace ferry::store::sqlite {

struct NotedSettlement {
  DeliverySettlement settlement;
  int attempts = 0;                // of the claim, as claimDue returned it
  std::int64_t claimed_at_ms = 0;  // the claim's updated_at
};

class SettlementJournal {
 public:
  explicit SettlementJournal(std::string folder);
  ~SettlementJournal();
  SettlementJournal(const SettlementJournal&) = delete;
  SettlementJournal& operator=(const SettlementJournal&) = delete;

  // Appends a note to the destination's file. False when it could not be written: then the
  // delivery is only sent again should the process die before the batch is settled.
  bool note(const std::string& destination, const NotedSettlement& noted);
  // The database now holds these deliveries' states: their notes are no longer needed, and a
  // destination's file is emptied once none of its notes is outstanding.
  void forget(const std::vector<std::int64_t>& delivery_ids);
  // At start, before anything is noted: the complete notes an earlier process left, in the
  // order they were written. The files are removed (durably) before this returns.
  std::vector<NotedSettlement> takeAll();

  const std::string& folder() const { return folder_; }

 private:
  struct File {
    int fd = -1;
    std::size_t outstanding = 0;  // notes not yet forgotten
  };
  File* open(const std::string& name);
  // The file name (without folder and extension) the calling thread notes this destination in.
  std::string fileFor(const std::string& destination);

  const std::string folder_;
  std::mutex mutex_;
  std::map<std::string, File> files_;                    // by file name
  std::unordered_map<std::int64_t, std::string> noted_;  // delivery id -> file name
  std::map<std::thread::id, std::size_t> writers_;       // a number for each noting thread
};

}  // namespace ferry::store::sqlite
