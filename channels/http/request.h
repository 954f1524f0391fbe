#pragma once
// What a listener hands to a route handler: the request line, header fields and the whole body
// (already bounded by the listener's max_body_bytes), plus who sent it.

#include <string>

#include "channels/http/headers.h"

namespace ferry::http {

struct Request {
  std::string method;        // as sent, e.g. "POST"
  std::string path;          // raw (not percent-decoded) path without the query, e.g. "/fhir/Bundle"
  std::string query;         // raw text after '?', empty when absent
  Headers headers;
  std::string body;
  std::string peer;          // "address:port" of the TCP peer
  bool secure = false;       // arrived over TLS
  std::string client_certificate_subject;  // TLS client certificate's subject, when one was sent
};

}  // namespace ferry::http
