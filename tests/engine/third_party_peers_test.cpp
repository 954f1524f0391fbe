// Ferry between two real third-party HL7 peers: Debian python3-hl7's `mllp_send` sends the
// samples to Ferry and must get AA ACKs; @medplum/hl7 (npm, pinned) receives what Ferry forwards
// and the bytes on its wire must be exactly the messages Ferry acknowledged.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>

#include "parsers/hl7v2/splitter.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/run.h"

using namespace ferry;
using ferry::test::eventually;
using ferry::test::TempFolder;

namespace {

const std::string kNpm = std::string(FERRY_SOURCE_DIR) + "/tests/engine/npm";

pid_t startReceiver(const std::string& prefix) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp("node", "node", (kNpm + "/mllp_receiver.js").c_str(), prefix.c_str(), nullptr);
    ::_exit(127);
  }
  return pid;
}

}  // namespace

TEST(ThirdPartyPeers, MllpSendToFerryToMedplumServer) {
  if (!std::filesystem::exists(kNpm + "/node_modules/@medplum/hl7")) {
    GTEST_SKIP() << "run `make test` (it runs npm ci in tests/engine/npm) to install @medplum/hl7";
  }
  TempFolder dir;
  const std::string prefix = dir.path() + "/medplum";
  const pid_t receiver = startReceiver(prefix);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(prefix + ".port"); }));
  const int port = std::stoi(test::readFile(prefix + ".port"));

  runtime::JsonLog log("/dev/null");
  auto config = test::labConfig(dir, port, "after_parse");
  runtime::Engine engine(config, log);
  engine.start();

  // mllp_send reads a file of MLLP frames and prints each ACK it gets back.
  const std::vector<std::string> samples = {"oru_r01_lab_result.hl7", "adt_a01_admit.hl7",
                                            "vxu_v04_immunization.hl7", "oml_o21_order.hl7"};
  std::string framed;
  std::vector<std::string> messages;
  for (const auto& name : samples) {
    std::string m = test::sample("hl7v2/" + name);
    while (!m.empty() && m.back() == '\r') m.pop_back();  // mllp_send strips the last CR anyway
    messages.push_back(m);
    framed += "\x0b" + m + "\x1c\r";
  }
  const std::string input = dir.write("frames.mllp", framed);
  const auto sent = test::run("/usr/bin/mllp_send -p " + std::to_string(engine.port("lab")) + " -f " +
                              input + " 127.0.0.1");
  EXPECT_EQ(sent.status, 0) << sent.err;
  // The ORU and VXU ask for enhanced mode (MSH-15/16): a commit ACK; the others an application ACK.
  EXPECT_NE(sent.out.find("MSA|CA|NL-000184211"), std::string::npos) << sent.out;
  EXPECT_NE(sent.out.find("MSA|AA|ADT-3391"), std::string::npos) << sent.out;
  EXPECT_NE(sent.out.find("MSA|CA|VX-20261118-0007"), std::string::npos) << sent.out;
  EXPECT_NE(sent.out.find("MSA|AA|ORD-MSG-1201"), std::string::npos) << sent.out;

  ASSERT_TRUE(eventually([&] {
    return engine.store().countDeliveriesByStatus()["delivered"] == static_cast<std::int64_t>(messages.size());
  })) << "medplum did not acknowledge every forward";
  engine.stop();
  ::kill(receiver, SIGTERM);
  int status = 0;
  ::waitpid(receiver, &status, 0);

  // What crossed the wire to medplum: exactly the acknowledged messages, in order, framed.
  const std::string wire = test::readFile(prefix + ".wire");
  hl7v2::Splitter splitter{std::string_view(wire)};
  hl7v2::SplitItem item;
  std::vector<std::string> received;
  while (splitter.next(item)) {
    if (item.kind == hl7v2::SplitItem::Kind::Message) received.emplace_back(item.bytes);
  }
  EXPECT_EQ(received, messages);
  // And medplum parsed each one into the same message (it reports segments joined by \r).
  const std::string parsed = test::readFile(prefix + ".msgs");
  EXPECT_NE(parsed.find("OBX|1|NM|GLU^Glucose^L^2345-7"), std::string::npos);
  EXPECT_NE(parsed.find("MSH|^~\\&|ADTSYS|CITYHOSP|FERRY|FERRY|202611191422||ADT^A01|ADT-3391"), std::string::npos);
}
