#pragma once
// Poco's HTTP connection, plus a log line when a connection dies of an exception, which Poco
// would otherwise swallow (event tls_failed or connection_failed): above all failed TLS handshakes (unknown client certificate, plain
// HTTP on an HTTPS port), which an operator needs to see when a partner reports resets.
// Internal to the listener.

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <string>

#include "channels/http/log.h"

namespace ferry::http {

class LoggedConnection : public Poco::Net::HTTPServerConnection {
 public:
  LoggedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                   Poco::Net::HTTPRequestHandlerFactory::Ptr factory, const std::string& channel, const LogSink& log)
      : HTTPServerConnection(socket, std::move(params), std::move(factory)), channel_(channel), log_(log) {
    try {
      peer_ = socket.peerAddress().toString();  // once the connection is dead this is lost
    } catch (const Poco::Exception&) {
      peer_ = "unknown";
    }
  }

  void run() override;

 private:
  std::string peer_;
  const std::string& channel_;
  const LogSink& log_;
};

class LoggedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  LoggedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                          const std::string& channel, const LogSink& log)
      : params_(std::move(params)), factory_(std::move(factory)), channel_(channel), log_(log) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new LoggedConnection(socket, params_, factory_, channel_, log_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  const std::string& channel_;
  const LogSink& log_;
};

}  // namespace ferry::http
