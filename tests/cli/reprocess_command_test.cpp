// `ferry reprocess`: a message the engine stored as errored (a code missing from a table) runs
// through the fixed configuration again and reaches its destination. The real binary, a real
// store file, and the real engine before and after.

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/engine_process.h"
#include "tests/support/files.h"
#include "tests/support/run.h"
#include "tests/support/temp_folder.h"

using ferry::test::ferryCommand;
using ferry::test::readFile;
using ferry::test::run;

namespace {

constexpr const char* kResult =
    "MSH|^~\\&|LABSYS|GOODLAB|EHR|HOSP|20261126083000||ORU^R01^ORU_R01|CTRL-RP-1|P|2.5.1\r"
    "PID|1||PAT-RP-1^^^GOODLAB^MR||Testperson^Rita||19800101|F\r"
    "OBR|1||FIL-1|2345-7^Glucose^LN\r"
    "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99|N|||F\r";

constexpr const char* kMapping = R"json({
  "name": "lab", "version": "1",
  "transforms": [
    {"name": "receiving facility", "set": "header.receiving_facility",
     "value": "lookup('facilities', header.sending_facility)"}
  ],
  "routes": [{"name": "all", "when": "true", "to": ["archive"]}]
})json";

class Reprocess : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.write("ferry.json", R"({"store": {"path": "var/ferry.db"}, "log_file": "var/ferry.log"})");
    folder_.write("channels/lab.json", R"({
  "name": "lab",
  "source": {"type": "file", "folder": "in", "interval_ms": 100},
  "mapping": "lab",
  "destinations": [{"name": "archive", "type": "file", "folder": "out", "format": "hl7v2"}]
})");
    folder_.write("mappings/lab.json", kMapping);
    folder_.write("tables/facilities.csv", "facility,code\nOTHERLAB,HOSP-B\n");  // GOODLAB missing
    folder_.write("in/.keep", "");
    folder_.write("out/.keep", "");
  }

  std::string config() const { return folder_.path(); }
  std::string storePath() const { return folder_.path() + "/var/ferry.db"; }

  int runEngineUntil(const std::function<bool()>& done) {
    return ferry::test::runEngineUntil(config(), folder_.path() + "/engine.log", done);
  }

  // The status of message `id` as a fresh store connection reads it ("" when absent).
  std::string statusOf(std::int64_t id) const {
    auto store = ferry::store::openSqliteStore(storePath());
    const auto m = store->message(id);
    return m ? std::string(ferry::store::toString(m->status)) : "";
  }

  std::size_t filesIn(const std::string& sub) const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(folder_.path() + "/" + sub)) {
      if (e.path().filename() != ".keep") ++n;
    }
    return n;
  }

  // The engine picks the result up from in/ and stores it as errored: GOODLAB is not in the
  // facilities table. Returns its id.
  std::int64_t receiveAnErroredResult() {
    folder_.write("in/result.hl7", kResult);
    EXPECT_EQ(runEngineUntil([&] { return std::filesystem::exists(storePath()) && statusOf(1) == "errored"; }), 0);
    EXPECT_EQ(statusOf(1), "errored");
    return 1;
  }

  ferry::test::TempFolder folder_;
};

TEST_F(Reprocess, AnErroredMessageReachesItsDestinationOnceItsCauseIsFixed) {
  const std::int64_t id = receiveAnErroredResult();

  // Not fixed yet: it errors again, says so, and exits 1.
  auto r = run(ferryCommand("reprocess " + config() + " " + std::to_string(id) + " --reason 'try again'"));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("message 1: errored again: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("receiving facility"), std::string::npos) << r.out;  // the failing rule
  EXPECT_EQ(statusOf(id), "errored");

  // The analyst adds the facility; the dry run changes nothing.
  folder_.write("tables/facilities.csv", "facility,code\nOTHERLAB,HOSP-B\nGOODLAB,HOSP-A\n");
  r = run(ferryCommand("reprocess " + config() + " --errored --dry-run"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "message 1: would be reprocessed (errored on channel lab)\n");
  EXPECT_EQ(statusOf(id), "errored");

  r = run(ferryCommand("reprocess " + config() + " --errored --channel lab --reason 'facility table fixed'"));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "message 1: processed, routed to lab/archive\n");
  EXPECT_EQ(r.out.find("Testperson"), std::string::npos);
  // The engine's log (ferry.json "log_file") carries the reprocessing on: the request without
  // its free-text reason, then the new outcome; never the message's contents.
  {
    const std::string log = ferry::test::readFile(folder_.path() + "/var/ferry.log");
    const auto request = log.rfind("\"event\":\"reprocess\",\"channel\":\"lab\",\"message_id\":1}");
    ASSERT_NE(request, std::string::npos) << log;
    const std::string routed =
        "\"event\":\"routed\",\"channel\":\"lab\",\"destination\":\"lab/archive\",\"message_id\":1";
    EXPECT_NE(log.find(routed, request), std::string::npos) << log;
    EXPECT_EQ(log.find("facility table fixed"), std::string::npos) << log;
    EXPECT_EQ(log.find("Testperson"), std::string::npos) << log;
  }

  {
    auto store = ferry::store::openSqliteStore(storePath());
    const auto m = store->message(id);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->status, ferry::store::MessageStatus::Processed);
    EXPECT_FALSE(m->error.has_value());
    ASSERT_TRUE(m->canonical_json.has_value());
    EXPECT_NE(m->canonical_json->find("\"receivingFacility\":\"HOSP-A\""), std::string::npos);
    const auto deliveries = store->deliveriesFor(id);
    ASSERT_EQ(deliveries.size(), 1u);
    EXPECT_EQ(deliveries[0].destination, "lab/archive");
    EXPECT_EQ(deliveries[0].status, ferry::store::DeliveryStatus::Pending);
    // The trail: errored, the two operator requests with who and why, then the new outcome.
    std::vector<std::string> types;
    std::string last_note;
    for (const auto& e : store->eventsFor(id)) {
      types.push_back(e.type);
      if (e.type == "reprocess") last_note = e.detail;
    }
    EXPECT_EQ(std::count(types.begin(), types.end(), "reprocess"), 2) << ::testing::PrintToString(types);
    EXPECT_EQ(types.back(), "routed") << ::testing::PrintToString(types);
    EXPECT_NE(last_note.find(": facility table fixed"), std::string::npos) << last_note;
    EXPECT_EQ(last_note.rfind("by ", 0), 0u) << last_note;
  }

  // The engine delivers the new delivery.
  EXPECT_EQ(runEngineUntil([&] { return filesIn("out") == 1; }), 0);
  ASSERT_EQ(filesIn("out"), 1u);
  for (const auto& e : std::filesystem::directory_iterator(folder_.path() + "/out")) {
    if (e.path().filename() == ".keep") continue;
    const std::string sent = readFile(e.path().string());
    EXPECT_NE(sent.find("|HOSP-A|"), std::string::npos) << sent;  // MSH-6 from the fixed table
  }
}

TEST_F(Reprocess, OnlyErroredOrFilteredMessagesAreReprocessed) {
  const std::int64_t id = receiveAnErroredResult();
  folder_.write("tables/facilities.csv", "facility,code\nGOODLAB,HOSP-A\n");
  ASSERT_EQ(run(ferryCommand("reprocess " + config() + " 1")).status, 0);
  ASSERT_EQ(statusOf(id), "processed");

  // Processed (its deliveries exist: requeue those), unknown: refused, nothing changes.
  auto r = run(ferryCommand("reprocess " + config() + " 1 42"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out,
            "message 1: not reprocessed (it is processed; only errored or filtered messages are)\n"
            "message 42: not found\n");
  auto store = ferry::store::openSqliteStore(storePath());
  EXPECT_EQ(store->deliveriesFor(id).size(), 1u);

  r = run(ferryCommand("reprocess " + config() + " --errored"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "no errored messages\n");
}

TEST_F(Reprocess, UsageErrorsExitTwo) {
  EXPECT_EQ(run(ferryCommand("reprocess " + config())).status, 2);
  EXPECT_EQ(run(ferryCommand("reprocess " + config() + " 1 --errored")).status, 2);
  EXPECT_EQ(run(ferryCommand("reprocess " + config() + " 1 --channel lab")).status, 2);
  EXPECT_EQ(run(ferryCommand("reprocess " + config() + " abc")).status, 2);
  EXPECT_EQ(run(ferryCommand("reprocess " + config() + " --errored --limit 0")).status, 2);
  const auto r = run(ferryCommand("reprocess " + config() + " --errored --channel nope"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("has no channel \"nope\""), std::string::npos) << r.err;
}

}  // namespace
