// A long run of the real `ferry run` under a steady feed, for what a 24/7 lab feed does to the
// engine over time: its memory, threads, open files, store and WAL size, queue and ACK latency,
// sampled every few seconds. Optionally the destination goes away for a while (--outage) and
// comes back; at the end every acknowledged message must have reached the destination.
//
// Usage: soak_bench [--ferry PATH] [--seconds S] [--rate MSGS_PER_S] [--senders N]
//                   [--sample-seconds S] [--outage FROM-TO] [--ack-mode on_commit|after_parse]
//                   [--keep DIR]
// Exit status 0 when every message the engine acknowledged was delivered and the engine stopped
// cleanly, 1 otherwise.

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_peers.h"
#include "channels/http/listener.h"
#include "channels/mllp/sender.h"
#include "channels/mllp/listener.h"
#include "tests/support/proc_status.h"
#include "tests/support/spawn.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace ferry;

struct Options {
  std::string ferry;  // the binary; default: ../engine/ferry next to this one
  double seconds = 600;
  double rate = 1000;
  int senders = 8;
  double sample_seconds = 30;
  double outage_from = -1;  // seconds into the run; -1: no outage
  double outage_to = -1;
  std::string ack_mode = "on_commit";
  std::string keep;  // a folder to keep the configuration, store and log in
  bool reconnect = false;  // a new connection for every message, as some lab systems send
  std::string destination = "mllp";  // or "http": the engine POSTs each message
  double restart_at = -1;  // seconds into the run: stop the engine and start it again
  bool kill = false;       // stop it with SIGKILL (a crash) instead of SIGTERM
};

void usage() {
  std::printf(
      "soak_bench [--ferry PATH] [--seconds S] [--rate MSGS_PER_S] [--senders N]\n"
      "           [--sample-seconds S] [--outage FROM-TO] [--ack-mode on_commit|after_parse] [--keep DIR]\n"
      "           [--reconnect 1] [--destination mllp|http] [--restart-at T [--kill 1]]\n"
      "  --seconds         length of the feed (default 600)\n"
      "  --rate            total offered msgs/s (default 1000)\n"
      "  --senders         MLLP connections, each waiting for its ACK (default 8)\n"
      "  --sample-seconds  one line of figures this often (default 30)\n"
      "  --outage FROM-TO  the destination is down from FROM to TO seconds into the feed\n"
      "  --keep DIR        run in DIR (new or empty) and leave the store and log there\n"
      "  --restart-at T    stop the engine with SIGTERM T seconds into the feed and start it again;\n"
      "                    senders send a message that got no AA again, as real ones do\n"
      "  --kill 1          with --restart-at: SIGKILL (a crash) instead of SIGTERM\n"
      "  --destination     the stand-in the engine delivers to: MLLP (AA) or HTTP (200 to a POST)\n"
      "  --reconnect 1     each message on a connection of its own (keep --rate below ~400: closed\n"
      "                    connections hold an ephemeral port for 60 s)\n"
      "The store takes ~9 KB a message (8 GB for 900 s at 1,000 msgs/s), in /tmp/ferry-soak unless --keep.\n");
}

// The control id (MSH-10) of a frame from labResult(): the text between the 9th and 10th '|'.
std::string controlId(std::string_view frame) {
  std::size_t at = 0;
  for (int bars = 0; bars < 9 && at != std::string_view::npos; ++bars) {
    at = frame.find('|', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos) return {};
  return std::string(frame.substr(at, frame.find('|', at) - at));
}

// What the destination has received, by control id: a second copy counts as a duplicate.
struct Delivered {
  std::mutex mutex;
  std::set<std::string> ids;
  std::size_t frames = 0;
  void add(std::string_view frame) {
    std::string id = controlId(frame);
    std::lock_guard lock(mutex);
    ++frames;
    ids.insert(std::move(id));
  }
};

// The stand-in the engine delivers to, on a fixed port so it can be taken down and brought back:
// an MLLP listener answering AA, or an HTTP listener answering 200 to a POST of the message.
class StandIn {
 public:
  StandIn(const std::string& kind, std::uint16_t port, Delivered& delivered)
      : http_kind_(kind == "http"), port_(port), delivered_(delivered) {}
  void start() {
    if (!http_kind_) {
      mllp_ = bench::echoDestination([this](std::string_view f) { delivered_.add(f); }, port_);
      return;
    }
    http::Listener::Config c;
    c.name = "stand-in";
    c.port = port_;
    c.log = [](std::string_view) {};
    http_ = std::make_unique<http::Listener>(c);
    http_->route("POST", "/in", [this](const http::Request& r) {
      delivered_.add(r.body);
      http::Response ok;
      ok.status = 200;
      return ok;
    });
    http_->start();
  }
  void stop() {
    if (mllp_) mllp_->stop();
    if (http_) http_->stop();
    mllp_.reset();
    http_.reset();
  }
  // The channel file's destination entry. Its retries are bounded by time, not by a count an
  // outage would exhaust: nothing is dead-lettered.
  std::string destinationJson() const {
    const std::string where = http_kind_ ? R"("type": "http", "format": "original", "url": "http://127.0.0.1:)" +
                                               std::to_string(port_) + R"(/in")"
                                         : R"("type": "mllp", "host": "127.0.0.1", "port": )" + std::to_string(port_);
    return R"({"name": "hospital", )" + where +
           R"(, "retry": {"max_attempts": 100000, "initial_backoff_ms": 100, "max_backoff_ms": 1000}})";
  }

 private:
  bool http_kind_;
  std::uint16_t port_;
  Delivered& delivered_;
  std::unique_ptr<mllp::Listener> mllp_;
  std::unique_ptr<http::Listener> http_;
};

// The senders' side: acknowledged control ids and this interval's ACK latencies.
struct Feed {
  std::mutex mutex;
  std::vector<std::string> acked;
  std::vector<double> latencies_ms;  // since the last sample
  std::size_t failures = 0;          // messages that got no AA in 30 s of sending them again
  std::size_t resent = 0;            // sends again after no AA (a restart, a lost connection)
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int openFiles(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

double fileMb(const std::string& path) {
  struct stat s {};
  return ::stat(path.c_str(), &s) == 0 ? static_cast<double>(s.st_size) / 1e6 : 0.0;
}

std::string metrics(std::uint16_t port) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics");
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(body, text);
    return text;
  } catch (const std::exception&) {
    return {};
  }
}

// The sum of every sample of a metric whose line starts with `prefix` (name and labels).
double metricSum(const std::string& text, const std::string& prefix) {
  double sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) sum += std::atof(line.c_str() + line.rfind(' ') + 1);
  }
  return sum;
}

std::uint16_t freePort() {
  // An ephemeral port the kernel hands out, released at once for the engine to bind.
  mllp::ListenerConfig c;
  mllp::Listener probe(c, [](std::string, const mllp::Peer&) { return std::string(); }, [](std::string_view) {});
  probe.start();
  const std::uint16_t port = probe.port();
  probe.stop();
  return port;
}

void writeFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

int soak(int argc, char** argv) {
  Options o;
  o.ferry = (std::filesystem::path(argv[0]).parent_path() / "../engine/ferry").string();
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--help" || k == "-h" || i + 1 >= argc) {
      usage();
      return k == "--help" || k == "-h" ? 0 : 2;
    }
    const std::string v = argv[i + 1];
    if (k == "--ferry") o.ferry = v;
    else if (k == "--seconds") o.seconds = std::atof(v.c_str());
    else if (k == "--rate") o.rate = std::atof(v.c_str());
    else if (k == "--senders") o.senders = std::max(1, std::atoi(v.c_str()));
    else if (k == "--sample-seconds") o.sample_seconds = std::max(1.0, std::atof(v.c_str()));
    else if (k == "--outage" && v.find('-') != std::string::npos) {
      o.outage_from = std::atof(v.c_str());
      o.outage_to = std::atof(v.c_str() + v.find('-') + 1);
    } else if (k == "--ack-mode") o.ack_mode = v;
    else if (k == "--keep") o.keep = v;
    else if (k == "--reconnect") o.reconnect = v == "1";
    else if (k == "--destination" && (v == "mllp" || v == "http")) o.destination = v;
    else if (k == "--restart-at") o.restart_at = std::atof(v.c_str());
    else if (k == "--kill") o.kill = v == "1";
    else {
      usage();
      return 2;
    }
  }
  if (o.rate <= 0) {
    std::fprintf(stderr, "soak_bench: --rate must be above 0 (a soak is a steady feed, not saturation)\n");
    return 2;
  }

  const std::string dir = o.keep.empty() ? "/tmp/ferry-soak" : o.keep;
  if (!o.keep.empty() && std::filesystem::exists(dir) && !std::filesystem::is_empty(dir)) {
    std::fprintf(stderr, "soak_bench: --keep %s: the folder exists and is not empty\n", dir.c_str());
    return 2;
  }
  std::filesystem::remove_all(dir);  // the default folder is the bench's own
  Delivered delivered;
  const std::uint16_t destination_port = freePort();
  const std::uint16_t port = freePort();
  const std::uint16_t admin = freePort();
  writeFile(dir + "/ferry.json", R"({"store": {"path": "var/ferry.db"}, "admin": {"port": )" +
                                     std::to_string(admin) + "}}");
  StandIn destination(o.destination, destination_port, delivered);
  writeFile(dir + "/channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": )" + std::to_string(port) +
                                            R"(, "max_connections": 256}, "ack_mode": ")" + o.ack_mode +
                                            R"(", "destinations": [)" + destination.destinationJson() + "]}");
  const std::string log = dir + "/ferry.log";
  pid_t ferry = test::spawnWithStderrTo({o.ferry, "run", dir}, log);
  test::ChildReaper engine{ferry};  // ended if the bench leaves early
  if (ferry <= 0) {
    std::fprintf(stderr, "soak_bench: cannot start %s\n", o.ferry.c_str());
    return 1;
  }
  // The destination starts after the spawn: a child inherits the descriptors open at spawn, and
  // a listening socket the engine held would keep the port taken after an --outage closed ours.
  destination.start();
  const auto ready_by = Clock::now() + std::chrono::seconds(30);
  while (metrics(admin).empty() && Clock::now() < ready_by) std::this_thread::sleep_for(std::chrono::milliseconds(50));

  std::printf("soak: %s, %.0f s at %.0f msgs/s, %d senders%s, ack_mode %s, %s destination, sample every %.0f s%s\n",
              o.ferry.c_str(), o.seconds, o.rate, o.senders, o.reconnect ? " (a connection a message)" : "",
              o.ack_mode.c_str(), o.destination.c_str(), o.sample_seconds,
              o.outage_from >= 0 ? (", destination down " + std::to_string(static_cast<int>(o.outage_from)) + "-" +
                                    std::to_string(static_cast<int>(o.outage_to)) + " s").c_str()
                                 : "");
  std::printf("| %6s | %9s | %7s | %7s | %7s | %7s | %7s | %4s | %4s | %7s | %7s | %7s |\n", "t s", "acked", "msgs/s",
              "p99 ms", "max ms", "RSS MB", "HWM MB", "thr", "fds", "DB MB", "WAL MB", "queue");
  std::fflush(stdout);

  Feed feed;
  std::atomic<bool> stop{false};
  const auto start = Clock::now();
  const auto stop_at = start + std::chrono::duration<double>(o.seconds);
  // Joined on every way out, an exception included (a joinable thread's destructor would abort).
  struct Senders {
    std::atomic<bool>& stop;
    std::vector<std::thread> threads;
    void join() {
      stop = true;
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
    ~Senders() { join(); }
  } senders{stop, {}};
  for (int s = 0; s < o.senders; ++s) {
    senders.threads.emplace_back([&, s] {
      mllp::SenderConfig c;
      c.host = "127.0.0.1";
      c.port = port;
      mllp::Sender sender(c, [](std::string_view) {});
      const auto interval = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(static_cast<double>(o.senders) / o.rate));
      auto next = Clock::now();
      for (long n = 0; !stop && Clock::now() < stop_at && n < 100'000'000; ++n) {
        next += interval;
        std::this_thread::sleep_until(next);
        const std::string m = bench::labResult(s, n);
        const auto t0 = Clock::now();
        // A message without an AA is sent again, as a lab system does, for up to 30 s: the
        // engine may have stored it before its ACK was lost, and must not deliver it twice.
        mllp::SendResult r;
        for (int attempt = 0; attempt < 1000; ++attempt) {
          r = sender.send(m, std::chrono::seconds(10));
          if (r.status == mllp::SendStatus::Acked || stop || Clock::now() - t0 > std::chrono::seconds(30)) break;
          sender.close();
          {
            std::lock_guard lock(feed.mutex);
            ++feed.resent;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (o.reconnect) sender.close();
        std::lock_guard lock(feed.mutex);
        if (r.status == mllp::SendStatus::Acked && r.response.find("MSA|AA|") != std::string::npos) {
          feed.acked.push_back(controlId(m));
          feed.latencies_ms.push_back(ms);
        } else {
          ++feed.failures;
        }
      }
    });
  }

  // Samples until the feed ends, taking the destination down and up (and the engine) on the way.
  bool down = false;
  bool restarted = false;
  bool restart_clean = true;
  std::size_t acked_before = 0;
  auto last_sample = start;
  const auto sample = [&](double t) {
    std::vector<double> lat;
    std::size_t acked = 0;
    {
      std::lock_guard lock(feed.mutex);
      lat.swap(feed.latencies_ms);
      acked = feed.acked.size();
    }
    const double interval = std::chrono::duration<double>(Clock::now() - last_sample).count();
    last_sample = Clock::now();
    const std::string text = metrics(admin);
    const std::string pid = std::to_string(ferry);
    std::printf("| %6.0f | %9zu | %7.0f | %7.2f | %7.2f | %7.1f | %7.1f | %4ld | %4d | %7.1f | %7.1f | %7.0f |\n", t, acked,
                static_cast<double>(acked - acked_before) / std::max(interval, 1e-3), percentile(lat, 0.99),
                percentile(lat, 1.0), static_cast<double>(test::statusNumber("VmRSS", pid)) / 1024.0,
                static_cast<double>(test::statusNumber("VmHWM", pid)) / 1024.0, test::statusNumber("Threads", pid),
                openFiles(ferry), fileMb(dir + "/var/ferry.db"), fileMb(dir + "/var/ferry.db-wal"),
                metricSum(text, "ferry_destination_queue{"));
    std::fflush(stdout);
    acked_before = acked;
  };
  auto next_sample = start + std::chrono::duration<double>(o.sample_seconds);
  while (Clock::now() < stop_at) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const double t = std::chrono::duration<double>(Clock::now() - start).count();
    if (o.restart_at >= 0 && !restarted && t >= o.restart_at) {
      restarted = true;
      const auto asked = Clock::now();
      ::kill(ferry, o.kill ? SIGKILL : SIGTERM);
      int status = 0;
      ::waitpid(ferry, &status, 0);  // bounded by the engine's own stop timeouts
      const double stopped_s = std::chrono::duration<double>(Clock::now() - asked).count();
      ferry = test::spawnWithStderrTo({o.ferry, "run", dir}, log);
      engine.pid = ferry;
      const auto back_by = Clock::now() + std::chrono::seconds(30);
      while (metrics(admin).empty() && Clock::now() < back_by) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      // A crash is what it is; a SIGTERM must end with exit status 0.
      restart_clean = o.kill || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
      std::printf("soak: restart at %.0f s: %s, the engine stopped in %.2f s (%s), answered again %.2f s "
                  "after the signal\n",
                  t, o.kill ? "SIGKILL" : "SIGTERM", stopped_s,
                  o.kill ? "killed" : restart_clean ? "exit 0" : "NOT clean",
                  std::chrono::duration<double>(Clock::now() - asked).count());
      std::fflush(stdout);
    }
    if (o.outage_from >= 0 && !down && t >= o.outage_from && t < o.outage_to) {
      destination.stop();
      down = true;
    } else if (down && t >= o.outage_to) {
      destination.start();
      down = false;
    }
    if (Clock::now() >= next_sample) {
      sample(t);
      next_sample += std::chrono::duration<double>(o.sample_seconds);
    }
    if (::waitpid(ferry, nullptr, WNOHANG) == ferry) {
      engine.pid = 0;
      std::printf("soak: the engine exited during the feed\n");
      senders.join();
      return 1;
    }
  }
  senders.join();
  if (down) destination.start();

  // The queue drains: every acknowledged message reaches the destination (bounded wait).
  const auto drain_start = Clock::now();
  const auto all_delivered = [&] {
    std::lock_guard feed_lock(feed.mutex);
    std::lock_guard lock(delivered.mutex);
    return std::all_of(feed.acked.begin(), feed.acked.end(), [&](const std::string& id) { return delivered.ids.count(id) > 0; });
  };
  while (!all_delivered() && Clock::now() - drain_start < std::chrono::seconds(300)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double drain = std::chrono::duration<double>(Clock::now() - drain_start).count();
  sample(std::chrono::duration<double>(Clock::now() - start).count());

  ::kill(ferry, SIGTERM);
  int status = 0;
  ::waitpid(ferry, &status, 0);
  engine.pid = 0;
  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::size_t missing = 0;
  {
    std::lock_guard lock(delivered.mutex);
    for (const auto& id : feed.acked) missing += delivered.ids.count(id) == 0;
    std::printf("soak: %zu acknowledged, %zu sent again after no AA, %zu never acknowledged, %zu delivered (%zu "
                "frames: %zu repeated), %zu acknowledged but not delivered; drained in %.1f s; engine exit %s\n",
                feed.acked.size(), feed.resent, feed.failures, delivered.ids.size(), delivered.frames,
                delivered.frames - delivered.ids.size(), missing, drain, clean ? "0 (clean)" : "NOT clean");
  }
  destination.stop();
  if (o.keep.empty()) std::filesystem::remove_all(dir);
  return missing == 0 && clean && restart_clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return soak(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak_bench: %s\n", e.what());
    return 1;
  }
}
