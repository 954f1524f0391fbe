#include "engine/runtime/secret_redaction.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "engine/json/located_json.h"
#include "mappings/keyed_hash.h"

namespace ferry::runtime {

namespace {

constexpr std::size_t kMarkerHexDigits = 12;

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Index just past the string whose opening quote is at `open` (the text is valid JSON).
std::size_t endOfString(std::string_view text, std::size_t open) {
  std::size_t i = open + 1;
  while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
  return i + 1;
}

// One pass over valid JSON that knows, for every string, whether it is a key and whether it
// sits under a secret key. Positions from the located parser mark where a value was read, not
// where it starts, so the spans to replace are found here.
class Redactor {
 public:
  Redactor(std::string_view text, const SecretFingerprint& fingerprint)
      : text_(text), fingerprint_(fingerprint) {}

  std::string run() {
    std::string out;
    out.reserve(text_.size());
    std::size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == '"') {
        const std::size_t end = endOfString(text_, i);
        out += onString(i, end);
        i = end;
        continue;
      }
      if (c == '{' || c == '[') open(c == '{');
      if (c == '}' || c == ']') frames_.pop_back();
      if (c == ',' && !frames_.empty() && frames_.back().object) expecting_key_ = true;
      if (c == ':') expecting_key_ = false;
      out += c;
      ++i;
    }
    return out;
  }

 private:
  struct Frame {
    bool object = false;
    bool secret = false;  // every value inside is secret (a secret key's object, "headers")
  };

  bool valueIsSecret() const {
    if (frames_.empty()) return false;
    const Frame& top = frames_.back();
    return top.secret || (top.object && isSecretKey(key_));
  }

  void open(bool object) {
    frames_.push_back({object, valueIsSecret()});
    expecting_key_ = object;
  }

  std::string onString(std::size_t open, std::size_t end) {
    const std::string_view quoted = text_.substr(open, end - open);
    const std::string_view inner = quoted.substr(1, quoted.size() - 2);
    if (!frames_.empty() && frames_.back().object && expecting_key_) {
      key_ = std::string(inner);
      return std::string(quoted);
    }
    // An empty value hides nothing, and showing it tells the auditor that none was set.
    if (inner.empty()) return std::string(quoted);
    if (valueIsSecret()) return "\"" + fingerprint_.marker(inner) + "\"";
    if (!frames_.empty() && frames_.back().object && endsWith(key_, "url")) {
      return withoutQuerySecrets(withoutUserInfo(quoted));
    }
    return std::string(quoted);
  }

  // "https://user:password@host/path": the user information is a credential too.
  std::string withoutUserInfo(std::string_view quoted) const {
    const std::size_t scheme = quoted.find("://");
    if (scheme == std::string_view::npos) return std::string(quoted);
    const std::size_t host = scheme + 3;
    const std::size_t authority_end = quoted.find_first_of("/?#\"", host);
    const std::size_t at = quoted.rfind('@', authority_end);
    if (at == std::string_view::npos || at < host) return std::string(quoted);
    return std::string(quoted.substr(0, host)) + fingerprint_.marker(quoted.substr(host, at - host)) +
           std::string(quoted.substr(at));
  }

  // "...?api_key=abc&token=xyz&page=2": values of secret-named query parameters are credentials
  // too (many insurer gateways take a key in the URL).
  std::string withoutQuerySecrets(std::string url) const {
    const std::size_t query = url.find('?');
    if (query == std::string::npos) return url;
    const std::size_t query_end = std::min(url.find('#', query), url.size() - 1);  // before the quote
    std::string out = url.substr(0, query + 1);
    std::size_t start = query + 1;
    while (start < query_end) {
      const std::size_t end = std::min(url.find('&', start), query_end);
      const std::string_view parameter(url.data() + start, end - start);
      const std::size_t equals = parameter.find('=');
      if (equals != std::string_view::npos && equals + 1 < parameter.size() &&
          isSecretQueryName(parameter.substr(0, equals))) {
        out += std::string(parameter.substr(0, equals + 1)) + fingerprint_.marker(parameter.substr(equals + 1));
      } else {
        out += parameter;
      }
      if (end < query_end) out += '&';
      start = end + 1;
    }
    return out + url.substr(query_end);
  }

  static bool isSecretQueryName(std::string_view name) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return isSecretKey(lower) || endsWith(lower, "key") || lower == "sig" || lower == "signature";
  }

  std::string_view text_;
  const SecretFingerprint& fingerprint_;
  std::vector<Frame> frames_;
  std::string key_;
  bool expecting_key_ = false;
};

}  // namespace

std::string SecretFingerprint::full(std::string_view secret) const {
  std::string hex(64, '0');
  mappings::hmacSha256Hex(salt_, secret, hex.data());
  return hex;
}

std::string SecretFingerprint::marker(std::string_view secret) const {
  return "redacted:hmac-sha256:" + full(secret).substr(0, kMarkerHexDigits);
}

bool isSecretKey(std::string_view key) {
  return key == "headers" || endsWith(key, "password") || endsWith(key, "token") ||
         endsWith(key, "secret");
}

std::optional<std::string> redactSecrets(std::string_view json_text,
                                         const SecretFingerprint& fingerprint) {
  if (!json::parseLocatedJson(json_text).ok()) return std::nullopt;
  return Redactor(json_text, fingerprint).run();
}

}  // namespace ferry::runtime
