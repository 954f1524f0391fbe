#include "channels/http/connection.h"

#include <Poco/Net/SSLException.h>

#include <algorithm>

namespace ferry::http {

void LoggedConnection::run() {
  try {
    HTTPServerConnection::run();
  } catch (const Poco::Exception& e) {
    const bool tls = dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr;
    std::string error = e.displayText();
    error.resize(std::min<std::size_t>(error.size(), 300));
    LogLine("warning", "http.listener", tls ? "tls_failed" : "connection_failed")
        .field("channel", channel_)
        .field("peer", peer_)
        .field("error", error)
        .emit(log_);
  }
}

}  // namespace ferry::http
