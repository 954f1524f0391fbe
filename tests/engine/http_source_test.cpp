// The HTTP source channel end to end: a real engine on 127.0.0.1 with a SQLite file in a temp
// folder, FHIR JSON, insurer XML and HL7 v2 text POSTed with Poco's client, over HTTP and HTTPS.
#include <gtest/gtest.h>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <filesystem>

#include "channels/http/tls_context.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "engine/runtime/http_intake.h"
#include "tests/engine/engine_fixture.h"
#include "tests/http/support.h"
#include "tests/support/files.h"

using namespace ferry;
using ferry::test::ClientResponse;
using ferry::test::eventually;
using ferry::test::TempFolder;
using ferry::test::TestPki;

namespace {

constexpr std::int64_t kMaxBody = 64 * 1024;

std::string fhirSample(const std::string& name) {
  return test::readFile(std::string(FERRY_SOURCE_DIR) + "/tests/fhir/data/" + name);
}

runtime::EngineConfig httpConfig(const TempFolder& dir, const std::string& ack_mode = "after_parse") {
  runtime::EngineConfig config = test::fhirHttpConfig(dir, kMaxBody, ack_mode);
  config.profiles_folder = std::string(FERRY_SOURCE_DIR) + "/samples/profiles";
  return config;
}

ClientResponse post(runtime::Engine& engine, const std::string& body, const std::string& content_type,
                    http::Headers headers = {}) {
  headers.add("Content-Type", content_type);
  return test::request(static_cast<std::uint16_t>(engine.port("fhir-in")), "POST", "/fhir", body, headers);
}

std::int64_t messageId(const ClientResponse& r) {
  const auto id = r.headers.get(runtime::HttpIntake::kMessageIdHeader);
  return id ? std::stoll(*id) : 0;
}

std::vector<store::MessageRecord> allMessages(runtime::Engine& engine) {
  return engine.store().listMessages(store::MessageFilter{});
}

// The response of a refused request carries an OperationOutcome with this issue code.
void expectOutcome(const ClientResponse& r, const std::string& code) {
  EXPECT_EQ(r.headers.value("Content-Type"), "application/fhir+json");
  EXPECT_NE(r.body.find("\"resourceType\":\"OperationOutcome\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"code\":\"" + code + "\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"diagnostics\":"), std::string::npos) << r.body;
}

class HttpSource : public ::testing::Test {
 protected:
  void startEngine(runtime::EngineConfig config) {
    engine_ = std::make_unique<runtime::Engine>(std::move(config), log_);
    engine_->start();
    ASSERT_NE(engine_->port("fhir-in"), 0);
  }
  runtime::Engine& engine() { return *engine_; }

  TempFolder dir_;
  runtime::JsonLog log_{"/dev/null"};
  std::unique_ptr<runtime::Engine> engine_;
};

TEST_F(HttpSource, FhirBundleIsAnswered201StoredProcessedAndDelivered) {
  startEngine(httpConfig(dir_));
  const std::string bundle = fhirSample("bundle_lab_result.json");
  const ClientResponse r = post(engine(), bundle, "application/fhir+json; charset=utf-8");
  ASSERT_EQ(r.status, 201) << r.body;
  expectOutcome(r, "informational");
  const std::int64_t id = messageId(r);
  ASSERT_GT(id, 0);
  EXPECT_NE(r.body.find("message " + std::to_string(id) + " processed"), std::string::npos) << r.body;

  const auto stored = engine().store().message(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Processed);
  EXPECT_EQ(stored->raw, bundle);
  EXPECT_EQ(stored->channel, "fhir-in");
  EXPECT_EQ(stored->sender, "fhir-in:127.0.0.1");
  ASSERT_TRUE(stored->canonical_json.has_value());
  EXPECT_NE(stored->canonical_json->find("MRN448812"), std::string::npos);
  EXPECT_NE(stored->canonical_json->find("2345-7"), std::string::npos);

  const std::string file = dir_.path() + "/out/" + std::to_string(id) + ".json";
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(file); }));
  ASSERT_TRUE(eventually([&] {
    const auto d = engine().store().deliveriesFor(id);
    return d.size() == 1 && d[0].status == store::DeliveryStatus::Delivered;
  }));
  EXPECT_EQ(test::readFile(file), bundle);
}

TEST_F(HttpSource, MalformedJsonIs400AndKeptAsErrored) {
  startEngine(httpConfig(dir_));
  const std::string broken = R"({"resourceType": "Bundle", "type": "transaction", "entry": [)";
  const ClientResponse r = post(engine(), broken, "application/json");
  ASSERT_EQ(r.status, 400) << r.body;
  expectOutcome(r, "structure");
  const std::int64_t id = messageId(r);
  ASSERT_GT(id, 0);
  const auto stored = engine().store().message(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Errored);
  EXPECT_EQ(stored->raw, broken);
  EXPECT_TRUE(stored->error.has_value() && !stored->error->empty());
  EXPECT_TRUE(engine().store().deliveriesFor(id).empty());
}

TEST_F(HttpSource, BundleWithAnImpossibleDateIs422NamingTheFhirPath) {
  startEngine(httpConfig(dir_));
  std::string bundle = fhirSample("bundle_lab_result.json");
  const auto at = bundle.find("\"1972-03-14\"");
  ASSERT_NE(at, std::string::npos);
  bundle.replace(at, 12, "\"1972-02-30\"");
  const ClientResponse r = post(engine(), bundle, "application/fhir+json");
  ASSERT_EQ(r.status, 422) << r.body;
  expectOutcome(r, "value");
  EXPECT_NE(r.body.find("\"expression\":[\"Bundle.entry[0].resource.birthDate\"]"), std::string::npos)
      << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Errored);
  EXPECT_EQ(stored->raw, bundle);
}

TEST_F(HttpSource, DanglingReferenceIs422NamingTheFhirPath) {
  startEngine(httpConfig(dir_));
  std::string bundle = fhirSample("bundle_lab_result.json");
  const std::string result_ref =
      R"("result": [{"reference": "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0002"}])";
  const auto at = bundle.find(result_ref);
  ASSERT_NE(at, std::string::npos);
  bundle.replace(at, result_ref.size(),
                 R"("result": [{"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"}])");
  const ClientResponse r = post(engine(), bundle, "application/fhir+json");
  ASSERT_EQ(r.status, 422) << r.body;
  expectOutcome(r, "not-found");
  EXPECT_NE(r.body.find("Bundle.entry[2].resource.result[0].reference"), std::string::npos) << r.body;
}

TEST_F(HttpSource, UnsupportedContentTypeIs415AndNothingIsStored) {
  startEngine(httpConfig(dir_));
  const ClientResponse r = post(engine(), fhirSample("bundle_lab_result.json"), "text/plain");
  EXPECT_EQ(r.status, 415) << r.body;
  expectOutcome(r, "not-supported");
  EXPECT_FALSE(r.headers.contains(runtime::HttpIntake::kMessageIdHeader));
  // JSON in another charset is refused too (RFC 8259: JSON is UTF-8).
  EXPECT_EQ(post(engine(), "{}", "application/fhir+json; charset=iso-8859-1").status, 415);
  EXPECT_TRUE(allMessages(engine()).empty());
}

TEST_F(HttpSource, BodyOverTheLimitIs413AndNothingIsStored) {
  startEngine(httpConfig(dir_));
  std::string big = fhirSample("bundle_lab_result.json");
  big.insert(1, "\"padding\": \"" + std::string(kMaxBody, 'x') + "\",");
  const ClientResponse r = post(engine(), big, "application/fhir+json");
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(allMessages(engine()).empty());
}

TEST_F(HttpSource, EmptyBodyIs400AndNothingIsStored) {
  startEngine(httpConfig(dir_));
  const ClientResponse r = post(engine(), "", "application/fhir+json");
  EXPECT_EQ(r.status, 400);
  expectOutcome(r, "required");
  EXPECT_TRUE(allMessages(engine()).empty());
}

TEST_F(HttpSource, GetIs405AllowingPost) {
  startEngine(httpConfig(dir_));
  const ClientResponse r =
      test::request(static_cast<std::uint16_t>(engine().port("fhir-in")), "GET", "/fhir");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.value("Allow"), "POST");
  EXPECT_TRUE(allMessages(engine()).empty());
}

TEST_F(HttpSource, BodyThatIsNotWhatItsContentTypeSaysIs400AndKeptAsErrored) {
  startEngine(httpConfig(dir_));
  const std::string claim = test::sample("xml/claim_submission.xml");
  const ClientResponse r = post(engine(), claim, "application/fhir+json");
  ASSERT_EQ(r.status, 400) << r.body;
  expectOutcome(r, "structure");
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Errored);
  EXPECT_EQ(stored->raw, claim);
}

TEST_F(HttpSource, OnCommitChannelAnswers202AndTheMessageEndsProcessed) {
  startEngine(httpConfig(dir_, "on_commit"));
  const ClientResponse r = post(engine(), fhirSample("bundle_lab_result.json"), "application/fhir+json");
  ASSERT_EQ(r.status, 202) << r.body;
  expectOutcome(r, "informational");
  const std::int64_t id = messageId(r);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(eventually([&] {
    const auto m = engine().store().message(id);
    return m && m->status == store::MessageStatus::Processed;
  }));
  EXPECT_NE(engine().store().message(id)->canonical_json->find("MRN448812"), std::string::npos);
  EXPECT_TRUE(eventually(
      [&] { return std::filesystem::exists(dir_.path() + "/out/" + std::to_string(id) + ".json"); }));
}

TEST_F(HttpSource, XmlClaimSubmissionIs201WithTheClaimInCanonical) {
  startEngine(httpConfig(dir_));
  const ClientResponse r = post(engine(), test::sample("xml/claim_submission.xml"), "application/xml");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Processed);
  ASSERT_TRUE(stored->canonical_json.has_value());
  EXPECT_NE(stored->canonical_json->find("\"claims\""), std::string::npos) << *stored->canonical_json;
  EXPECT_NE(stored->canonical_json->find("CLM-55013"), std::string::npos);
  EXPECT_NE(stored->canonical_json->find("J18.9"), std::string::npos);
}

TEST_F(HttpSource, XmlRemittanceIs201WithClaimResponsesInCanonical) {
  startEngine(httpConfig(dir_));
  const ClientResponse r =
      post(engine(), test::sample("xml/remittance.xml"), "application/vnd.example-insurer+xml");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Processed);
  ASSERT_TRUE(stored->canonical_json.has_value());
  EXPECT_NE(stored->canonical_json->find("\"claimResponses\""), std::string::npos) << *stored->canonical_json;
  EXPECT_NE(stored->canonical_json->find("CLM-55013"), std::string::npos);
}

TEST_F(HttpSource, XmlWithADoctypeIs400AndKeptAsErrored) {
  startEngine(httpConfig(dir_));
  const std::string hostile =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE ClaimSubmission [<!ENTITY x \"boom\">]>\n"
      "<ClaimSubmission xmlns=\"urn:example:insurer:claims:1\">&x;</ClaimSubmission>";
  const ClientResponse r = post(engine(), hostile, "text/xml");
  ASSERT_EQ(r.status, 400) << r.body;
  expectOutcome(r, "structure");
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Errored);
  EXPECT_EQ(stored->raw, hostile);
}

TEST_F(HttpSource, WellFormedXmlOfNoKnownProfileIs422) {
  startEngine(httpConfig(dir_));
  const ClientResponse r =
      post(engine(), "<Unknown xmlns=\"urn:nobody\"><A>1</A></Unknown>", "application/xml");
  EXPECT_EQ(r.status, 422) << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Errored);
}

TEST_F(HttpSource, Hl7v2TextIsAcceptedWithItsMediaType) {
  startEngine(httpConfig(dir_));
  const ClientResponse r =
      post(engine(), test::sample("hl7v2/oru_r01_lab_result.hl7"), "x-application/hl7-v2+er7");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Processed);
}

TEST_F(HttpSource, RepeatedIdempotencyKeyAnswersTheFirstMessagesId) {
  startEngine(httpConfig(dir_));
  const std::string bundle = fhirSample("bundle_lab_result.json");
  const ClientResponse first =
      post(engine(), bundle, "application/fhir+json", {{"Idempotency-Key", "lab-42"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const ClientResponse again =
      post(engine(), bundle, "application/fhir+json", {{"Idempotency-Key", "lab-42"}});
  EXPECT_EQ(again.status, 200) << again.body;
  expectOutcome(again, "duplicate");
  EXPECT_EQ(messageId(again), messageId(first));
  const ClientResponse other =
      post(engine(), bundle, "application/fhir+json", {{"Idempotency-Key", "lab-43"}});
  EXPECT_EQ(other.status, 201);
  EXPECT_EQ(allMessages(engine()).size(), 2u);
}

TEST(HttpSourceLog, LinesNameChannelAndMessageIdButNoPatientData) {
  TempFolder dir;
  const std::string log_file = dir.path() + "/ferry.log";
  {
    runtime::JsonLog log(log_file);
    runtime::Engine engine(httpConfig(dir), log);
    engine.start();
    ASSERT_EQ(post(engine, fhirSample("bundle_lab_result.json"), "application/fhir+json").status, 201);
    ASSERT_EQ(post(engine, "{\"resourceType\": \"Patient\", \"name\": [{\"family\": \"Testperson\"",
                   "application/json")
                  .status,
              400);
    engine.stop();
  }
  const std::string lines = test::readFile(log_file);
  EXPECT_NE(lines.find("\"channel\":\"fhir-in\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"message_id\":1"), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"message_id\":2"), std::string::npos) << lines;
  for (const char* phi : {"MRN448812", "Testperson", "Adaline", "1972-03-14", "Elm Street"}) {
    EXPECT_EQ(lines.find(phi), std::string::npos) << phi << " in\n" << lines;
  }
}

// FHIR diagnostics quote the offending value ("'1972-02-30' is not a valid date"): the event (and
// so the log) carries only issue codes and FHIRPath expressions; the full text stays in the store
// row and the HTTP answer.
TEST(HttpSourceLog, ValidationErrorsReachTheLogWithoutTheOffendingValues) {
  TempFolder dir;
  const std::string log_file = dir.path() + "/ferry.log";
  {
    runtime::JsonLog log(log_file);
    runtime::Engine engine(httpConfig(dir), log);
    engine.start();
    std::string bad_date = fhirSample("bundle_lab_result.json");
    bad_date.replace(bad_date.find("1972-03-14"), 10, "1972-02-30");
    ASSERT_EQ(post(engine, bad_date, "application/fhir+json").status, 422);
    engine.stop();
  }
  const std::string lines = test::readFile(log_file);
  EXPECT_NE(lines.find("\"event\":\"errored\""), std::string::npos) << lines;
  EXPECT_EQ(lines.find("1972-02-30"), std::string::npos) << lines;
  EXPECT_NE(lines.find("Bundle.entry[0].resource.birthDate"), std::string::npos) << lines;
}

// The intake alone on a real store whose group committer refuses work (as when the database
// fails or the engine stops): nothing may be answered 2xx, and no id is claimed.
TEST(HttpIntake, StoreThatCannotCommitIs503AndNothingIsClaimed) {
  TempFolder dir;
  runtime::ChannelConfig channel = httpConfig(dir).channels[0];
  auto store = store::openSqliteStore(dir.path() + "/ferry.db");
  store::GroupCommitter committer(*store);
  runtime::EventBus bus;
  std::vector<runtime::Event> events;
  bus.subscribe([&](const runtime::Event& e) { events.push_back(e); });
  runtime::InboundDecoder decoder(nullptr);
  runtime::MessageRouter router({channel}, nullptr);
  runtime::Processor processor(*store, bus, decoder, router, nullptr);
  runtime::HttpIntake intake(channel, 3600 * 1000, *store, committer, processor, bus);
  committer.stop();

  http::Request request;
  request.method = "POST";
  request.path = "/fhir";
  request.peer = "127.0.0.1:5000";
  request.headers.add("Content-Type", "application/fhir+json");
  request.body = fhirSample("bundle_lab_result.json");
  const http::Response r = intake.receive(request);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/fhir+json");
  EXPECT_NE(r.body.find("\"code\":\"transient\""), std::string::npos) << r.body;
  EXPECT_EQ(r.headers.value("Retry-After"), "5");
  EXPECT_FALSE(r.headers.contains(runtime::HttpIntake::kMessageIdHeader));
  EXPECT_TRUE(store->listMessages(store::MessageFilter{}).empty());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "rejected");
  EXPECT_EQ(events[0].message_id, 0);
}

TEST(HttpContentType, MediaTypesMapToFormats) {
  using runtime::InboundFormat;
  EXPECT_EQ(runtime::formatOfContentType("application/fhir+json"), InboundFormat::Fhir);
  EXPECT_EQ(runtime::formatOfContentType("Application/JSON; charset=\"UTF-8\""), InboundFormat::Fhir);
  EXPECT_EQ(runtime::formatOfContentType("application/xml"), InboundFormat::Xml);
  EXPECT_EQ(runtime::formatOfContentType("text/xml; charset=iso-8859-1"), InboundFormat::Xml);
  EXPECT_EQ(runtime::formatOfContentType("application/soap+xml"), InboundFormat::Xml);
  EXPECT_EQ(runtime::formatOfContentType("x-application/hl7-v2+er7"), InboundFormat::Hl7v2);
  EXPECT_EQ(runtime::formatOfContentType("application/+xml"), std::nullopt);
  EXPECT_EQ(runtime::formatOfContentType("application/json; charset=utf-16"), std::nullopt);
  EXPECT_EQ(runtime::formatOfContentType("text/plain"), std::nullopt);
  EXPECT_EQ(runtime::formatOfContentType(""), std::nullopt);
}

TEST(HttpContentType, WellFormednessDecides400Against422) {
  using runtime::InboundFormat;
  EXPECT_TRUE(runtime::isWellFormed("\xEF\xBB\xBF{\"resourceType\":\"Patient\"}", InboundFormat::Fhir));
  EXPECT_FALSE(runtime::isWellFormed("{\"a\":1} trailing", InboundFormat::Fhir));
  EXPECT_FALSE(runtime::isWellFormed(std::string(100000, '['), InboundFormat::Fhir));  // no stack overflow
  EXPECT_FALSE(runtime::isWellFormed("{\"a\":\"\xC3\x28\"}", InboundFormat::Fhir));    // invalid UTF-8
  EXPECT_TRUE(runtime::isWellFormed("<a><b/></a>", InboundFormat::Xml));
  EXPECT_FALSE(runtime::isWellFormed("<a><b></a>", InboundFormat::Xml));
}

// --- HTTPS ---

class HttpsSource : public HttpSource {
 protected:
  void startTls(bool require_client_cert) {
    const TestPki& pki = TestPki::instance();
    runtime::EngineConfig config = httpConfig(dir_);
    runtime::TlsConfig& tls = config.channels[0].source.tls;
    tls.enabled = true;
    tls.cert_file = pki.serverCert();
    tls.key_file = pki.serverKey();
    if (require_client_cert) {
      tls.ca_file = pki.ca();
      tls.require_client_cert = true;
    }
    startEngine(std::move(config));
  }

  // Throws Poco::Exception when the connection or the handshake is refused.
  ClientResponse postTls(const std::string& body, bool with_client_cert) {
    const TestPki& pki = TestPki::instance();
    const auto context = http::makeClientContext(pki.ca(), with_client_cert ? pki.clientCert() : "",
                                                 with_client_cert ? pki.clientKey() : "", true);
    Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(engine().port("fhir-in")),
                                          context);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/fhir", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/fhir+json");
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    ClientResponse out;
    out.status = static_cast<int>(resp.getStatus());
    Poco::StreamCopier::copyToString(in, out.body);
    for (const auto& [name, value] : resp) out.headers.add(name, value);
    return out;
  }
};

TEST_F(HttpsSource, PostOverHttpsIs201) {
  startTls(false);
  const ClientResponse r = postTls(fhirSample("bundle_lab_result.json"), false);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, store::MessageStatus::Processed);
}

TEST_F(HttpsSource, MutualTlsTakesAClientCertificateAndNamesTheSenderByIt) {
  startTls(true);
  const ClientResponse r = postTls(fhirSample("bundle_lab_result.json"), true);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto stored = engine().store().message(messageId(r));
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(stored->sender.find("ferry-test-client"), std::string::npos) << stored->sender;
}

TEST_F(HttpsSource, MutualTlsRefusesAClientWithoutCertificateAndStoresNothing) {
  startTls(true);
  bool refused = false;
  try {
    const ClientResponse r = postTls(fhirSample("bundle_lab_result.json"), false);
    refused = r.status == 0;
  } catch (const Poco::Exception&) {
    refused = true;  // handshake alert or reset: the request never reached the channel
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(allMessages(engine()).empty());
}

}  // namespace
