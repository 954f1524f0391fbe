// ferry test CONFIG [--write-missing] [NAME-FILTER]
//
// Runs every fixture under CONFIG/tests (a folder with fixture.json, see fixture.h) offline and
// prints one line per fixture, a readable diff for each failure, and "N passed, N failed".
// Exit 0 when all pass, 1 when any fails, 2 when the configuration does not load.
// --write-missing writes expected output files that do not exist yet from this run, so that a
// new fixture starts from what Ferry does today; the analyst reviews them before committing.

#include <algorithm>
#include <iostream>

#include "engine/cli/command.h"
#include "engine/cli/fixture.h"
#include "parsers/xml/profile_set.h"

namespace ferry::cli {

int testCommand(const Args& input_args) {
  Args args = input_args;
  const auto flag = std::find(args.begin(), args.end(), "--write-missing");
  const bool write_missing = flag != args.end();
  if (write_missing) args.erase(flag);
  if (args.empty() || args.size() > 2) {
    std::cerr << "usage: ferry test CONFIG [--write-missing] [NAME-FILTER]\n";
    return 2;
  }
  const std::string folder = args[0];
  const runtime::ConfigLoad load = runtime::loadConfig(folder);
  for (const auto& e : load.errors) std::cerr << folder << "/" << e.describe() << '\n';
  if (!load.ok()) return 2;
  xml::ProfileSet profiles;
  if (!load.config.profiles_folder.empty()) profiles = xml::ProfileSet::load(load.config.profiles_folder);

  const std::filesystem::path root = std::filesystem::path(folder) / "tests";
  std::size_t passed = 0;
  std::size_t failed = 0;
  for (const auto& fixture : findFixtures(root)) {
    const std::string name = std::filesystem::relative(fixture, root).string();
    if (args.size() == 2 && name.find(args[1]) == std::string::npos) continue;
    const FixtureResult result = runFixture(fixture, name, load.config, profiles, write_missing);
    for (const auto& file : result.written) std::cout << "WROTE " << file << " (review it)\n";
    if (result.passed()) {
      ++passed;
      std::cout << "PASS " << name << '\n';
      continue;
    }
    ++failed;
    std::cout << "FAIL " << name << '\n';
    if (!result.problem.empty()) std::cout << "    " << result.problem << '\n';
    for (const auto& d : result.differences) std::cout << "    " << d << '\n';
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  if (passed + failed == 0) {
    std::cerr << "ferry test: no fixtures under " << root.string() << '\n';
    return 1;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace ferry::cli
