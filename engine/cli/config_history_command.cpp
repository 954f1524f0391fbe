// ferry config-history CONFIG [--limit N] | --show ID [--file PATH] | --diff ID: the trail of
// configuration changes that `ferry run` records (config_revision.h), for auditors. The list
// gives one line per revision, newest first; --show the files of one revision (or one file's
// content exactly as stored); --diff what changed against the revision before it, with the
// differing lines of text files. Stored contents hold no secrets, so none are printed.

#include <iostream>
#include <optional>
#include <string>

#include "engine/cli/command.h"
#include "engine/cli/line_diff.h"
#include "engine/cli/operator_support.h"
#include "engine/runtime/config_revision.h"

namespace ferry::cli {

namespace {

constexpr std::size_t kDefaultLimit = 20;
constexpr std::size_t kMaxLimit = 10000;
constexpr std::size_t kShortDigest = 12;

struct HistoryArgs {
  enum class Mode { List, Show, Diff };
  std::string config;
  Mode mode = Mode::List;
  std::size_t limit = kDefaultLimit;
  std::int64_t id = 0;
  std::optional<std::string> file;
};

std::optional<HistoryArgs> parseArgs(const Args& args) {
  if (args.empty() || args[0].rfind("--", 0) == 0) return std::nullopt;
  HistoryArgs parsed;
  parsed.config = args[0];
  bool limit_given = false;
  for (std::size_t i = 1; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return std::nullopt;
    const std::string& flag = args[i];
    const std::string& value = args[i + 1];
    const std::int64_t number = parseId(value).value_or(0);  // 0: not a positive number
    if (flag == "--file") {
      parsed.file = value;
    } else if (number < 1) {
      return std::nullopt;
    } else if (flag == "--limit" && number <= static_cast<std::int64_t>(kMaxLimit)) {
      parsed.limit = static_cast<std::size_t>(number);
      limit_given = true;
    } else if ((flag == "--show" || flag == "--diff") && parsed.mode == HistoryArgs::Mode::List) {
      parsed.mode = flag == "--show" ? HistoryArgs::Mode::Show : HistoryArgs::Mode::Diff;
      parsed.id = number;
    } else {
      return std::nullopt;
    }
  }
  // --limit belongs to the list, --file to --show.
  if (limit_given && parsed.mode != HistoryArgs::Mode::List) return std::nullopt;
  if (parsed.file && parsed.mode != HistoryArgs::Mode::Show) return std::nullopt;
  return parsed;
}

std::string heading(const store::ConfigRevision& r) {
  return std::to_string(r.id) + "  " + isoTime(r.recorded_at_ms) + "  " + r.actor + "  " +
         (r.reason.empty() ? "-" : r.reason);
}

int list(store::Store& store, std::size_t limit) {
  const auto revisions = store.configRevisions(limit);
  if (revisions.empty()) {
    std::cout << "no configuration revision recorded yet (ferry run records one when the"
                 " configuration changed)\n";
  }
  for (const auto& r : revisions) {
    std::cout << heading(r) << "  " << r.digest.substr(0, kShortDigest) << "  " << r.summary << '\n';
  }
  return 0;
}

std::optional<store::ConfigRevision> revisionOrReport(store::Store& store, std::int64_t id) {
  auto revision = store.configRevision(id);
  if (!revision) std::cerr << "ferry: no configuration revision " << id << " (ferry config-history lists them)\n";
  return revision;
}

int showFile(const store::ConfigRevision& r, const std::string& path) {
  for (const auto& file : r.files) {
    if (file.path != path) continue;
    if (file.secret || !file.content) {
      std::cerr << "ferry: " << path << " is a secret: revision " << r.id
                << " keeps only its fingerprint, never its content\n";
      return 1;
    }
    std::cout << *file.content;
    return 0;
  }
  std::cerr << "ferry: revision " << r.id << " has no file " << path << '\n';
  return 1;
}

int show(store::Store& store, std::int64_t id, const std::optional<std::string>& path) {
  const auto r = revisionOrReport(store, id);
  if (!r) return 1;
  if (path) return showFile(*r, *path);
  std::cout << "revision " << heading(*r) << "\ndigest " << r->digest << "\nsummary: " << r->summary
            << "\nfiles:\n";
  for (const auto& file : r->files) {
    std::cout << "  " << file.path << "  ";
    if (file.secret) {
      std::cout << "secret, content not stored, fingerprint " << file.sha256.substr(0, kShortDigest) << '\n';
    } else {
      std::cout << file.size << " bytes, sha256 " << file.sha256.substr(0, kShortDigest) << '\n';
    }
  }
  return 0;
}

const store::ConfigFile* fileAt(const store::ConfigRevision& r, const std::string& path) {
  for (const auto& file : r.files) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

bool isText(const store::ConfigFile& file) {
  return file.content && file.content->find('\0') == std::string::npos;
}

void printLineDiff(const store::ConfigFile& before, const store::ConfigFile& after) {
  if (!isText(before) || !isText(after)) {
    std::cout << "  (" << (before.secret || after.secret ? "a secret: content not stored" : "binary content differs")
              << ")\n";
    return;
  }
  const auto lines = diffLines(*before.content, *after.content);
  if (!lines) {
    std::cout << "  (too large to diff here; compare the two with --show ID --file " << after.path << ")\n";
    return;
  }
  const DiffLine* previous = nullptr;
  for (const DiffLine& line : *lines) {
    const bool continues = previous != nullptr &&
                           line.old_line == previous->old_line + (previous->mark == '-' ? 1 : 0) &&
                           line.new_line == previous->new_line + (previous->mark == '+' ? 1 : 0);
    if (!continues) std::cout << "  @@ old line " << line.old_line << ", new line " << line.new_line << '\n';
    std::cout << "  " << line.mark << line.text << '\n';
    previous = &line;
  }
}

int diff(store::Store& store, std::int64_t id) {
  const auto after = revisionOrReport(store, id);
  if (!after) return 1;
  const auto earlier = store.configRevisions(1, id);
  store::ConfigRevision before;
  if (earlier.empty()) {
    std::cout << "revision " << id << " is the first one: every file added\n";
  } else {
    before = *store.configRevision(earlier.front().id);
    std::cout << "revision " << id << " against revision " << before.id << '\n';
  }
  const runtime::ConfigChanges changes = runtime::compareConfigFiles(before.files, after->files);
  for (const auto& path : changes.changed) {
    std::cout << "changed " << path << '\n';
    printLineDiff(*fileAt(before, path), *fileAt(*after, path));
  }
  for (const auto& path : changes.added) std::cout << "added " << path << '\n';
  for (const auto& path : changes.removed) std::cout << "removed " << path << '\n';
  if (changes.empty()) std::cout << "no file changed\n";
  return 0;
}

}  // namespace

int configHistoryCommand(const Args& args) {
  const auto parsed = parseArgs(args);
  if (!parsed) {
    std::cerr << "usage: ferry config-history CONFIG [--limit N]\n"
                 "       ferry config-history CONFIG --show ID [--file PATH]\n"
                 "       ferry config-history CONFIG --diff ID\n";
    return 2;
  }
  try {
    auto store = openOperatorStore(parsed->config);
    if (!store) return 1;
    switch (parsed->mode) {
      case HistoryArgs::Mode::List: return list(*store, parsed->limit);
      case HistoryArgs::Mode::Show: return show(*store, parsed->id, parsed->file);
      case HistoryArgs::Mode::Diff: return diff(*store, parsed->id);
    }
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ferry: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace ferry::cli
