#pragma once
// Secrets kept out of the configuration revisions an auditor reads (config_revision.h). A secret
// value inside a configuration file (a bearer token, a password, an HTTP header) is replaced by
// a marker holding its keyed fingerprint, so that a changed secret still shows as a change
// while the stored text never holds the secret itself.
//
// Why keyed: a plain SHA-256 of a short secret (a password) can be found again by hashing
// guesses, or looked up in tables made once for everyone. The fingerprint is HMAC-SHA256 under
// the store's own random salt (Store::configSecretSalt), so no precomputed table applies and
// the same password gives different fingerprints in different installations. Someone who holds
// the store file holds the salt too and can still test guesses one by one: that file already
// holds patient data and must be protected as such, and secrets must be long and random.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ferry::runtime {

class SecretFingerprint {
 public:
  explicit SecretFingerprint(std::string salt) : salt_(std::move(salt)) {}

  // Lowercase hex HMAC-SHA256(salt, secret), 64 characters.
  std::string full(std::string_view secret) const;
  // "redacted:hmac-sha256:" and the first 12 hex characters of full(secret).
  std::string marker(std::string_view secret) const;

 private:
  std::string salt_;
};

// The key of a value that is a secret in ferry.json and channels/*.json: bearer_token,
// basic_password, and (for keys added later) any key ending in "password", "token" or
// "secret"; every value under "headers" is one too, since any header may carry a credential.
bool isSecretKey(std::string_view key);

// `json_text` with every non-empty string value under a secret key replaced by the JSON string
// of its marker, and the user information of a URL (a key ending in "url") by its marker;
// every other byte is kept, so a diff of two revisions reads like the files.
// nullopt when the text is not JSON: then what is secret in it cannot be told.
std::optional<std::string> redactSecrets(std::string_view json_text,
                                         const SecretFingerprint& fingerprint);

}  // namespace ferry::runtime
