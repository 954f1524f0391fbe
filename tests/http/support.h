#pragma once
// Helpers for the HTTP and file channel tests: temporary folders, a test PKI made with the
// openssl command, a raw socket client for requests no well-behaved client would send, a
// small Poco client and a log sink that keeps lines.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "channels/http/headers.h"
#include "channels/http/log.h"
#include "tests/support/run.h"

namespace ferry::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ferry_http_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// A CA, a server certificate for 127.0.0.1/localhost and a client certificate signed by it,
// and an unrelated CA. Made once per test binary, removed at exit.
class TestPki {
 public:
  static const TestPki& instance() {
    static const TestPki pki;
    return pki;
  }

  std::string ca() const { return dir_.file("ca.pem"); }
  std::string wrongCa() const { return dir_.file("wrong_ca.pem"); }
  std::string serverCert() const { return dir_.file("server.pem"); }
  std::string serverKey() const { return dir_.file("server.key"); }
  std::string clientCert() const { return dir_.file("client.pem"); }
  std::string clientKey() const { return dir_.file("client.key"); }
  // Signed by the CA but issued to another name (other.example): fails host name checks here.
  std::string otherCert() const { return dir_.file("other.pem"); }
  std::string otherKey() const { return dir_.file("other.key"); }

 private:
  TestPki() {
    writeText(dir_.file("ca.cnf"),
              "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = Ferry Test CA\n"
              "[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
              "subjectKeyIdentifier = hash\n");
    writeText(dir_.file("leaf.cnf"),
              "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = leaf\n"
              "[server_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
              "extendedKeyUsage = serverAuth\nsubjectAltName = IP:127.0.0.1,DNS:localhost\n"
              "[client_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
              "extendedKeyUsage = clientAuth\n"
              "[other_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
              "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:other.example\n");
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string script =
        "cd '" + dir_.path() + "' && " +
        "openssl req -x509 -new " + key + " -keyout ca.key -out ca.pem -days 2 -config ca.cnf -extensions v3_ca && " +
        "openssl req -x509 -new " + key + " -keyout wrong_ca.key -out wrong_ca.pem -days 2 -config ca.cnf "
        "-extensions v3_ca -subj '/CN=Wrong CA' && " +
        "openssl req -new " + key + " -keyout server.key -out server.csr -config leaf.cnf -subj '/CN=127.0.0.1' && " +
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
        "-extfile leaf.cnf -extensions server_ext && " +
        "openssl req -new " + key + " -keyout client.key -out client.csr -config leaf.cnf "
        "-subj '/CN=ferry-test-client' && " +
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 "
        "-extfile leaf.cnf -extensions client_ext && " +
        "openssl req -new " + key + " -keyout other.key -out other.csr -config leaf.cnf -subj '/CN=other.example' && " +
        "openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem -days 2 "
        "-extfile leaf.cnf -extensions other_ext";
    const RunResult r = run("(" + script + ")");
    if (r.status != 0) throw std::runtime_error("openssl failed: " + r.err);
  }

  TempDir dir_;
};

// Keeps every log line (thread-safe); must outlive the listener that writes to it.
class LogCapture {
 public:
  http::LogSink sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::string joined() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Sends raw bytes to 127.0.0.1:port and returns what arrives until the peer closes or
// `timeout` passes. half_close shuts down the sending side after the request.
inline std::string rawExchange(std::uint16_t port, const std::string& request,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(3000),
                               bool half_close = false) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    received.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return received;
}

struct ClientResponse {
  int status = 0;
  std::string body;
  http::Headers headers;
};

// A plain Poco client for listener tests (the Sender has tests of its own).
inline ClientResponse request(std::uint16_t port, const std::string& method, const std::string& target,
                              const std::string& body = {}, const http::Headers& headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(5, 0));
  Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers.fields()) req.add(name, value);
  if (!body.empty() || method == "POST" || method == "PUT") req.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  ClientResponse out;
  out.status = static_cast<int>(resp.getStatus());
  Poco::StreamCopier::copyToString(in, out.body);
  for (const auto& [name, value] : resp) out.headers.add(name, value);
  return out;
}

}  // namespace ferry::test
