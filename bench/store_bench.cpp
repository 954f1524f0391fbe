// Durable inserts per second into the SQLite store (WAL; each insert returns after the fsync of
// the WAL that covers it, wal_sync.h) on a file in /tmp:
// one thread committing each message on its own, several threads doing the same (serialized
// by the store's write lock), and GroupCommitter gathering concurrent callers into shared
// transactions. Every iteration is one message that would be acknowledgeable on return.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/store/group_committer.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace {

using ferry::store::GroupCommitter;
using ferry::store::NewMessage;
using ferry::store::sqlite::SqliteStore;

// A typical ORU^R01 of about 3 KB.
NewMessage oruMessage(std::int64_t n) {
  NewMessage message;
  message.channel = "lab-in";
  message.control_id = "MSG" + std::to_string(n);
  message.sender = "LAB^HOSP";
  message.message_type = "ORU^R01";
  message.received_at_ms = 1'700'000'000'000 + n;
  message.raw = "MSH|^~\\&|LAB|HOSP|HIS|HOSP|20240101120000||ORU^R01^ORU_R01|" +
                message.control_id + "|P|2.5.1\rPID|1||12345^^^HOSP^MR||DOE^JANE||19800101|F\r";
  while (message.raw.size() < 3000) {
    message.raw += "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99|N|||F|||20240101115500\r";
  }
  return message;
}

std::filesystem::path g_dir;
std::unique_ptr<SqliteStore> g_store;
std::unique_ptr<GroupCommitter> g_committer;

void openStore(const benchmark::State&) {
  g_dir = std::filesystem::temp_directory_path() /
          ("ferry_store_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(g_dir);
  g_store = std::make_unique<SqliteStore>((g_dir / "bench.db").string());
}

void openCommitter(const benchmark::State& state) {
  openStore(state);
  g_committer = std::make_unique<GroupCommitter>(*g_store);
}

void closeAll(const benchmark::State&) {
  g_committer.reset();
  g_store.reset();
  std::filesystem::remove_all(g_dir);
}

void BM_InsertReceived(benchmark::State& state) {
  const NewMessage message = oruMessage(state.thread_index());
  const auto before = g_store->transactionsCommitted();
  for (auto _ : state) benchmark::DoNotOptimize(g_store->insertReceived(message).id);
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["msgs_per_txn"] = benchmark::Counter(
        static_cast<double>(state.iterations() * state.threads()) /
        static_cast<double>(g_store->transactionsCommitted() - before));
  }
}

void BM_GroupCommitter(benchmark::State& state) {
  const NewMessage message = oruMessage(state.thread_index());
  const auto before = g_committer->transactionsCommitted();
  for (auto _ : state) benchmark::DoNotOptimize(g_committer->commit(message).id);
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["msgs_per_txn"] = benchmark::Counter(
        static_cast<double>(state.iterations() * state.threads()) /
        static_cast<double>(g_committer->transactionsCommitted() - before));
  }
}

BENCHMARK(BM_InsertReceived)->Setup(openStore)->Teardown(closeAll)->UseRealTime()
    ->Threads(1)->Threads(8)->MinTime(3.0);
BENCHMARK(BM_GroupCommitter)->Setup(openCommitter)->Teardown(closeAll)->UseRealTime()
    ->Threads(1)->Threads(8)->Threads(32)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
