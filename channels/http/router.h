#pragma once
// Maps (method, path) to a handler by path prefix. The longest registered prefix that matches
// the path on a segment boundary wins among routes of the request's method; a path that only
// routes of other methods match is "method not allowed" (405), no match at all is 404.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/http/request.h"
#include "channels/http/response.h"

namespace ferry::http {

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  struct Route {
    std::string method;  // upper case
    std::string prefix;  // starts with '/'
    Handler handler;
  };

  struct Match {
    enum class Kind { Found, NotFound, MethodNotAllowed };
    Kind kind = Kind::NotFound;
    const Route* route = nullptr;  // set when Found
    std::string allow;             // "GET, POST" when MethodNotAllowed
  };

  // Throws std::invalid_argument for an empty method, a prefix not starting with '/', an empty
  // handler or a (method, prefix) pair already registered.
  void add(std::string method, std::string prefix, Handler handler);
  Match match(std::string_view method, std::string_view path) const;
  bool empty() const { return routes_.empty(); }

 private:
  std::vector<Route> routes_;
};

// "/fhir" matches "/fhir" and "/fhir/Patient" but not "/fhirx"; "/" and "/fhir/" match by prefix.
bool prefixMatches(std::string_view prefix, std::string_view path);

}  // namespace ferry::http
