#include "engine/runtime/secret_redaction.h"

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
    if (!frames_.empty() && frames_.back().object && endsWith(key_, "url")) return withoutUserInfo(quoted);
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
