// Ferry's HL7 v2 reader against python3-hl7 on the same files.
//
// Why it exists: unit tests check the tokenizer against what its authors believe; this checks it
// against an independent, widely used parser. For every sample in samples/hl7v2/ (each message
// of the batch file too) and for the edge cases in tests/interop/fixtures/, it asks
// tests/interop/read_fields.py -- python3-hl7 only, run with /usr/bin/python3 -- for the decoded
// value of a broad list of paths and requires Message::at(path).text() to give the same text, and
// both to agree on which elements are absent. The list holds the fields a mapping typically reads
// plus every field, repetition, component and subcomponent Ferry's index finds, each with a probe
// one past the end, so a boundary that either side puts elsewhere shows up as a difference.
//
// Known differences of python3-hl7 kept out of the fixtures: it decodes \.br\ to CR (Ferry: LF),
// turns \H\ and \N\ into "_" (Ferry keeps them), drops an unterminated escape (Ferry keeps it),
// and strips whitespace at the ends of every segment line.

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/path.h"
#include "parsers/hl7v2/splitter.h"

namespace {

namespace fs = std::filesystem;
namespace hl7v2 = ferry::hl7v2;

const std::string kSourceDir = FERRY_SOURCE_DIR;
const std::string kPython = "/usr/bin/python3";  // Debian's python3-hl7 is installed for it

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every file the interop test reads: the samples first, then the interop fixtures.
std::vector<std::string> interopFiles() {
  std::vector<std::string> files;
  for (const char* dir : {"/samples/hl7v2", "/tests/interop/fixtures"}) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(kSourceDir + dir)) {
      if (entry.path().extension() == ".hl7") found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// Ferry's view of a file: the messages its Splitter finds (envelopes skipped), each parsed.
std::vector<hl7v2::Message> ferryMessages(const std::string& file) {
  const std::string bytes = readFile(file);
  std::vector<hl7v2::Message> messages;
  hl7v2::Splitter splitter{std::string_view(bytes)};
  hl7v2::SplitItem item;
  while (splitter.next(item)) {
    if (item.kind == hl7v2::SplitItem::Kind::Error) {
      ADD_FAILURE() << file << ": " << item.error->describe();
    } else if (item.kind == hl7v2::SplitItem::Kind::Message) {
      auto message = hl7v2::Message::parse(item.bytes);
      if (!message) {
        ADD_FAILURE() << file << " message " << item.number << ": " << message.error().describe();
        continue;
      }
      messages.push_back(std::move(*message));
    }
  }
  return messages;
}

struct Probe {
  std::size_t message;  // 1-based, in file order
  hl7v2::Path path;
};

struct PythonReading {
  std::vector<std::vector<std::string>> segment_ids;  // per message
  std::vector<std::optional<std::string>> values;     // per probe; nullopt = absent
};

// Runs read_fields.py on file for the probes; a failure to run or to parse its output fails the
// calling test and returns nothing.
std::optional<PythonReading> readWithPython(const std::string& file,
                                            const std::vector<Probe>& probes) {
  static int counter = 0;
  const fs::path list = fs::temp_directory_path() /
                        ("ferry_interop_" + std::to_string(::getpid()) + "_" +
                         std::to_string(counter++) + ".txt");
  {
    std::ofstream out(list);
    for (const Probe& p : probes) out << p.message << '\t' << p.path.toString() << '\n';
  }
  const std::string command = kPython + " '" + kSourceDir + "/tests/interop/read_fields.py' '" +
                              file + "' '" + list.string() + "'";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return std::nullopt;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = ::pclose(pipe);
  fs::remove(list);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << command << " failed (status " << status
                  << "); is python3-hl7 installed for /usr/bin/python3?";
    return std::nullopt;
  }

  rapidjson::Document doc;
  doc.Parse(output.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc["values"].IsArray() ||
      !doc["messages"].IsArray()) {
    ADD_FAILURE() << "read_fields.py printed no valid JSON: " << output.substr(0, 200);
    return std::nullopt;
  }
  PythonReading reading;
  for (const auto& m : doc["messages"].GetArray()) {
    std::vector<std::string> ids;
    for (const auto& id : m["segments"].GetArray()) ids.emplace_back(id.GetString());
    reading.segment_ids.push_back(std::move(ids));
  }
  for (const auto& v : doc["values"].GetArray()) {
    if (v.IsNull()) {
      reading.values.emplace_back(std::nullopt);
    } else {
      reading.values.emplace_back(std::string(v.GetString(), v.GetStringLength()));
    }
  }
  if (reading.values.size() != probes.size()) {
    ADD_FAILURE() << "read_fields.py returned " << reading.values.size() << " values for "
                  << probes.size() << " paths";
    return std::nullopt;
  }
  return reading;
}

hl7v2::Path path(const std::string& text) {
  auto parsed = hl7v2::Path::parse(text);
  if (!parsed) {
    ADD_FAILURE() << "bad path in the test: " << text;
    return {};
  }
  return *parsed;
}

// The fields a mapping typically reads, named explicitly so they are compared even where Ferry's
// own counts (used by the walk below) were wrong.
void addTypicalPaths(const hl7v2::Message& message, std::size_t number, std::vector<Probe>& out) {
  static const char* const kPaths[] = {
      "MSH-3", "MSH-3.1", "MSH-3.2", "MSH-4", "MSH-4.1", "MSH-5", "MSH-6", "MSH-7", "MSH-8",
      "MSH-9", "MSH-9.1", "MSH-9.2", "MSH-9.3", "MSH-10", "MSH-11", "MSH-12",
      "PID-3", "PID-3[1].1", "PID-3[1].4", "PID-3[1].4.1", "PID-3[1].4.2", "PID-3[1].5",
      "PID-3[2].1", "PID-3[2].4", "PID-3[2].5", "PID-3[3].1", "PID-3[3].5",
      "PID-5", "PID-5.1", "PID-5.2", "PID-5.3", "PID-5.4", "PID-5.5", "PID-5.6", "PID-5.7",
      "PID-5[2].1", "PID-7", "PID-8", "PID-10.2", "PID-11.1", "PID-11.3", "PID-11.5",
      "PID-13.2", "PID-13[2].4", "PV1-2", "PV1-3.1", "PV1-7.2", "ORC-1", "ORC-2.1",
      "OBR-2.1", "OBR-3.1", "OBR-4", "OBR-4.1", "OBR-4.2", "OBR-4.3", "OBR-7",
      "NTE-3", "NTE[2]-3", "SPM-2.1", "SPM-4.2", "ZZZ-1"};
  for (const char* text : kPaths) out.push_back({number, path(text)});
  const int observations = message.countSegments("OBX");
  for (int k = 1; k <= observations + 1; ++k) {
    for (const char* field : {"-2", "-3.1", "-3.2", "-3.3", "-3.4", "-5", "-5.1", "-5.2",
                              "-6.1", "-7", "-8", "-11", "-14"}) {
      out.push_back({number, path("OBX[" + std::to_string(k) + "]" + field)});
    }
  }
}

// Every element Ferry's index finds, from segment down to subcomponent, plus one probe past the
// last one at each level (absent on both sides when the boundaries agree).
void addWalk(const hl7v2::Message& message, std::size_t number, std::vector<Probe>& out) {
  std::vector<std::pair<std::string, int>> seen;  // segment id -> occurrences so far
  for (std::size_t i = 0; i < message.segmentCount(); ++i) {
    const hl7v2::Segment segment = message.segment(i);
    hl7v2::Path base;
    base.segment = std::string(segment.id());
    auto it = std::find_if(seen.begin(), seen.end(),
                           [&](const auto& s) { return s.first == base.segment; });
    if (it == seen.end()) it = seen.insert(seen.end(), {base.segment, 0});
    base.occurrence = ++it->second;
    for (int f = 1; f <= segment.fieldCount() + 1; ++f) {
      const hl7v2::Element field = segment.field(f);
      base.field = f;
      const int repetitions = std::max(field.present() ? field.repetitionCount() : 0, 1);
      for (int r = 1; r <= repetitions + 1; ++r) {
        hl7v2::Path p = base;
        p.repetition = r;
        out.push_back({number, p});
        const hl7v2::Element repetition = field.repetition(r);
        const int components = repetition.present() ? repetition.componentCount() : 0;
        for (int c = 1; c <= components + 1; ++c) {
          p.component = c;
          p.subcomponent = 0;
          out.push_back({number, p});
          const hl7v2::Element component = repetition.component(c);
          const int subcomponents = component.present() ? component.subcomponentCount() : 0;
          for (int s = 1; s <= subcomponents + 1; ++s) {
            p.subcomponent = s;
            out.push_back({number, p});
          }
        }
      }
    }
  }
  for (const auto& [id, count] : seen) {
    out.push_back({number, path(id + "[" + std::to_string(count + 1) + "]-1")});
  }
}

std::string describe(const std::optional<std::string>& value) {
  return value ? "'" + *value + "'" : std::string("absent");
}

// Compares every probe; returns one line per difference.
std::vector<std::string> differences(const std::vector<hl7v2::Message>& messages,
                                     const std::vector<Probe>& probes,
                                     const PythonReading& python) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const Probe& probe = probes[i];
    const hl7v2::Element element = messages[probe.message - 1].at(probe.path);
    const std::optional<std::string> ferry =
        element.present() ? std::optional<std::string>(element.text()) : std::nullopt;
    if (ferry != python.values[i]) {
      out.push_back("message " + std::to_string(probe.message) + " " + probe.path.toString() +
                    ": Ferry " + describe(ferry) + ", python3-hl7 " + describe(python.values[i]));
    }
  }
  return out;
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// The whole comparison for one file: same messages, same segments, same value at every probe.
void expectSameReadingAsPython(const std::string& file) {
  const std::vector<hl7v2::Message> messages = ferryMessages(file);
  ASSERT_FALSE(messages.empty()) << file;

  std::vector<Probe> probes;
  for (std::size_t m = 0; m < messages.size(); ++m) {
    addTypicalPaths(messages[m], m + 1, probes);
    addWalk(messages[m], m + 1, probes);
  }
  const auto python = readWithPython(file, probes);
  ASSERT_TRUE(python);

  ASSERT_EQ(python->segment_ids.size(), messages.size()) << "message count differs in " << file;
  for (std::size_t m = 0; m < messages.size(); ++m) {
    std::vector<std::string> ids;
    for (std::size_t s = 0; s < messages[m].segmentCount(); ++s) {
      ids.emplace_back(messages[m].segment(s).id());
    }
    EXPECT_EQ(ids, python->segment_ids[m]) << "segments of message " << m + 1 << " in " << file;
  }

  const std::vector<std::string> diff = differences(messages, probes, *python);
  std::string listing;
  for (std::size_t i = 0; i < diff.size() && i < 30; ++i) listing += "\n  " + diff[i];
  EXPECT_TRUE(diff.empty()) << diff.size() << " of " << probes.size() << " paths differ in "
                            << file << ":" << listing;
  // A walk that compares almost nothing would pass without proving anything.
  EXPECT_GE(probes.size(), 100u * messages.size()) << file;
}

class SampleInterop : public ::testing::TestWithParam<std::string> {};

TEST_P(SampleInterop, EveryPathReadsAsPythonHl7ReadsIt) { expectSameReadingAsPython(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Files, SampleInterop, ::testing::ValuesIn(interopFiles()), testName);

// The benchmark corpus (scripts/gen_corpus.py): NM, ST, CWE and SN results, repeating
// identifiers and escaped notes, as bench/ measures them on both sides.
TEST(PythonHl7Interop, GeneratedBenchmarkMessagesReadTheSame) {
  const fs::path file = fs::temp_directory_path() /
                        ("ferry_interop_corpus_" + std::to_string(::getpid()) + ".hl7");
  const std::string command = kPython + " '" + kSourceDir +
                              "/scripts/gen_corpus.py' --count 25 --out '" + file.string() +
                              "' 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  expectSameReadingAsPython(file.string());
  fs::remove(file);
}

TEST(PythonHl7Interop, ReadsEverySampleAndFixture) {
  const auto files = interopFiles();
  EXPECT_GE(files.size(), 6u);  // five samples and the edge-case fixture at least
}

// Reads the same paths from both sides and checks them against values known from the file.
void expectKnownValues(const std::string& file,
                       const std::vector<std::pair<std::string, std::string>>& expected,
                       std::size_t message_number = 1) {
  const std::vector<hl7v2::Message> messages = ferryMessages(file);
  ASSERT_GE(messages.size(), message_number) << file;
  std::vector<Probe> probes;
  for (const auto& [text, value] : expected) probes.push_back({message_number, path(text)});
  const auto python = readWithPython(file, probes);
  ASSERT_TRUE(python);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [text, value] = expected[i];
    EXPECT_EQ(messages[message_number - 1].at(probes[i].path).text(), value) << "Ferry " << text;
    EXPECT_EQ(python->values[i], std::optional<std::string>(value)) << "python3-hl7 " << text;
  }
}

TEST(PythonHl7Interop, LabResultSampleHasTheKnownValues) {
  expectKnownValues(kSourceDir + "/samples/hl7v2/oru_r01_lab_result.hl7",
                    {{"OBX[1]-5", "182"},
                     {"OBX[2]-5", "8.1"},
                     {"OBX[1]-3.1", "GLU"},
                     {"OBX[1]-3.4", "2345-7"},
                     {"OBX[1]-6.1", "mg/dL"},
                     {"OBX[1]-7", "70-99"},
                     {"OBX[1]-8", "H"},
                     {"OBX[3]-5", "Fasting specimen & verified by tech | 2nd draw"},
                     {"NTE-3", "Patient reports fasting since 22:00 ^ no medications."},
                     {"PID-3[2].1", "990-22-1234"},
                     {"PID-3[1].5", "MR"},
                     {"PID-5.2", "Adaline"},
                     {"MSH-9", "ORU^R01^ORU_R01"},
                     {"MSH-10", "NL-000184211"},
                     {"MSH-12", "2.5.1"}});
}

TEST(PythonHl7Interop, BatchFileSplitsIntoTheSameMessages) {
  const std::string file = kSourceDir + "/samples/hl7v2/batch_elr.hl7";
  EXPECT_EQ(ferryMessages(file).size(), 2u);
  expectKnownValues(file, {{"MSH-10", "B1-0001"}, {"OBX-5.2", "Detected"}}, 1);
  expectKnownValues(file, {{"MSH-10", "B1-0002"}, {"OBX-5.2", "Salmonella"}}, 2);
}

TEST(PythonHl7Interop, EscapesAndCustomDelimitersDecodeTheSame) {
  const std::string file = kSourceDir + "/tests/interop/fixtures/edge_cases.hl7";
  expectKnownValues(file, {{"OBX[1]-5", "A|B^C&D~E\\end"},
                           {"OBX[2]-5", "cafA ok"},
                           {"OBX[3]-5.2", "text & more"},
                           {"OBX[3]-5.3.2", "sub&x"},
                           {"PID-3[2]", ""},
                           {"PID-5[2]", "\"\""}},
                    1);
  // Message 2 declares MSH-1 '$' and MSH-2 "%*!@": nothing may assume '|' or '\'.
  expectKnownValues(file, {{"MSH-9.2", "A01"},
                           {"PID-3[1].4.2", "1.2"},
                           {"PID-3[2]", "ID2"},
                           {"PID-15", "Text $ % @ * ! end"}},
                    2);
}

}  // namespace
