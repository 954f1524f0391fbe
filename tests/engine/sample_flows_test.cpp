// The three flows of the sample configuration (samples/), end to end through real sockets: the
// configuration is copied to a temp folder with free ports and a fresh demo PKI, the engine runs
// it in-process, and the stand-in receivers it configures (hospital, lab, health department,
// insurer) write what they receive to out/. Each test asserts the exact fields that arrive.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "channels/http/sender.h"
#include "engine/runtime/config.h"
#include "engine/runtime/engine.h"
#include "engine/runtime/json_log.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/files.h"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;

// n distinct ports nothing listens on right now: each is bound until all are chosen, so the
// kernel cannot hand out one twice (released before the engine binds them; good enough on
// loopback in tests).
std::vector<int> freePorts(std::size_t n) {
  std::vector<int> sockets;
  std::vector<int> ports;
  for (std::size_t i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    sockets.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (const int fd : sockets) ::close(fd);
  return ports;
}

// Files a stand-in wrote to out/FOLDER, oldest (lowest message id) first.
std::vector<fs::path> outputs(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::is_directory(folder)) return files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoll(a.stem().string()) < std::stoll(b.stem().string());
  });
  return files;
}

class SampleFlows : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path source = fs::path(FERRY_SOURCE_DIR) / "samples";
    for (const char* part : {"channels", "mappings", "tables", "profiles"}) {
      fs::copy(source / part, dir_.path() + "/" + part, fs::copy_options::recursive);
    }
    fs::copy_file(source / "ferry.json", dir_.path() + "/ferry.json");
    // Every port of the samples moves to a free one, in listeners and in the URLs that reach them.
    const std::vector<int> sample_ports = {2575, 2576, 2577, 2578, 2579, 2580, 2581, 8080, 8081, 8443, 8444};
    const std::vector<int> free = freePorts(sample_ports.size());
    for (std::size_t i = 0; i < sample_ports.size(); ++i) ports_[sample_ports[i]] = free[i];
    for (const auto& entry : fs::directory_iterator(dir_.path() + "/channels")) {
      std::string text = readFile(entry.path());
      for (const auto& [from, to] : ports_) {
        text = std::regex_replace(text, std::regex("\"port\": " + std::to_string(from) + "\\b"),
                                  "\"port\": " + std::to_string(to));
        text = std::regex_replace(text, std::regex("127\\.0\\.0\\.1:" + std::to_string(from) + "\\b"),
                                  "127.0.0.1:" + std::to_string(to));
      }
      std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << text;
    }
    const std::string certs = std::string(FERRY_SOURCE_DIR) + "/scripts/sample-certs.sh '" + dir_.path() +
                              "/var/tls' 2>/dev/null";
    ASSERT_EQ(std::system(certs.c_str()), 0);
    runtime::ConfigLoad load = runtime::loadConfig(dir_.path());
    for (const auto& e : load.errors) ADD_FAILURE() << e.describe();
    ASSERT_TRUE(load.ok());
    load.config.admin.port = 0;  // tests run side by side: an ephemeral port
    for (auto& c : load.config.channels) {
      for (auto& d : c.destinations) {  // a failed send in a test retries quickly
        d.retry.initial_backoff_ms = 50;
        d.retry.max_backoff_ms = 200;
      }
    }
    log_ = std::make_unique<runtime::JsonLog>(dir_.path() + "/ferry.log");
    engine_ = std::make_unique<runtime::Engine>(load.config, *log_);
    engine_->start();
  }

  void TearDown() override {
    if (engine_) engine_->stop();
  }

  int port(int sample_port) const { return ports_.at(sample_port); }
  fs::path out(const std::string& folder) const { return fs::path(dir_.path()) / "out" / folder; }

  bool waitForFiles(const std::string& folder, std::size_t n) const {
    return eventually([&] { return outputs(out(folder)).size() >= n; });
  }

  http::SendResult post(int sample_port, const std::string& path, const std::string& body,
                        const std::string& content_type) const {
    http::Sender::Config config;
    config.url = "http://127.0.0.1:" + std::to_string(port(sample_port)) + path;
    config.timeout = std::chrono::seconds(10);
    http::Sender sender(config);
    return sender.post(body, content_type);
  }

  // The message ids the store holds for a channel, with their status.
  std::map<std::int64_t, std::string> messagesOf(const std::string& channel) const {
    store::MessageFilter filter;
    filter.channel = channel;
    filter.limit = 100;
    std::map<std::int64_t, std::string> out;
    for (const auto& m : engine_->store().listMessages(filter)) out[m.id] = std::string(store::toString(m.status));
    return out;
  }

  TempFolder dir_;
  std::map<int, int> ports_;
  std::unique_ptr<runtime::JsonLog> log_;
  std::unique_ptr<runtime::Engine> engine_;
};

hl7v2::Message parseV2(const fs::path& file) {
  auto message = hl7v2::Message::parse(readFile(file));
  EXPECT_TRUE(message) << file;
  return std::move(*message);
}

TEST_F(SampleFlows, LabResultsReachTheHospitalWithLoincCodes) {
  ASSERT_EQ(sendAndReadMsa1(port(2575), sample("hl7v2/oru_r01_local_codes.hl7")), "AA");
  ASSERT_TRUE(waitForFiles("hospital", 1));
  const hl7v2::Message hospital = parseV2(outputs(out("hospital"))[0]);
  EXPECT_EQ(hospital.get("MSH-9.1"), "ORU");
  EXPECT_EQ(hospital.get("MSH-9.2"), "R01");
  EXPECT_EQ(hospital.get("MSH-12"), "2.5.1");
  EXPECT_EQ(hospital.get("MSH-10"), "NL-000190001");
  EXPECT_EQ(hospital.get("PID-3.1"), "MRN448820");
  EXPECT_EQ(hospital.get("PID-5.1"), "Fictional");
  EXPECT_EQ(hospital.get("OBR-4.1"), "51990-0");
  EXPECT_EQ(hospital.get("OBR-4.3"), "LN");
  EXPECT_EQ(hospital.get("OBX[1]-3.1"), "2345-7");
  EXPECT_EQ(hospital.get("OBX[1]-3.3"), "LN");
  EXPECT_EQ(hospital.get("OBX[1]-3.4"), "GLU");
  EXPECT_EQ(hospital.get("OBX[1]-3.6"), "99NLB");
  EXPECT_EQ(hospital.get("OBX[1]-5"), "95");
  EXPECT_EQ(hospital.get("OBX[2]-3.1"), "2823-3");
  EXPECT_EQ(hospital.get("OBX[2]-8"), "H");
  EXPECT_EQ(hospital.get("OBX[3]-3.1"), "2160-0");
  // Not a notifiable test: nothing went to the reporting channel.
  EXPECT_TRUE(messagesOf("public-health-reporting").empty());
}

TEST_F(SampleFlows, OrdersFlowFromTheHospitalToTheLabUnchanged) {
  const std::string order = sample("hl7v2/oml_o21_order.hl7");
  ASSERT_EQ(sendAndReadMsa1(port(2578), order), "AA");
  ASSERT_TRUE(waitForFiles("lab", 1));
  std::string expected = order;
  while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) expected.pop_back();
  std::string got = readFile(outputs(out("lab"))[0]);
  while (!got.empty() && (got.back() == '\n' || got.back() == '\r')) got.pop_back();
  EXPECT_EQ(got, expected);
}

TEST_F(SampleFlows, NotifiableResultsReachTheHealthDepartmentAsFhirAndElr) {
  ASSERT_EQ(sendAndReadMsa1(port(2575), sample("hl7v2/oru_r01_reportable.hl7")), "AA");
  ASSERT_TRUE(waitForFiles("public-health/elr", 1));
  ASSERT_TRUE(waitForFiles("public-health/fhir", 1));

  const hl7v2::Message elr = parseV2(outputs(out("public-health/elr"))[0]);
  EXPECT_EQ(elr.get("MSH-5"), "STATEELR");
  EXPECT_EQ(elr.get("MSH-6"), "STATEDOH");
  EXPECT_EQ(elr.get("MSH-12"), "2.5.1");
  EXPECT_EQ(elr.get("MSH-21.1"), "PHLabReport-NoAck");
  EXPECT_EQ(elr.get("MSH-21.3"), "2.16.840.1.113883.9.11");
  EXPECT_EQ(elr.get("PID-3.1"), "MRN448821");
  EXPECT_EQ(elr.get("PID-7"), "19940211");
  EXPECT_EQ(elr.get("OBX-2"), "CWE");
  EXPECT_EQ(elr.get("OBX-3.1"), "94500-6");
  EXPECT_EQ(elr.get("OBX-3.3"), "LN");
  EXPECT_EQ(elr.get("OBX-5.1"), "260373001");
  EXPECT_EQ(elr.get("OBX-5.2"), "Detected");
  EXPECT_EQ(elr.get("OBX-5.3"), "SCT");

  rapidjson::Document bundle;
  bundle.Parse(readFile(outputs(out("public-health/fhir"))[0]).c_str());
  ASSERT_FALSE(bundle.HasParseError());
  EXPECT_STREQ(bundle["resourceType"].GetString(), "Bundle");
  std::map<std::string, const rapidjson::Value*> resources;
  for (const auto& entry : bundle["entry"].GetArray()) {
    resources[entry["resource"]["resourceType"].GetString()] = &entry["resource"];
  }
  ASSERT_TRUE(resources.count("Patient") && resources.count("Observation") && resources.count("DiagnosticReport"));
  EXPECT_STREQ((*resources["Patient"])["identifier"][0]["value"].GetString(), "MRN448821");
  EXPECT_STREQ((*resources["Patient"])["birthDate"].GetString(), "1994-02-11");
  const rapidjson::Value& observation = *resources["Observation"];
  EXPECT_STREQ(observation["code"]["coding"][0]["system"].GetString(), "http://loinc.org");
  EXPECT_STREQ(observation["code"]["coding"][0]["code"].GetString(), "94500-6");
  EXPECT_STREQ(observation["valueCodeableConcept"]["coding"][0]["system"].GetString(), "http://snomed.info/sct");
  EXPECT_STREQ(observation["valueCodeableConcept"]["coding"][0]["code"].GetString(), "260373001");
  EXPECT_STREQ((*resources["DiagnosticReport"])["code"]["coding"][0]["code"].GetString(), "94500-6");
  // The hospital got the result too.
  EXPECT_TRUE(waitForFiles("hospital", 1));
}

TEST_F(SampleFlows, ResultsThatAreNotNotifiableGoNowhere) {
  ASSERT_EQ(sendAndReadMsa1(port(2575), sample("hl7v2/oru_r01_not_reportable.hl7")), "AA");
  // The possibly-notifiable test is handed to the reporting channel, whose table says no.
  ASSERT_TRUE(eventually([&] {
    const auto reporting = messagesOf("public-health-reporting");
    return reporting.size() == 1 && reporting.begin()->second == "filtered";
  }));
  EXPECT_TRUE(waitForFiles("hospital", 1));
  EXPECT_TRUE(outputs(out("public-health/elr")).empty());
  EXPECT_TRUE(outputs(out("public-health/fhir")).empty());
  EXPECT_TRUE(messagesOf("health-department-fhir").empty());
}

pugi::xml_node child(pugi::xml_node node, const char* name) { return node.child(name); }

TEST_F(SampleFlows, AnInsuredAdmissionBecomesTheInsurersClaimAndItsRemittanceIsLinked) {
  ASSERT_EQ(sendAndReadMsa1(port(2577), sample("hl7v2/adt_a01_insured.hl7")), "AA");
  ASSERT_TRUE(waitForFiles("insurer", 1));
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(readFile(outputs(out("insurer"))[0]).c_str()));
  const pugi::xml_node root = document.document_element();
  EXPECT_STREQ(root.name(), "ClaimSubmission");
  EXPECT_STREQ(root.attribute("xmlns").value(), "urn:example:insurer:claims:1");
  EXPECT_STREQ(child(child(root, "Header"), "Payer").attribute("id").value(), "INS001");
  EXPECT_STREQ(child(child(root, "Header"), "Sender").attribute("npi").value(), "1992753880");
  const pugi::xml_node claim = child(root, "Claim");
  EXPECT_STREQ(claim.attribute("id").value(), "CLM-56010");
  EXPECT_STREQ(child(claim, "Member").attribute("id").value(), "GRP-7788-014");
  EXPECT_STREQ(child(child(claim, "Member"), "Name").attribute("family").value(), "Notreal");
  EXPECT_STREQ(child(claim, "Member").child_value("BirthDate"), "1966-04-15");
  EXPECT_STREQ(child(child(claim, "Diagnoses"), "Diagnosis").attribute("code").value(), "J18.9");
  const pugi::xml_node line = child(child(claim, "Lines"), "Line");
  EXPECT_STREQ(child(line, "Procedure").attribute("code").value(), "99223");
  EXPECT_STREQ(line.child_value("Charge"), "410.00");
  EXPECT_STREQ(claim.child_value("Total"), "410.00");

  // The insurer's remittance comes back over HTTP, is stored and linked to the claim's message.
  const auto answer = post(8081, "/remittance", sample("xml/remittance_clm_56010.xml"), "application/xml");
  ASSERT_EQ(answer.status, 201) << answer.body;
  const auto admissions = messagesOf("admissions");
  const auto remittances = messagesOf("insurer-responses");
  ASSERT_EQ(admissions.size(), 1u);
  ASSERT_EQ(remittances.size(), 1u);
  EXPECT_EQ(remittances.begin()->second, "processed");
  // The admission, the claim as the insurer stand-in received it, and the remittance.
  const auto linked = engine_->store().messagesWithKey({"claim", "CLM-56010"});
  ASSERT_EQ(linked.size(), 3u);
  EXPECT_EQ(linked.front(), admissions.begin()->first);
  EXPECT_EQ(linked.back(), remittances.begin()->first);
  // Events reach the store shortly after (the event writer batches them).
  std::string link;
  EXPECT_TRUE(eventually([&] {
    for (const auto& e : engine_->store().eventsFor(remittances.begin()->first)) {
      if (e.type == "linked") link = e.detail;
    }
    return !link.empty();
  }));
  EXPECT_EQ(link, "claim CLM-56010 of message " + std::to_string(admissions.begin()->first));
}

TEST_F(SampleFlows, AFhirClaimBecomesTheInsurersClaim) {
  const auto answer = post(8080, "/fhir", sample("fhir/claim.json"), "application/fhir+json");
  ASSERT_EQ(answer.status, 201) << answer.body;
  ASSERT_TRUE(waitForFiles("insurer", 1));
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(readFile(outputs(out("insurer"))[0]).c_str()));
  const pugi::xml_node claim = document.document_element().child("Claim");
  EXPECT_STREQ(claim.attribute("id").value(), "CLM-55013");
  EXPECT_STREQ(claim.attribute("type").value(), "institutional");
  EXPECT_STREQ(claim.child("Member").attribute("id").value(), "GRP-7788-001");
  EXPECT_STREQ(claim.child("Diagnoses").child("Diagnosis").attribute("code").value(), "J18.9");
  int lines = 0;
  for (pugi::xml_node line = claim.child("Lines").child("Line"); line; line = line.next_sibling("Line")) ++lines;
  EXPECT_EQ(lines, 2);
  EXPECT_STREQ(claim.child_value("Total"), "506.50");
  EXPECT_EQ(std::string(document.document_element().child("Header").child_value("SubmissionId")).rfind("SUB-", 0), 0u);
}

}  // namespace
}  // namespace ferry::test
