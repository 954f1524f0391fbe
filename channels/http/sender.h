#pragma once
// Posts a message body to one HTTP(S) endpoint (an insurer's claim service, a FHIR server) and
// classifies the answer for the delivery queue: Delivered on 2xx, RetryableFailure on 5xx, 408,
// 429, timeouts and connection or TLS errors, PermanentFailure on any other status (other 4xx,
// and 3xx because redirects are not followed). One Sender holds one keep-alive connection and
// sends one request at a time; use one Sender per delivery worker for parallel sends.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "channels/http/headers.h"

namespace ferry::http {

enum class Outcome { Delivered, PermanentFailure, RetryableFailure };

std::string_view toString(Outcome outcome);
Outcome classifyStatus(int status);

struct SendResult {
  Outcome outcome = Outcome::RetryableFailure;
  int status = 0;                  // 0 when no response arrived
  std::string body;                // response body, at most Config::max_response_bytes
  bool body_truncated = false;
  std::string content_type;
  std::optional<std::chrono::seconds> retry_after;  // from a Retry-After in seconds (429, 503)
  std::string error;               // one sentence for operators; empty when Delivered
  std::chrono::milliseconds elapsed{0};
};

class Sender {
 public:
  struct Config {
    std::string url;                 // http://host[:port]/path[?query] or https://...
    Headers headers;                 // sent with every request
    std::string bearer_token;        // Authorization: Bearer <token>
    std::string basic_user;          // Authorization: Basic, when basic_user is set
    std::string basic_password;
    std::chrono::milliseconds timeout{30'000};  // connect, and each socket send or receive
    std::string ca_file;             // trusted CAs (PEM); empty: the system store
    std::string client_certificate_file;
    std::string client_private_key_file;
    bool verify_peer = true;         // chain and host name; off only for tests and lab setups
    std::size_t max_response_bytes = 1u << 20;
  };

  // Throws std::invalid_argument for a bad URL, both bearer and basic credentials, header
  // fields with invalid names or values, or unusable TLS files.
  explicit Sender(Config config);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Never throws for network or peer trouble: that is in the result. A connection the peer
  // closed while idle is detected and the request is sent once more on a new connection, so a
  // peer may, rarely, see a body twice: delivery is at-least-once.
  SendResult post(std::string_view body, std::string_view content_type);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ferry::http
