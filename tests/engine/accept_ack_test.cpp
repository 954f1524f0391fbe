// Enhanced mode's accept acknowledgments as MSH-15 asks for them (table 0155), on an MLLP source
// with accept_acks "as_requested": bytes on the wire (an ACK or none), rows and events in the
// store, and the forwarded messages. And `ferry send --accept-acks as_requested` against it.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "engine/runtime/engine.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/run.h"

// A named namespace: the unity build puts this file together with others that have helpers of
// the same names.
namespace accept_acks_test {

using namespace ferry;
using test::StandInReceiver;
using test::TempFolder;

struct Quiet {
  runtime::JsonLog log{"/dev/null"};
};

runtime::EngineConfig honouringConfig(const TempFolder& dir, int hospital_port) {
  runtime::EngineConfig config = test::labConfig(dir, hospital_port, "after_parse");
  config.channels[0].source.accept_acks = "as_requested";
  return config;
}

// An ORU (or, when `valid` is false, an ADT^A01 without its required PV1: an AE/CE) with
// MSH-15 `accept` and MSH-16 NE; `accept` "-" leaves both empty (original mode).
std::string message(const std::string& id, const std::string& accept, bool valid = true) {
  const std::string modes = accept == "-" ? "||" : "|" + accept + "|NE";
  const std::string head = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261128||" + std::string(valid ? "ORU^R01" : "ADT^A01") +
                           "|" + id + "|P|2.5.1||" + modes + "\r";
  return head + "PID|1||P1^^^NORTH^MR||Test^Accept\r" +
         (valid ? "OBR|1||R1|2345-7^Glucose^LN\rOBX|1|NM|2345-7^Glucose^LN||95|mg/dL|||||F\r" : "");
}

// The answer's MSA-1, or nullopt when nothing came back within `wait`.
std::optional<std::string> answer(int port, const std::string& m,
                                  std::chrono::milliseconds wait = std::chrono::milliseconds(800)) {
  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  mllp::Sender sender(config, [](std::string_view) {});
  const auto result = sender.send(m, wait);
  if (result.status == mllp::SendStatus::Timeout) return std::nullopt;
  auto ack = hl7v2::Message::parse(result.response);
  return ack ? ack->get("MSA-1") + "|" + ack->get("MSA-2") : "unreadable: " + result.error;
}

std::size_t withheld(runtime::Engine& engine) {
  std::size_t count = 0;
  store::MessageFilter every;
  every.limit = 100;
  for (const auto& m : engine.store().listMessages(every)) {
    for (const auto& e : engine.store().eventsFor(m.id)) count += e.type == "ack_withheld" ? 1 : 0;
  }
  return count;
}

TEST(AcceptAcks, AsRequestedAnswersOnlyWhatMsh15AsksForAndStillKeepsEveryMessage) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(honouringConfig(dir, hospital.port()), quiet.log);
  engine.start();
  const int port = engine.port("lab");
  EXPECT_EQ(answer(port, message("AL1", "AL")), "CA|AL1");
  EXPECT_EQ(answer(port, message("NE1", "NE")), std::nullopt);
  EXPECT_EQ(answer(port, message("NE2", "NE", false)), std::nullopt);
  EXPECT_EQ(answer(port, message("ER1", "ER")), std::nullopt);
  EXPECT_EQ(answer(port, message("ER2", "ER", false)), "CE|ER2");
  EXPECT_EQ(answer(port, message("SU1", "SU")), "CA|SU1");
  EXPECT_EQ(answer(port, message("SU2", "SU", false)), std::nullopt);
  // Original mode and bytes that are not HL7 ask for nothing else: always answered.
  EXPECT_EQ(answer(port, message("OR1", "-")), "AA|OR1");
  EXPECT_EQ(answer(port, "HELLO"), "AR|");

  // Every message is stored and processed whether or not it was answered.
  const auto counts = engine.store().countMessagesByStatus();
  EXPECT_EQ(counts.at("processed"), 5);
  EXPECT_EQ(counts.at("errored"), 4);
  // The store's event writer may lag the ACKs a little.
  EXPECT_TRUE(test::eventually([&] { return withheld(engine) == 4u; })) << withheld(engine);
  ASSERT_TRUE(hospital.waitFor(5));
  engine.stop();
}

TEST(AcceptAcks, AlwaysIsTheDefaultAndAnswersAMessageThatAsksForNone) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  EXPECT_EQ(answer(engine.port("lab"), message("NE1", "NE")), "CA|NE1");
  EXPECT_EQ(withheld(engine), 0u);
  engine.stop();
}

TEST(AcceptAcks, FerrySendWaitsForWhatEachMessageAskedFor) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(honouringConfig(dir, hospital.port()), quiet.log);
  engine.start();
  dir.write("feed.hl7", message("NE1", "NE") + "\n" + message("ER1", "ER") + "\n" + message("AL1", "AL") + "\n");
  const std::string send = test::ferryCommand("send --mllp 127.0.0.1:" + std::to_string(engine.port("lab")) +
                                              " --timeout 700 ");
  auto r = test::run(send + "--accept-acks as_requested " + dir.path() + "/feed.hl7");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "MSA|CA|AL1\n") << "one ACK: the AL message's";
  EXPECT_TRUE(hospital.waitFor(3));

  // An SU message that fails gets no answer, which ferry send reads as refused.
  dir.write("su.hl7", message("SU2", "SU", false));
  r = test::run(send + "--accept-acks as_requested " + dir.path() + "/su.hl7");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("MSH-15 SU asks for one on success"), std::string::npos) << r.err;

  // Without the option ferry send waits for an ACK the receiver was told to leave out.
  dir.write("ne.hl7", message("NE3", "NE"));
  r = test::run(send + dir.path() + "/ne.hl7");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no ACK"), std::string::npos) << r.err;
  engine.stop();
}

}  // namespace accept_acks_test
