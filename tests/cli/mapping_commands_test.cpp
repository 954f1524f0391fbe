// `ferry map`, `ferry test` and `ferry validate` on mappings, on the real binary: what an analyst
// sees when a rule, a fixture or an expected output is wrong.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run.h"

using ferry::test::ferryCommand;
using ferry::test::run;
using ferry::test::kSamplesDir;

namespace {

namespace fs = std::filesystem;

// A small configuration: one lab channel with the sample lab mapping and its table, and room
// for fixtures.
class MappingCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ferry_mapping_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "channels");
    fs::create_directories(dir_ / "mappings");
    fs::create_directories(dir_ / "tables");
    write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
    write("channels/lab.json", R"({"name": "lab-results", "source": {"type": "mllp", "port": 2575},
      "mapping": "lab-results@1",
      "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": 2576, "format": "hl7v2"},
                       {"name": "public-health", "type": "mllp", "host": "127.0.0.1", "port": 2579, "format": "hl7v2"}]})");
    fs::copy_file(kSamplesDir + "mappings/lab-results.json", dir_ / "mappings/lab-results.json");
    fs::copy_file(kSamplesDir + "tables/lab-loinc.csv", dir_ / "tables/lab-loinc.csv");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& relative, const std::string& text) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::binary) << text;
  }
  std::string path(const std::string& relative) const { return (dir_ / relative).string(); }

  fs::path dir_;
};

TEST_F(MappingCommands, MapPrintsTheOutcomeRoutesAndTransformedCanonical) {
  auto r = run(ferryCommand("map --mapping " + path("mappings/lab-results.json") + " --in " + kSamplesDir +
                            "hl7v2/oru_r01_local_codes.hl7 --now 2026-11-25T12:00:00Z"));
  ASSERT_EQ(r.status, 0) << r.err;
  rapidjson::Document out;
  out.Parse(r.out.c_str());
  ASSERT_FALSE(out.HasParseError()) << r.out;
  EXPECT_STREQ(out["mapping"].GetString(), "lab-results@1");
  EXPECT_STREQ(out["outcome"].GetString(), "routed");
  ASSERT_EQ(out["destinations"].Size(), 1u);
  EXPECT_STREQ(out["destinations"][0].GetString(), "hospital");
  const auto& codings = out["message"]["observations"][0]["code"]["codings"];
  EXPECT_STREQ(codings[0]["system"].GetString(), "http://loinc.org");
  EXPECT_STREQ(codings[0]["code"].GetString(), "2345-7");
  EXPECT_STREQ(codings[1]["code"].GetString(), "GLU");
}

TEST_F(MappingCommands, MapReportsTheDroppingFilter) {
  auto r = run(ferryCommand("map --mapping " + path("mappings/lab-results.json") + " --in " + kSamplesDir +
                            "hl7v2/adt_a01_admit.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"outcome\": \"dropped\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"rule\": \"results only\""), std::string::npos) << r.out;
}

TEST_F(MappingCommands, AMistakeInARuleIsReportedWithFileLineAndColumn) {
  write("mappings/bad.json", "{\"name\": \"bad\", \"version\": \"1\",\n"
                             " \"transforms\": [{\"name\": \"t\", \"set\": \"patient.birth_date\",\n"
                             "   \"value\": \"lokup('lab-loinc', 'GLU')\"}]}");
  auto map = run(ferryCommand("map --mapping " + path("mappings/bad.json") + " --in " + kSamplesDir +
                              "hl7v2/oru_r01_local_codes.hl7"));
  EXPECT_EQ(map.status, 1);
  EXPECT_NE(map.err.find("bad.json:3:"), std::string::npos) << map.err;
  EXPECT_NE(map.err.find("unknown function 'lokup'"), std::string::npos) << map.err;
  auto validate = run(ferryCommand("validate " + dir_.string()));
  EXPECT_EQ(validate.status, 1);
  EXPECT_NE(validate.err.find("mappings/bad.json:3:"), std::string::npos) << validate.err;
}

TEST_F(MappingCommands, ValidateRefusesAChannelRoutingToADestinationItDoesNotHave) {
  write("channels/lab.json", R"({"name": "lab-results", "source": {"type": "mllp", "port": 2575},
      "mapping": "lab-results@1",
      "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": 2576}]})");
  auto r = run(ferryCommand("validate " + dir_.string()));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("channels/lab.json: mapping: mapping lab-results@1 routes to \"public-health\", which is not a "
                       "destination of this channel"),
            std::string::npos)
      << r.err;
}

TEST_F(MappingCommands, TestPrintsADiffForEachDifferenceAndTheCounts) {
  write("tests/good/fixture.json", R"({"channel": "lab-results", "input": ")" + kSamplesDir +
                                        R"(hl7v2/oru_r01_local_codes.hl7",
      "expect": {"outcome": "routed", "destinations": ["hospital"]}})");
  write("tests/wrong/fixture.json", R"({"channel": "lab-results", "input": ")" + kSamplesDir +
                                         R"(hl7v2/oru_r01_local_codes.hl7",
      "expect": {"routes": ["hospital", "public-health"],
                 "canonical": {"observations": [{"code": {"codings": [{"code": "9999-9"}]}}]}}})");
  auto r = run(ferryCommand("test " + dir_.string()));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS good"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL wrong"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("routes: expected [hospital, public-health], got [hospital]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("canonical.observations[0].code.codings[0].code: expected \"9999-9\", got \"2345-7\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos) << r.out;
}

TEST_F(MappingCommands, TestComparesOutputsSegmentBySegmentAndCanWriteMissingOnes) {
  write("tests/out/fixture.json", R"({"channel": "lab-results", "input": ")" + kSamplesDir +
                                       R"(hl7v2/oru_r01_local_codes.hl7",
      "expect": {"outputs": {"hospital": "expected.hl7"}}})");
  auto missing = run(ferryCommand("test " + dir_.string()));
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.out.find("expected.hl7 does not exist (--write-missing"), std::string::npos) << missing.out;

  auto written = run(ferryCommand("test " + dir_.string() + " --write-missing"));
  EXPECT_EQ(written.status, 0) << written.out;
  EXPECT_NE(written.out.find("WROTE"), std::string::npos) << written.out;
  EXPECT_EQ(run(ferryCommand("test " + dir_.string())).status, 0);

  // Someone changes the expected glucose code by hand: the diff names the line and both values.
  std::string expected = ferry::test::readFile(path("tests/out/expected.hl7"));
  expected.replace(expected.find("2345-7^"), 7, "2345-8^");
  write("tests/out/expected.hl7", expected);
  auto changed = run(ferryCommand("test " + dir_.string()));
  EXPECT_EQ(changed.status, 1);
  EXPECT_NE(changed.out.find("outputs.hospital line 6:"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("expected: OBX|1|NM|2345-8^"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("got:      OBX|1|NM|2345-7^"), std::string::npos) << changed.out;
}

}  // namespace
