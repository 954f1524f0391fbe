// The engine's counters and ACK histograms, written in the Prometheus text format.

#include <gtest/gtest.h>

#include <sstream>

#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/prometheus_text.h"

namespace ferry::test {
namespace {

using namespace std::chrono_literals;

std::string text(const runtime::EngineMetrics& m) {
  std::ostringstream out;
  m.write(out);
  return out.str();
}

TEST(EngineMetrics, EventsAreCountedByTypeChannelAndDestination) {
  runtime::EngineMetrics m({"lab"});
  m.count({"received", "lab", "", 1, 0, "", 0});
  m.count({"received", "lab", "", 2, 0, "", 0});
  m.count({"delivered", "lab", "lab/hospital", 1, 7, "", 0});
  const std::string out = text(m);
  EXPECT_NE(out.find("# TYPE ferry_events_total counter\n"
                     "ferry_events_total{type=\"delivered\",channel=\"lab\",destination=\"lab/hospital\"} 1\n"
                     "ferry_events_total{type=\"received\",channel=\"lab\",destination=\"\"} 2\n"),
            std::string::npos)
      << out;
}

TEST(EngineMetrics, AckTimesFallInCumulativeBucketsWithSumAndCount) {
  runtime::EngineMetrics m({"lab", "fhir"});
  m.observeAck("lab", 300us);   // <= 0.0005
  m.observeAck("lab", 1ms);     // exactly on the 0.001 bound: counted there ("le")
  m.observeAck("lab", 4ms);     // <= 0.005
  m.observeAck("lab", 10s);     // past every bound: +Inf only
  m.observeAck("other", 1ms);   // not a configured channel: ignored
  const std::string out = text(m);
  EXPECT_NE(out.find("# TYPE ferry_ack_seconds histogram\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ferry_ack_seconds_bucket{channel=\"lab\",le=\"0.0005\"} 1\n"
                     "ferry_ack_seconds_bucket{channel=\"lab\",le=\"0.001\"} 2\n"
                     "ferry_ack_seconds_bucket{channel=\"lab\",le=\"0.002\"} 2\n"
                     "ferry_ack_seconds_bucket{channel=\"lab\",le=\"0.005\"} 3\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ferry_ack_seconds_bucket{channel=\"lab\",le=\"2.5\"} 3\n"
                     "ferry_ack_seconds_bucket{channel=\"lab\",le=\"+Inf\"} 4\n"
                     "ferry_ack_seconds_sum{channel=\"lab\"} 10.0053\n"
                     "ferry_ack_seconds_count{channel=\"lab\"} 4\n"),
            std::string::npos)
      << out;
  // A channel with no acknowledgements yet still has its series, all zero.
  EXPECT_NE(out.find("ferry_ack_seconds_count{channel=\"fhir\"} 0\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("other"), std::string::npos) << out;
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  std::ostringstream out;
  runtime::prometheus::sample(out, "x", {{"channel", "a\"b\\c\nd"}}, 1.5);
  EXPECT_EQ(out.str(), "x{channel=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

}  // namespace
}  // namespace ferry::test
