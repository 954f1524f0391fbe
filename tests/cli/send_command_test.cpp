// `ferry send` as a user runs it, for what needs no MLLP peer: usage errors, unreadable files and
// a peer that is not there. The round trips against a listener are in tests/mllp/send_cli_test.cpp
// (cli_tests does not link the MLLP channel).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/support/run.h"

using ferry::test::ferryCommand;
using ferry::test::run;
using ferry::test::kHl7v2SamplesDir;

namespace {

// A local port with nothing listening: bound to let the system choose, then released.
int unusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST(SendCommandUsage, RequiresAnEndpointAndFiles) {
  auto r = run(ferryCommand("send"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("usage: ferry send"), std::string::npos) << r.err;
  r = run(ferryCommand("send --mllp 127.0.0.1:2575"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no FILE"), std::string::npos) << r.err;
  r = run(ferryCommand("send " + kHl7v2SamplesDir + "batch_elr.hl7"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--mllp HOST:PORT is required"), std::string::npos) << r.err;
}

TEST(SendCommandUsage, RejectsMalformedOptions) {
  for (const char* args : {"--mllp 127.0.0.1 x.hl7", "--mllp 127.0.0.1:0 x.hl7", "--mllp host:99999 x.hl7",
                           "--mllp h:1 --timeout soon x.hl7", "--mllp h:1 --cert c.pem x.hl7",
                           "--mllp h:1 --tls --cert c.pem x.hl7", "--mllp h:1 --bogus x.hl7", "--mllp"}) {
    const auto r = run(ferryCommand(std::string("send ") + args));
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.out, "") << args;
  }
}

TEST(SendCommandUsage, NamesAFileItCannotOpenBeforeSendingAnything) {
  const auto r = run(ferryCommand("send --mllp 127.0.0.1:1 " + kHl7v2SamplesDir + "batch_elr.hl7 /nonexistent/x.hl7"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot open '/nonexistent/x.hl7'"), std::string::npos) << r.err;
}

TEST(SendCommandDelivery, FailsWhenNobodyListens) {
  const std::string port = std::to_string(unusedPort());
  const auto r = run(ferryCommand("send --timeout 500 --mllp 127.0.0.1:" + port + " " + kHl7v2SamplesDir + "batch_elr.hl7"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("batch_elr.hl7: message 1 (control id B1-0001): not delivered: cannot connect to 127.0.0.1:" +
                       port),
            std::string::npos)
      << r.err;
}

TEST(SendCommandDelivery, NamesAMissingTlsFile) {
  const auto r = run(ferryCommand("send --mllp 127.0.0.1:1 --tls --ca /nonexistent/ca.pem " + kHl7v2SamplesDir +
                                  "batch_elr.hl7"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/ca.pem"), std::string::npos) << r.err;
}
