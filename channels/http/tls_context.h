#pragma once
// Builds Poco NetSSL contexts for the HTTP listener and sender. Each channel gets its own
// context (no SSLManager defaults, no process-wide configuration); TLS 1.2 is the minimum.
// Broken configuration (missing or unreadable files, a key that does not fit the certificate)
// throws std::invalid_argument naming the file, at start-up rather than at the first request.

#include <Poco/Net/Context.h>

#include <string>

namespace ferry::http {

// ca_file, when set, verifies client certificates; require_client_certificate rejects clients
// that send none (mutual TLS).
Poco::Net::Context::Ptr makeServerContext(const std::string& certificate_file,
                                          const std::string& private_key_file,
                                          const std::string& ca_file,
                                          bool require_client_certificate);

// verify_peer checks the server's chain (against ca_file, or the system store when ca_file is
// empty) and its name against the host being called. A client certificate is optional.
Poco::Net::Context::Ptr makeClientContext(const std::string& ca_file,
                                          const std::string& certificate_file,
                                          const std::string& private_key_file,
                                          bool verify_peer);

}  // namespace ferry::http
