#pragma once
// What the engine benchmarks send and where Ferry delivers: one lab result a message, and an
// MLLP destination that answers every frame with AA at once. Shared by engine_bench (Ferry in
// process) and soak_bench (the real `ferry run`), so both measure the same frames.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "channels/mllp/listener.h"

namespace ferry::bench {

// ~1.4 KB ORU^R01 with eight results and the control id "S<sender>-<n>".
inline std::string labResult(int sender, long n) {
  const std::string id = "S" + std::to_string(sender) + "-" + std::to_string(n);
  std::string m = "MSH|^~\\&|NORTHLAB|NORTHLAB|HOSPRES|CITYHOSP|20261120083015-0500||ORU^R01^ORU_R01|" + id +
                  "|P|2.5.1\rPID|1||MRN" + std::to_string(n) +
                  "^^^CITYHOSP^MR||Testperson^Adaline^Q||19720314|F|||118 Elm Street^^Springfield^IL^62701\r"
                  "PV1|1|O|LAB^^^CITYHOSP\rORC|RE|ORD-1^HOSPORD|LAB-1^NORTHLAB\r"
                  "OBR|1|ORD-1^HOSPORD|LAB-1^NORTHLAB|GLU-P^Glucose panel^L|||20261120071500-0500\r";
  for (int i = 1; i <= 8; ++i) {
    m += "OBX|" + std::to_string(i) + "|NM|GLU^Glucose^L^2345-7^Glucose [Mass/volume] in Serum or Plasma^LN||" +
         std::to_string(90 + i) + "|mg/dL^mg/dL^UCUM|70-99|N|||F|||20261120071500-0500\r";
  }
  return m;
}

// A stand-in destination (or the echo baseline): every frame is passed to `received` and
// answered with a fixed AA. Listens on `port` (0: an ephemeral one, see Listener::port()).
inline std::unique_ptr<mllp::Listener> echoDestination(std::function<void(std::string_view)> received,
                                                       std::uint16_t port = 0) {
  mllp::ListenerConfig c;
  c.channel = "echo";
  c.port = port;
  c.max_connections = 256;
  auto l = std::make_unique<mllp::Listener>(
      c,
      [received = std::move(received)](std::string frame, const mllp::Peer&) {
        received(frame);
        return std::string("MSH|^~\\&|ECHO|ECHO|LAB|LAB|20261126||ACK^R01^ACK|1|P|2.5.1\rMSA|AA|1\r");
      },
      [](std::string_view) {});
  l->start();
  return l;
}

}  // namespace ferry::bench
