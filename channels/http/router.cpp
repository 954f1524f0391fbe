#include "channels/http/router.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ferry::http {

bool prefixMatches(std::string_view prefix, std::string_view path) {
  if (!path.starts_with(prefix)) return false;
  if (path.size() == prefix.size() || prefix.ends_with('/')) return true;
  return path[prefix.size()] == '/';
}

void Router::add(std::string method, std::string prefix, Handler handler) {
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (method.empty()) throw std::invalid_argument("http route: method is empty");
  if (!prefix.starts_with('/')) {
    throw std::invalid_argument("http route '" + prefix + "': path prefix must start with '/'");
  }
  if (!handler) throw std::invalid_argument("http route " + method + " " + prefix + ": handler is empty");
  for (const auto& r : routes_) {
    if (r.method == method && r.prefix == prefix) {
      throw std::invalid_argument("http route " + method + " " + prefix + " is registered twice");
    }
  }
  routes_.push_back(Route{std::move(method), std::move(prefix), std::move(handler)});
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  std::vector<std::string_view> other_methods;
  for (const auto& r : routes_) {
    if (!prefixMatches(r.prefix, path)) continue;
    if (r.method == method) {
      if (result.route == nullptr || r.prefix.size() > result.route->prefix.size()) result.route = &r;
    } else if (std::find(other_methods.begin(), other_methods.end(), r.method) == other_methods.end()) {
      other_methods.push_back(r.method);
    }
  }
  if (result.route != nullptr) {
    result.kind = Match::Kind::Found;
  } else if (!other_methods.empty()) {
    result.kind = Match::Kind::MethodNotAllowed;
    std::sort(other_methods.begin(), other_methods.end());
    for (const auto m : other_methods) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
  }
  return result;
}

}  // namespace ferry::http
