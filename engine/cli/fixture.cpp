#include "engine/cli/fixture.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "engine/canonical/json_writer.h"
#include "engine/cli/json_subset.h"
#include "engine/runtime/inbound_decoder.h"
#include "engine/runtime/message_router.h"
#include "mappings/mapping.h"
#include "mappings/mapping_set.h"

namespace ferry::cli {

namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::vector<std::string> texts(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.push_back(v.IsString() ? text(v) : shortJson(v));
  return out;
}

std::string list(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) out += (out.size() > 1 ? ", " : "") + v;
  return out + "]";
}

// v2 files are edited with \n or \r\n line ends; Ferry writes \r. Compare segments, not bytes
// of line ends.
std::string normalizedLines(std::string s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i] == '\n' ? '\r' : s[i];
  }
  while (!out.empty() && (out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

// The channel the fixture runs through: a configured one, or one made for a mapping alone
// (each destination the mapping names, sent canonical JSON).
std::optional<runtime::ChannelConfig> channelFor(const rapidjson::Document& fixture,
                                                 const runtime::EngineConfig& config,
                                                 std::string& problem) {
  if (fixture.HasMember("channel") && fixture["channel"].IsString()) {
    const std::string name = text(fixture["channel"]);
    for (const auto& c : config.channels) {
      if (c.name == name) return c;
    }
    problem = "no channel \"" + name + "\" in the configuration";
    return std::nullopt;
  }
  if (fixture.HasMember("mapping") && fixture["mapping"].IsString()) {
    const std::string id = text(fixture["mapping"]);
    const auto mapping = config.mappings ? config.mappings->find(id) : nullptr;
    if (!mapping) {
      problem = "no mapping \"" + id + "\" in mappings/";
      return std::nullopt;
    }
    runtime::ChannelConfig c;
    c.name = "fixture";
    c.mapping = id;
    for (const std::string& d : mapping->destinations()) {
      runtime::DestinationConfig destination;
      destination.name = d;
      destination.type = "file";
      destination.format = "canonical";
      c.destinations.push_back(destination);
    }
    return c;
  }
  problem = "fixture.json needs \"channel\" or \"mapping\"";
  return std::nullopt;
}

struct Actual {
  std::string outcome;  // routed, filtered, errored
  std::string reason;
  std::vector<std::string> routes;
  std::vector<std::string> destinations;
  std::map<std::string, std::string> outputs;  // destination -> payload
  std::string canonical;
};

Actual run(const runtime::ChannelConfig& channel, const std::string& raw, const std::string& now,
           const runtime::EngineConfig& config, const xml::ProfileSet& profiles) {
  Actual actual;
  const runtime::InboundDecoder decoder(&profiles);
  runtime::Decoded decoded = decoder.decode(raw);
  if (!decoded.ok()) {
    actual.outcome = "errored";
    actual.reason = decoded.error;
    return actual;
  }
  const runtime::MessageRouter router({channel}, &profiles, config.mappings.get(),
                                      mappings::Environment::fixed(now, 1));
  const runtime::RouteDecision decision = router.route(channel.name, decoded.message, raw, nullptr);
  actual.canonical = canonical::toJson(decoded.message);
  actual.routes = decision.routes;
  actual.reason = decision.reason;
  switch (decision.kind) {
    case runtime::RouteDecision::Kind::Routed: actual.outcome = "routed"; break;
    case runtime::RouteDecision::Kind::Filtered: actual.outcome = "filtered"; break;
    case runtime::RouteDecision::Kind::Errored: actual.outcome = "errored"; break;
  }
  const std::string prefix = channel.name + "/";
  for (const auto& d : decision.deliveries) {
    const std::string name = d.destination.substr(prefix.size());
    actual.destinations.push_back(name);
    actual.outputs[name] = d.payload.value_or(raw);
  }
  return actual;
}

void compareOutputs(const rapidjson::Value& outputs, const fs::path& folder, const Actual& actual,
                    bool write_missing, std::vector<std::string>& written,
                    std::vector<std::string>& differences) {
  for (const auto& member : outputs.GetObject()) {
    const std::string destination = text(member.name);
    const fs::path expected_file = folder / text(member.value);
    const std::string where = "outputs." + destination;
    const auto found = actual.outputs.find(destination);
    if (found == actual.outputs.end()) {
      differences.push_back(where + ": expected output, but nothing was routed there");
      continue;
    }
    if (!fs::is_regular_file(expected_file)) {
      if (write_missing) {
        std::ofstream(expected_file, std::ios::binary) << found->second;
        written.push_back(expected_file.string());
      } else {
        differences.push_back(where + ": expected file " + expected_file.string() +
                              " does not exist (--write-missing creates it from this run; review it)");
      }
      continue;
    }
    const std::string expected = readFile(expected_file);
    if (expected_file.extension() == ".json") {
      rapidjson::Document e;
      rapidjson::Document a;
      e.Parse(expected.c_str());
      a.Parse(found->second.c_str());
      if (e.HasParseError() || a.HasParseError()) {
        differences.push_back(where + ": expected and actual must both be JSON");
        continue;
      }
      compareSubset(e, a, where, differences);
      continue;
    }
    const std::string want = normalizedLines(expected);
    const std::string got = normalizedLines(found->second);
    if (want == got) continue;
    // The first differing line, so the diff points at the segment that changed.
    std::istringstream ws(want), gs(got);
    std::string wl, gl;
    for (int line = 1; line < 100000; ++line) {
      const bool w_more = static_cast<bool>(std::getline(ws, wl, '\r'));
      const bool g_more = static_cast<bool>(std::getline(gs, gl, '\r'));
      if (!w_more && !g_more) break;
      if (!w_more) wl = "(nothing)";
      if (!g_more) gl = "(nothing)";
      if (wl != gl) {
        differences.push_back(where + " line " + std::to_string(line) + ":\n      expected: " + wl +
                              "\n      got:      " + gl);
        break;
      }
    }
  }
}

void compareExpectations(const rapidjson::Value& expect, const fs::path& folder,
                         const Actual& actual, bool write_missing, FixtureResult& result) {
  std::vector<std::string>& differences = result.differences;
  std::string& problem = result.problem;
  static const std::set<std::string> known = {"outcome", "reason", "routes", "destinations",
                                              "canonical", "outputs"};
  for (const auto& member : expect.GetObject()) {
    const std::string key = text(member.name);
    if (!known.contains(key)) {
      problem = "expect." + key + " is not a known expectation (outcome, reason, routes, destinations, canonical, outputs)";
      return;
    }
  }
  if (expect.HasMember("outcome") && text(expect["outcome"]) != actual.outcome) {
    differences.push_back("outcome: expected " + text(expect["outcome"]) + ", got " + actual.outcome +
                          (actual.reason.empty() ? "" : " (" + actual.reason + ")"));
  }
  if (expect.HasMember("reason") && actual.reason.find(text(expect["reason"])) == std::string::npos) {
    differences.push_back("reason: expected it to contain \"" + text(expect["reason"]) + "\", got \"" +
                          actual.reason + "\"");
  }
  if (expect.HasMember("routes") && texts(expect["routes"]) != actual.routes) {
    differences.push_back("routes: expected " + list(texts(expect["routes"])) + ", got " + list(actual.routes));
  }
  if (expect.HasMember("destinations") && texts(expect["destinations"]) != actual.destinations) {
    differences.push_back("destinations: expected " + list(texts(expect["destinations"])) + ", got " +
                          list(actual.destinations));
  }
  if (expect.HasMember("canonical")) {
    rapidjson::Document canonical;
    canonical.Parse(actual.canonical.c_str());
    if (actual.canonical.empty()) {
      differences.push_back("canonical: no canonical message (the input was not decoded)");
    } else {
      compareSubset(expect["canonical"], canonical, "canonical", differences);
    }
  }
  if (expect.HasMember("outputs") && expect["outputs"].IsObject()) {
    compareOutputs(expect["outputs"], folder, actual, write_missing, result.written, differences);
  }
}

}  // namespace

std::vector<fs::path> findFixtures(const fs::path& root) {
  std::vector<fs::path> found;
  if (!fs::is_directory(root)) return found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() == "fixture.json") {
      found.push_back(entry.path().parent_path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

FixtureResult runFixture(const fs::path& folder, const std::string& name,
                         const runtime::EngineConfig& config, const xml::ProfileSet& profiles,
                         bool write_missing) {
  FixtureResult result;
  result.name = name;
  rapidjson::Document fixture;
  const std::string json = readFile(folder / "fixture.json");
  fixture.Parse(json.c_str());
  if (fixture.HasParseError() || !fixture.IsObject()) {
    result.problem = "fixture.json is not a JSON object (byte " + std::to_string(fixture.GetErrorOffset()) +
                     ": " + rapidjson::GetParseError_En(fixture.GetParseError()) + ")";
    return result;
  }
  static const std::set<std::string> known = {"description", "channel", "mapping", "input", "now", "expect"};
  for (const auto& member : fixture.GetObject()) {
    if (!known.contains(text(member.name))) {
      result.problem = "fixture.json: unknown key \"" + text(member.name) + "\"";
      return result;
    }
  }
  const auto channel = channelFor(fixture, config, result.problem);
  if (!channel) return result;
  if (!fixture.HasMember("input") || !fixture["input"].IsString() ||
      !fs::is_regular_file(folder / text(fixture["input"]))) {
    result.problem = "fixture.json: \"input\" must name a file in the fixture folder";
    return result;
  }
  if (!fixture.HasMember("expect") || !fixture["expect"].IsObject()) {
    result.problem = "fixture.json: \"expect\" is required";
    return result;
  }
  const std::string now = fixture.HasMember("now") && fixture["now"].IsString() ? text(fixture["now"])
                                                                              : "2026-01-01T00:00:00Z";
  Actual actual;
  try {
    actual = run(*channel, readFile(folder / text(fixture["input"])), now, config, profiles);
  } catch (const std::exception& e) {  // a bad "now" in the fixture
    result.problem = std::string("fixture.json: ") + e.what();
    return result;
  }
  compareExpectations(fixture["expect"], folder, actual, write_missing, result);
  return result;
}

}  // namespace ferry::cli
