#pragma once
// One HTTP request/response exchange of a Listener, as Poco request handlers: the factory
// routes the request and rejects it early (404/405/413) before Poco would send
// "100 Continue"; the exchange reads the bounded body, calls the route's handler, sends the
// response and writes one log line. Internal to the listener.

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <string>

#include "channels/http/listener.h"

namespace ferry::http {

struct ExchangeContext {
  const Listener::Config* config = nullptr;
  const Router* router = nullptr;
  LogSink log;
};

class ExchangeFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ExchangeFactory(ExchangeContext context) : context_(std::move(context)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

  // Tells every open connection that the server stops: each finishes the request it is in,
  // then shuts its socket down (what Poco's HTTPServer::stopAll(false) does).
  void notifyStopped() {
    const bool abort_current = false;
    serverStopped.notify(this, abort_current);
  }

 private:
  ExchangeContext context_;
};

class Exchange : public Poco::Net::HTTPRequestHandler {
 public:
  struct Target {
    std::string path;   // raw, without query
    std::string query;  // raw, without '?'
  };

  // rejection: 0 to run the route, else the status to answer with (404, 405 or 413).
  Exchange(const ExchangeContext& context, Router::Match match, Target target, int rejection)
      : context_(context), match_(std::move(match)), target_(std::move(target)), rejection_(rejection) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

 private:
  struct Sent {
    int status = 0;
    std::size_t bytes = 0;
  };

  Sent reject(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status);
  Sent run(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, std::size_t& bytes_in);
  Response callHandler(const Request& request) const;
  void logError(std::string_view event, std::string_view error) const;
  Sent send(Poco::Net::HTTPServerResponse& response, const Response& answer);
  Request makeRequest(Poco::Net::HTTPServerRequest& request, std::string body) const;

  const ExchangeContext& context_;
  Router::Match match_;
  Target target_;
  int rejection_;
};

}  // namespace ferry::http
