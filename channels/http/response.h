#pragma once
// What a route handler returns. The listener sets Content-Length, Connection and Date itself;
// header fields with invalid names or values (CR/LF) are dropped and logged, never sent.

#include <string>

#include "channels/http/headers.h"

namespace ferry::http {

struct Response {
  int status = 200;
  std::string content_type;  // empty: none when the body is empty, else application/octet-stream
  Headers headers;
  std::string body;
};

}  // namespace ferry::http
