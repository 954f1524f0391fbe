#include "channels/mllp/tls.h"

#include <openssl/x509v3.h>

#include <fstream>
#include <stdexcept>

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/X509Certificate.h>

namespace ferry::mllp {

namespace {

using Poco::Net::Context;

void requireReadable(const std::string& path, const char* what) {
  if (path.empty()) throw std::invalid_argument(std::string("MLLP TLS: no ") + what + " file given");
  if (!std::ifstream(path)) {
    throw std::invalid_argument(std::string("MLLP TLS: cannot read ") + what + " file '" + path + "'");
  }
}

// Modern protocol and cipher floor, and a context-specific handler that rejects whatever
// OpenSSL could not verify (so a process-wide "accept" handler installed elsewhere does not apply).
void harden(Context& context, bool server) {
  context.requireMinimumProtocol(Context::PROTO_TLSV1_2);
  // Poco's own host check would compare a client certificate with the client's IP; Ferry checks
  // server names itself (checkPeerName) and never checks client certificates against addresses.
  context.enableExtendedCertificateVerification(false);
  context.setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(server));
}

Context::Ptr build(Context::Usage usage, const Context::Params& params, const char* role) {
  Poco::Net::initializeSSL();
  try {
    return new Context(usage, params);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument(std::string("MLLP TLS: cannot set up the ") + role +
                                " context: " + e.displayText());
  }
}

const char* const kCiphers = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";

}  // namespace

Context::Ptr makeServerContext(const ListenerTls& tls) {
  requireReadable(tls.cert_file, "certificate");
  requireReadable(tls.key_file, "private key");
  if (tls.require_client_cert) requireReadable(tls.ca_file, "CA");
  Context::Params params;
  params.certificateFile = tls.cert_file;
  params.privateKeyFile = tls.key_file;
  params.caLocation = tls.ca_file;
  params.verificationMode = tls.require_client_cert ? Context::VERIFY_STRICT : Context::VERIFY_NONE;
  params.loadDefaultCAs = false;
  params.cipherList = kCiphers;
  Context::Ptr context = build(Context::TLS_SERVER_USE, params, "server");
  harden(*context, true);
  return context;
}

Context::Ptr makeClientContext(const SenderTls& tls) {
  if (!tls.cert_file.empty() || !tls.key_file.empty()) {
    requireReadable(tls.cert_file, "client certificate");
    requireReadable(tls.key_file, "client private key");
  }
  if (!tls.ca_file.empty()) requireReadable(tls.ca_file, "CA");
  Context::Params params;
  params.certificateFile = tls.cert_file;
  params.privateKeyFile = tls.key_file;
  params.caLocation = tls.ca_file;
  params.verificationMode = Context::VERIFY_RELAXED;  // client side: the server must present a valid chain
  params.loadDefaultCAs = tls.ca_file.empty();
  params.cipherList = kCiphers;
  Context::Ptr context = build(Context::TLS_CLIENT_USE, params, "client");
  harden(*context, false);
  return context;
}

std::string checkPeerName(const Poco::Net::SecureStreamSocket& socket, const std::string& host) {
  if (!socket.havePeerCertificate()) return "the server sent no certificate";
  const Poco::Net::X509Certificate cert = socket.peerCertificate();
  X509* x509 = const_cast<X509*>(cert.certificate());
  // X509_check_ip_asc recognizes IP literals; anything else is a DNS name.
  const int ip = X509_check_ip_asc(x509, host.c_str(), 0);
  if (ip == 1) return {};
  if (ip == -2 || ip == 0) {
    // -2: host is not an IP literal, so check it as a DNS name.
    if (ip == -2 && X509_check_host(x509, host.c_str(), host.size(), 0, nullptr) == 1) return {};
    return "the server certificate (" + cert.subjectName() + ") is not issued for '" + host + "'";
  }
  return "the server certificate could not be checked against '" + host + "'";
}

std::string peerCertificateSubject(const Poco::Net::SecureStreamSocket& socket) {
  try {
    if (!socket.havePeerCertificate()) return {};
    return socket.peerCertificate().subjectName();
  } catch (const Poco::Exception&) {
    return {};
  }
}

}  // namespace ferry::mllp
