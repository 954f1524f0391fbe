#include "channels/http/tls_context.h"

#include <Poco/Exception.h>

#include <filesystem>
#include <stdexcept>

namespace ferry::http {

namespace {

void requireReadable(const std::string& what, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw std::invalid_argument("TLS " + what + " '" + path + "' does not exist or is not a file");
  }
}

Poco::Net::Context::Ptr build(Poco::Net::Context::Usage usage, const Poco::Net::Context::Params& params,
                              const std::string& description) {
  try {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(usage, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("TLS " + description + " configuration is unusable: " + e.displayText());
  }
}

}  // namespace

Poco::Net::Context::Ptr makeServerContext(const std::string& certificate_file,
                                          const std::string& private_key_file,
                                          const std::string& ca_file,
                                          bool require_client_certificate) {
  requireReadable("certificate", certificate_file);
  requireReadable("private key", private_key_file);
  if (require_client_certificate && ca_file.empty()) {
    throw std::invalid_argument("TLS listener requires client certificates but names no CA file to verify them");
  }
  if (!ca_file.empty()) requireReadable("CA file", ca_file);

  Poco::Net::Context::Params params;
  params.certificateFile = certificate_file;
  params.privateKeyFile = private_key_file;
  params.caLocation = ca_file;
  params.loadDefaultCAs = false;
  if (require_client_certificate) {
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  } else {
    params.verificationMode = ca_file.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
  }
  auto context = build(Poco::Net::Context::TLS_SERVER_USE, params, "listener (" + certificate_file + ")");
  // Poco's "extended" check compares the peer certificate's names with the peer's address, which
  // is meaningful for servers only: a client certificate names a client, not its IP. The chain is
  // still verified by OpenSSL.
  context->enableExtendedCertificateVerification(false);
  // Sets a session id context, without which OpenSSL refuses resumed sessions once peers are verified.
  context->enableSessionCache(true, "ferry-http");
  return context;
}

Poco::Net::Context::Ptr makeClientContext(const std::string& ca_file,
                                          const std::string& certificate_file,
                                          const std::string& private_key_file,
                                          bool verify_peer) {
  if (certificate_file.empty() != private_key_file.empty()) {
    throw std::invalid_argument("TLS client certificate and private key must be given together");
  }
  if (!certificate_file.empty()) {
    requireReadable("client certificate", certificate_file);
    requireReadable("client private key", private_key_file);
  }
  if (!ca_file.empty()) requireReadable("CA file", ca_file);

  Poco::Net::Context::Params params;
  params.certificateFile = certificate_file;
  params.privateKeyFile = private_key_file;
  params.caLocation = ca_file;
  params.loadDefaultCAs = verify_peer && ca_file.empty();
  // STRICT also checks the host name for loopback addresses, which RELAXED skips.
  params.verificationMode = verify_peer ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE;
  return build(Poco::Net::Context::TLS_CLIENT_USE, params, "sender");
}

}  // namespace ferry::http
