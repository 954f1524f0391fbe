// Interop with a third-party MLLP client: Debian python3-hl7's `mllp_send` sends a sample ORU^R01
// to a Listener whose handler answers with hl7v2::buildAck. mllp_send prints what it received.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <mutex>
#include <string>

#include "channels/mllp/listener.h"
#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/message.h"
#include "tests/mllp/mllp_test_support.h"
#include "tests/support/files.h"
#include "tests/support/run.h"

using namespace ferry::mllp;
using namespace ferry::mllp::test;
namespace hl7v2 = ferry::hl7v2;

namespace {

const char* const kMllpSend = "/usr/bin/mllp_send";

// AA for a message that parses, AR for one that does not: what the engine does after committing.
std::string acknowledge(const std::string& frame) {
  auto message = hl7v2::Message::parse(frame);
  hl7v2::AckOptions options;
  options.control_id = "FERRY-1";
  options.timestamp = "20261120083016";
  if (!message) return hl7v2::buildRejectForUnparseable(frame, message.error(), options);
  return hl7v2::buildAck(*message, hl7v2::AcknowledgmentCode::AA, {}, options);
}

}  // namespace

TEST(MllpSendInterop, PythonHl7ClientGetsItsAck) {
  if (::access(kMllpSend, X_OK) != 0) GTEST_SKIP() << kMllpSend << " is not installed (Debian python3-hl7)";
  const std::string sample = ferry::test::sample("hl7v2/oru_r01_lab_result.hl7");
  std::string received;
  std::mutex mutex;
  ListenerConfig config;
  config.channel = "interop-in";
  Listener listener(config, [&](std::string frame, const Peer&) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      received = frame;
    }
    return acknowledge(frame);
  }, [](std::string_view) {});
  listener.start();

  TempDir dir;
  const std::string file = dir.file("oru.mllp");
  std::ofstream(file, std::ios::binary) << encodeFrame(sample);

  // timeout(1) bounds the run should the client hang.
  const auto result = ferry::test::run("timeout 20 " + std::string(kMllpSend) + " -p " +
                                       std::to_string(listener.port()) + " -f " + file + " 127.0.0.1");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("MSA|AA|NL-000184211"), std::string::npos) << result.out << result.err;
  EXPECT_NE(result.out.find("MSH|^~\\&|HOSPRES|CITYHOSP|NORTHLAB|"), std::string::npos) << result.out;
  // mllp_send strips CR from both ends of each message it reads from the file (read_stream()),
  // so the last segment arrives without its terminator; everything else byte for byte.
  std::string expected = sample;
  while (!expected.empty() && expected.back() == '\r') expected.pop_back();
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(received, expected);
}
