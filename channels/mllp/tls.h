#pragma once
// TLS settings of MLLP listeners and senders, and the Poco::Net contexts built from them.
// Certificates are PEM files. Verification failures always reject the peer: no certificate
// handler that accepts invalid certificates is ever installed.

#include <string>

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>

namespace ferry::mllp {

struct ListenerTls {
  bool enabled = false;
  std::string cert_file;             // the server certificate (chain), PEM
  std::string key_file;              // its private key, PEM, unencrypted
  std::string ca_file;               // CAs that sign client certificates (mutual TLS)
  bool require_client_cert = false;  // mutual TLS: no or unverifiable client certificate -> refused
};

struct SenderTls {
  bool enabled = false;
  std::string cert_file;    // client certificate for mutual TLS (optional)
  std::string key_file;
  std::string ca_file;      // CAs that sign the server certificate; empty = the system's CAs
  bool verify_host = true;  // the server certificate must name the host (subjectAltName DNS or IP)
};

// Both throw std::invalid_argument naming the setting or file at fault (broken configuration).
Poco::Net::Context::Ptr makeServerContext(const ListenerTls& tls);
Poco::Net::Context::Ptr makeClientContext(const SenderTls& tls);

// Empty when the peer's certificate names host (a DNS name, wildcards allowed, or an IP address);
// otherwise a sentence saying what did not match.
std::string checkPeerName(const Poco::Net::SecureStreamSocket& socket, const std::string& host);

// The subject of the peer's certificate ("CN=lab-client,O=..."), empty when it sent none.
std::string peerCertificateSubject(const Poco::Net::SecureStreamSocket& socket);

}  // namespace ferry::mllp
