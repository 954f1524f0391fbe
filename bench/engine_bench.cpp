// End-to-end throughput and ACK latency of the engine: N concurrent MLLP senders -> Ferry
// (durable SQLite, ACK after commit) -> an MLLP destination on loopback. The baseline, measured
// in the same run with the same clients and frames, is a plain MLLP echo that answers each frame
// with a fixed ACK and stores nothing: the cost of the sockets alone; and a relay that ACKs at
// once and forwards to the same kind of destination (class Relay): Ferry's two hops of sockets
// without Ferry's work.
//
// Usage: engine_bench [--senders N] [--seconds S] [--rate MSGS_PER_S] [--ack-mode on_commit|after_parse]
//                     [--only baseline|ferry]
// Without --rate it runs each scenario twice, at 1,000 msgs/s and at saturation; --rate R runs
// only that rate (0 = saturation). Prints one line per scenario: messages/s, ACK latency
// p50/p99/max, and for Ferry the time until every message was delivered to the destination and
// the store's write transactions per message.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iterator>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "bench/bench_peers.h"
#include "channels/mllp/listener.h"
#include "channels/mllp/sender.h"
#include "engine/runtime/engine.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace ferry;

struct Options {
  int senders = 8;
  double seconds = 5;
  double rate = 0;  // 0: as fast as possible
  std::string ack_mode = "on_commit";
  std::vector<double> rates = {1000.0, 0.0};
  std::string only;  // "baseline", "ferry" or empty for both
  bool keep = false;  // leave the store of the last scenario for inspection
  int connections = 1;  // to the destination; more than one makes it unordered
  std::string store_canonical = "always";
  std::string log_level = "info";
};

void usage() {
  std::printf(
      "engine_bench [--senders N] [--seconds S] [--rate MSGS_PER_S] [--ack-mode on_commit|after_parse]\n"
      "             [--only baseline|ferry] [--connections N] [--store-canonical always|on_error|never]\n"
      "             [--keep 1] [--log-level info|warning|error]\n"
      "  --senders   concurrent MLLP connections, each waiting for its ACK (default 8)\n"
      "  --seconds   length of each scenario (default 5)\n"
      "  --rate      total offered msgs/s, 0 = saturation (default: both 1000 and 0)\n"
      "  --ack-mode  the channel's ack_mode (default on_commit)\n"
      "  --only      run only the echo baseline or only Ferry\n"
      "  --connections  parallel connections to the destination (unordered when more than 1)\n"
      "  --store-canonical  the channel's store_canonical (default always)\n"
      "  --keep 1    keep the last scenario's store in /tmp/ferry-engine-bench (write volume, rows)\n"
      "  --log-level the engine's log_level (default info: a line per message event)\n");
}

struct Result {
  std::size_t messages = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
};

Result drive(int port, const Options& o) {
  Result total;
  std::mutex mutex;
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  const auto stop_at = start + std::chrono::duration<double>(o.seconds);
  for (int s = 0; s < o.senders; ++s) {
    threads.emplace_back([&, s] {
      mllp::SenderConfig c;
      c.host = "127.0.0.1";
      c.port = static_cast<std::uint16_t>(port);
      mllp::Sender sender(c, [](std::string_view) {});
      std::vector<double> lat;
      const double per_sender_rate = o.rate > 0 ? o.rate / o.senders : 0;
      auto next = Clock::now();
      for (int n = 0; Clock::now() < stop_at && n < 10'000'000; ++n) {
        if (per_sender_rate > 0) {
          next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / per_sender_rate));
          std::this_thread::sleep_until(next);
        }
        const std::string m = bench::labResult(s, n);
        const auto t0 = Clock::now();
        const auto r = sender.send(m, std::chrono::seconds(10));
        if (r.status != mllp::SendStatus::Acked) break;
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      std::lock_guard lock(mutex);
      total.latencies_ms.insert(total.latencies_ms.end(), lat.begin(), lat.end());
    });
  }
  for (auto& t : threads) t.join();
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  total.messages = total.latencies_ms.size();
  return total;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void report(const char* name, const Result& r, const std::string& extra = {}) {
  std::printf("| %-34s | %9.0f | %8.2f | %8.2f | %8.2f | %s\n", name,
              static_cast<double>(r.messages) / r.seconds, percentile(r.latencies_ms, 0.50),
              percentile(r.latencies_ms, 0.99), percentile(r.latencies_ms, 1.0), extra.c_str());
  std::fflush(stdout);
}

// The second baseline, Ferry's network path with nothing else: each frame is answered with a
// fixed AA at once and queued, and one connection forwards the queue to the destination in
// order, waiting for each ACK, as Ferry's ordered MLLP destination does. Two hops of sockets and
// one hand-off between threads; no store, no parsing, no normalizing, no routing. What Ferry
// reaches against it is the share of the machine's network ceiling its own work leaves.
class Relay {
 public:
  explicit Relay(std::uint16_t destination_port) {
    mllp::ListenerConfig c;
    c.channel = "relay";
    c.max_connections = 256;
    listener_ = std::make_unique<mllp::Listener>(
        c, [this](std::string frame, const mllp::Peer&) { return take(std::move(frame)); },
        [](std::string_view) {});
    listener_->start();
    forwarder_ = std::thread([this, destination_port] { forward(destination_port); });
  }
  ~Relay() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    room_.notify_all();
    listener_->stop();
    forwarder_.join();
  }
  std::uint16_t port() const { return listener_->port(); }

 private:
  static constexpr std::size_t kMaxQueued = 100'000;  // past it the senders wait (backpressure)

  std::string take(std::string frame) {
    {
      std::unique_lock lock(mutex_);
      room_.wait(lock, [&] { return queue_.size() < kMaxQueued || stopping_; });
      queue_.push_back(std::move(frame));
    }
    ready_.notify_one();
    return "MSH|^~\\&|RELAY|RELAY|LAB|LAB|20261126||ACK^R01^ACK|1|P|2.5.1\rMSA|AA|1\r";
  }

  void forward(std::uint16_t port) {
    mllp::SenderConfig c;
    c.host = "127.0.0.1";
    c.port = port;
    mllp::Sender sender(c, [](std::string_view) {});
    std::vector<std::string> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (stopping_) return;
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.clear();
      }
      room_.notify_all();
      for (const std::string& frame : batch) {
        if (sender.send(frame, std::chrono::seconds(10)).status != mllp::SendStatus::Acked) return;
      }
    }
  }

  std::unique_ptr<mllp::Listener> listener_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::vector<std::string> queue_;
  bool stopping_ = false;
  std::thread forwarder_;
};

// Bytes this process has caused to be written to the disk so far (/proc/self/io write_bytes):
// the WAL, the checkpoints' copies into the database file, the settlement notes. 0 when the
// kernel does not account it.
std::uint64_t diskWriteBytes() {
  std::FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return 0;
  char line[128];
  unsigned long long bytes = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "write_bytes: %llu", &bytes) == 1) break;
  }
  std::fclose(f);
  return bytes;
}

// The whole process's CPU time and context switches (every thread: the senders, the destination
// and what is measured). Their difference over a scenario, a message, is a figure that does not
// depend on how fast this VM's disk answers today, unlike throughput and latency; the relay's
// gives the share the harness itself costs.
struct CpuUse {
  double seconds = 0;
  long switches = 0;
};

CpuUse cpuUse() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return {secs(u.ru_utime) + secs(u.ru_stime), u.ru_nvcsw + u.ru_nivcsw};
}

std::string cpuPerMessage(const CpuUse& before, std::size_t messages) {
  const CpuUse after = cpuUse();
  if (messages == 0) return "";
  char line[160];
  std::snprintf(line, sizeof line, "  CPU: %.0f us a message (process, user + system), %.1f context switches a message\n",
                (after.seconds - before.seconds) * 1e6 / static_cast<double>(messages),
                static_cast<double>(after.switches - before.switches) / static_cast<double>(messages));
  return line;
}

// A stand-in destination or the echo baseline: counts the frames it answers.
std::unique_ptr<mllp::Listener> echo(std::atomic<std::size_t>& frames) {
  return bench::echoDestination([&frames](std::string_view) { ++frames; });
}

}  // namespace

// How much of the run the store's single writer was busy, and with what: every write of every
// thread takes its turn on that one connection, so near 100 % it is the ceiling.
std::string writerLoad(store::Store& s, Clock::duration wall) {
  const auto* sqlite = dynamic_cast<const store::sqlite::SqliteStore*>(&s);
  if (sqlite == nullptr) return {};
  const auto t = sqlite->writerTime();
  const double us = std::chrono::duration<double, std::micro>(wall).count();
  const auto pct = [us](std::uint64_t part) { return 100.0 * static_cast<double>(part) / us; };
  char line[256];
  std::snprintf(line, sizeof line,
                "  store writer busy %.0f %% of the run: received messages %.0f %% statements + %.0f %% "
                "commits; bookkeeping %.0f %% statements + %.0f %% commits\n",
                pct(t.durable_statements_us + t.durable_commit_us + t.bookkeeping_statements_us +
                    t.bookkeeping_commit_us),
                pct(t.durable_statements_us), pct(t.durable_commit_us), pct(t.bookkeeping_statements_us),
                pct(t.bookkeeping_commit_us));
  std::string out = line;
  const auto per = [](std::uint64_t a, std::uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  std::snprintf(line, sizeof line,
                "  transactions: %llu received (%.1f pages each, %.0f us commit), %llu bookkeeping "
                "(%.1f pages each, %.0f us statements, %.0f us commit)\n",
                static_cast<unsigned long long>(t.durable_transactions), per(t.durable_pages, t.durable_transactions),
                per(t.durable_commit_us, t.durable_transactions),
                static_cast<unsigned long long>(t.bookkeeping_transactions),
                per(t.bookkeeping_pages, t.bookkeeping_transactions),
                per(t.bookkeeping_statements_us, t.bookkeeping_transactions),
                per(t.bookkeeping_commit_us, t.bookkeeping_transactions));
  out += line;
  std::snprintf(line, sizeof line,
                "  WAL fsyncs after commit (off the writer): %llu, %.0f us each, %.1f waiting callers each\n",
                static_cast<unsigned long long>(t.wal_syncs), per(t.wal_sync_us, t.wal_syncs),
                per(t.wal_sync_waits, t.wal_syncs));
  out += line;
  std::snprintf(line, sizeof line,
                "  checkpoints: %llu in the background, %llu catch-ups by the writer (%.0f us each, inside "
                "commits); WAL %.1f MB at the end\n",
                static_cast<unsigned long long>(sqlite->checkpoints()),
                static_cast<unsigned long long>(sqlite->writerCheckpoints()),
                per(sqlite->writerCheckpointMicros(), sqlite->writerCheckpoints()),
                static_cast<double>(sqlite->walBytes()) / 1e6);
  return out + line;
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--help" || k == "-h" || i + 1 >= argc) {
      usage();
      return k == "--help" || k == "-h" ? 0 : 2;
    }
    if (k == "--senders") o.senders = std::atoi(argv[i + 1]);
    else if (k == "--seconds") o.seconds = std::atof(argv[i + 1]);
    else if (k == "--rate") o.rates = {std::atof(argv[i + 1])};
    else if (k == "--ack-mode") o.ack_mode = argv[i + 1];
    else if (k == "--only") o.only = argv[i + 1];
    else if (k == "--keep") o.keep = std::atoi(argv[i + 1]) != 0;
    else if (k == "--connections") o.connections = std::max(1, std::atoi(argv[i + 1]));
    else if (k == "--store-canonical") o.store_canonical = argv[i + 1];
    else if (k == "--log-level" && runtime::parseLogLevel(argv[i + 1])) o.log_level = argv[i + 1];
    else {
      usage();
      return 2;
    }
  }
  std::printf("senders=%d seconds=%.1f ack_mode=%s connections=%d store_canonical=%s log_level=%s cores=%u\n",
              o.senders, o.seconds, o.ack_mode.c_str(), o.connections, o.store_canonical.c_str(), o.log_level.c_str(),
              std::thread::hardware_concurrency());
  std::printf("| %-34s | %9s | %8s | %8s | %8s |\n", "scenario", "msgs/s", "p50 ms", "p99 ms", "max ms");

  if (o.only != "ferry") {
    std::atomic<std::size_t> echoed{0};
    auto baseline = echo(echoed);
    for (double rate : o.rates) {
      Options run = o;
      run.rate = rate;
      const std::string name = rate > 0 ? "baseline echo @" + std::to_string(static_cast<int>(rate)) + "/s"
                                        : "baseline echo, saturation";
      report(name.c_str(), drive(baseline->port(), run));
    }
    baseline->stop();
    for (double rate : o.rates) {
      std::atomic<std::size_t> delivered{0};
      auto destination = echo(delivered);
      Options run = o;
      run.rate = rate;
      Result r;
      double drain = 0;
      const CpuUse cpu_before = cpuUse();
      {
        Relay relay(destination->port());
        r = drive(relay.port(), run);
        const auto t0 = Clock::now();
        while (delivered < r.messages && Clock::now() - t0 < std::chrono::seconds(60)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        drain = std::chrono::duration<double>(Clock::now() - t0).count();
      }
      destination->stop();
      const std::string name = rate > 0 ? "baseline relay @" + std::to_string(static_cast<int>(rate)) + "/s"
                                        : "baseline relay, saturation";
      report(name.c_str(), r,
             "delivered " + std::to_string(delivered.load()) + " of " + std::to_string(r.messages) +
                 ", end-to-end " +
                 std::to_string(static_cast<int>(static_cast<double>(delivered) / (r.seconds + drain))) +
                 " msgs/s");
      std::printf("%s", cpuPerMessage(cpu_before, delivered.load()).c_str());
    }
  }
  if (o.only == "baseline") return 0;

  const std::string folder = "/tmp/ferry-engine-bench";
  for (double rate : o.rates) {
    std::filesystem::remove_all(folder);
    std::atomic<std::size_t> delivered{0};
    auto destination = echo(delivered);
    runtime::EngineConfig config;
    config.store.path = folder + "/ferry.db";
    // The default duplicate window (a day): every message is checked, inside its insert.
    runtime::ChannelConfig lab;
    lab.name = "lab";
    lab.source.type = "mllp";
    lab.source.max_connections = 256;
    lab.ack_mode = o.ack_mode;
    lab.store_canonical = o.store_canonical;
    runtime::DestinationConfig d;
    d.name = "hospital";
    d.type = "mllp";
    d.format = "original";
    d.host = "127.0.0.1";
    d.port = destination->port();
    d.connections = o.connections;
    d.ordered = o.connections == 1;
    lab.destinations.push_back(d);
    config.channels.push_back(lab);
    runtime::JsonLog log(folder + ".log");
    log.setLevel(*runtime::parseLogLevel(o.log_level));
    const std::uint64_t written_before = diskWriteBytes();
    const CpuUse cpu_before = cpuUse();
    runtime::Engine engine(config, log);
    engine.start();
    const auto started = Clock::now();
    Options run = o;
    run.rate = rate;
    const Result r = drive(engine.port("lab"), run);
    const auto t0 = Clock::now();
    while (delivered < r.messages && Clock::now() - t0 < std::chrono::seconds(120)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const double drain = std::chrono::duration<double>(Clock::now() - t0).count();
    const double delivered_rate = static_cast<double>(delivered) / (r.seconds + drain);
    const double transactions = static_cast<double>(engine.store().transactionsCommitted());
    const std::string writer = writerLoad(engine.store(), Clock::now() - started);
    engine.stop();  // closing the store checkpoints what is left: its writes count too
    destination->stop();
    const double written_kb = static_cast<double>(diskWriteBytes() - written_before) / 1024.0;
    char per_message[32];
    std::snprintf(per_message, sizeof per_message, "%.2f",
                  r.messages == 0 ? 0.0 : transactions / static_cast<double>(r.messages));
    const std::string name = rate > 0 ? "ferry @" + std::to_string(static_cast<int>(rate)) + "/s"
                                      : "ferry, saturation";
    report(name.c_str(), r,
           "delivered " + std::to_string(delivered.load()) + " of " + std::to_string(r.messages) +
               ", end-to-end " + std::to_string(static_cast<int>(delivered_rate)) +
               " msgs/s, " + per_message + " store transactions/msg");
    std::printf("%s", writer.c_str());
    std::printf("%s", cpuPerMessage(cpu_before, delivered.load()).c_str());
    std::printf("  disk: %.1f KB written a message (WAL, checkpoints, notes; /proc/self/io)\n",
                r.messages == 0 ? 0.0 : written_kb / static_cast<double>(r.messages));
  }
  if (!o.keep) std::filesystem::remove_all(folder);
  return 0;
}
