#pragma once
// Helpers for the MLLP tests: a raw TCP client with bounded reads, log capture, temporary
// directories and test certificates made with the openssl command line. Every wait is bounded.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "channels/mllp/event_log.h"
#include "channels/mllp/frame_decoder.h"
#include "channels/mllp/socket_io.h"

namespace ferry::mllp::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// A plain TCP peer that does exactly what a test tells it, byte for byte.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    socket_.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(2, 0));
    socket_.setReceiveTimeout(Poco::Timespan(0, 50 * 1000));
  }

  // Throws Poco::Exception when the listener has closed the connection (SIGPIPE is held off).
  void send(std::string_view bytes) {
    SigpipeGuard guard;
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      sent += static_cast<std::size_t>(socket_.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent)));
    }
  }

  // Raw bytes up to and including the first 0x1C 0x0D, or nullopt on timeout or close.
  std::optional<std::string> readRawFrame(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const std::size_t end = pending_.find("\x1C\x0D");
      if (end != std::string::npos) {
        std::string frame = pending_.substr(0, end + 2);
        pending_.erase(0, end + 2);
        return frame;
      }
      if (readOnce() == 0) return std::nullopt;
    }
    return std::nullopt;
  }

  // The payload of the next frame.
  std::optional<std::string> readFrame(std::chrono::milliseconds timeout = 3000ms) {
    auto raw = readRawFrame(timeout);
    if (!raw || raw->size() < 3 || (*raw)[0] != kStartBlock) return std::nullopt;
    return raw->substr(1, raw->size() - 3);
  }

  // True when the listener closes the connection within timeout; received() holds what came first.
  bool waitClosed(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (readOnce() == 0) return true;
    }
    return false;
  }

  const std::string& received() const { return pending_; }
  void close() { socket_.close(); }

 private:
  // -1: nothing yet; 0: closed (or reset); >0: bytes appended.
  int readOnce() {
    char buf[4096];
    try {
      const int n = socket_.receiveBytes(buf, sizeof buf);
      if (n <= 0) return 0;
      pending_.append(buf, static_cast<std::size_t>(n));
      return n;
    } catch (const Poco::TimeoutException&) {
      return -1;
    } catch (const Poco::Exception&) {
      return 0;
    }
  }

  Poco::Net::StreamSocket socket_;
  std::string pending_;
};

// Collects log lines from any thread.
class LogCapture {
 public:
  LogSink sink() {
    return [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  std::size_t count(std::string_view needle) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<std::size_t>(std::count_if(lines_.begin(), lines_.end(), [&](const std::string& l) {
      return l.find(needle) != std::string::npos;
    }));
  }
  bool waitFor(std::string_view needle, std::chrono::milliseconds timeout = 3000ms) const {
    return waitUntil([&] { return count(needle) > 0; }, timeout);
  }
  std::string all() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ferry_mllp_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A CA, a server certificate for 127.0.0.1 and localhost, a client certificate from the same CA,
// a client certificate from another CA, and a server certificate for a different host name.
struct TestCertificates {
  std::string ca, server_cert, server_key, client_cert, client_key;
  std::string other_ca, other_client_cert, other_client_key;
  std::string wrong_host_cert, wrong_host_key;
  std::string error;  // why making them failed; empty when they are ready
};

inline TestCertificates makeCertificates(const TempDir& dir) {
  TestCertificates c;
  c.ca = dir.file("ca.crt");
  c.server_cert = dir.file("server.crt");
  c.server_key = dir.file("server.key");
  c.client_cert = dir.file("client.crt");
  c.client_key = dir.file("client.key");
  c.other_ca = dir.file("other_ca.crt");
  c.other_client_cert = dir.file("other_client.crt");
  c.other_client_key = dir.file("other_client.key");
  c.wrong_host_cert = dir.file("wrong_host.crt");
  c.wrong_host_key = dir.file("wrong_host.key");

  const std::string d = dir.file("");
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  auto write = [&](const std::string& name, const std::string& text) {
    FILE* f = std::fopen(dir.file(name).c_str(), "w");
    if (f == nullptr) return;
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  write("server.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                      "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
  write("wrong.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                     "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:lab.example.org\n");
  write("client.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");

  auto ca = [&](const std::string& name, const std::string& cn) {
    return "openssl req -x509 " + key + " -keyout " + d + name + ".key -out " + d + name +
           ".crt -days 2 -subj '/CN=" + cn + "'";
  };
  auto leaf = [&](const std::string& name, const std::string& cn, const std::string& ca_name, const std::string& ext) {
    return "openssl req " + key + " -keyout " + d + name + ".key -out " + d + name + ".csr -subj '/CN=" + cn +
           "' && openssl x509 -req -in " + d + name + ".csr -CA " + d + ca_name + ".crt -CAkey " + d + ca_name +
           ".key -CAcreateserial -days 2 -out " + d + name + ".crt -extfile " + d + ext;
  };
  const std::vector<std::string> steps = {
      ca("ca", "Ferry Test CA"),
      ca("other_ca", "Some Other CA"),
      leaf("server", "localhost", "ca", "server.ext"),
      leaf("client", "ferry-test-client", "ca", "client.ext"),
      leaf("other_client", "intruder", "other_ca", "client.ext"),
      leaf("wrong_host", "lab.example.org", "ca", "wrong.ext"),
  };
  for (const auto& step : steps) {
    const std::string command = "(" + step + ") >" + d + "openssl.log 2>&1";
    if (std::system(command.c_str()) != 0) {
      c.error = "openssl failed: " + step;
      break;
    }
  }
  return c;
}

}  // namespace ferry::mllp::test
