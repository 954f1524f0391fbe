#include "engine/runtime/config_revision.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "engine/json/located_json.h"

namespace ferry::runtime {

namespace fs = std::filesystem;

namespace {

// Names of each kind in a summary line; the full list is in `ferry config-history --diff`.
constexpr std::size_t kSummaryNames = 5;
// Another process recording at the same moment makes recordConfigRevision read again; more
// rounds than this means something keeps writing revisions, which is worth an error.
constexpr int kRecordAttempts = 5;

// How a file is kept: Config (ferry.json, channels: secret values redacted), Plain (stored as
// it is), Certificate (stored unless it holds a private key too) or Secret (fingerprint only).
enum class Kind { Config, Plain, Certificate, Secret };

std::string sha256Hex(std::string_view bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + " to record the configuration");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

store::ConfigFile storedFile(std::string path, std::string content) {
  store::ConfigFile file;
  file.path = std::move(path);
  file.sha256 = sha256Hex(content);
  file.size = static_cast<std::int64_t>(content.size());
  file.content = std::move(content);
  return file;
}

store::ConfigFile secretFile(std::string path, std::string_view value,
                             const SecretFingerprint& fingerprint) {
  store::ConfigFile file;
  file.path = std::move(path);
  file.sha256 = fingerprint.full(value);
  file.secret = true;
  return file;
}

// The files of one configuration by the path shown for them: relative to the folder, or
// absolute for a file outside it (a certificate in /etc/ssl).
class FileList {
 public:
  explicit FileList(const std::string& folder) : folder_(fs::absolute(folder).lexically_normal()) {
    if (!folder_.has_filename()) folder_ = folder_.parent_path();  // "samples/" -> "samples"
  }

  void add(const fs::path& file, Kind kind) {
    std::error_code ec;
    if (file.empty() || !fs::is_regular_file(file, ec)) return;
    files_.emplace(shown(file), std::make_pair(file, kind));
  }

  void addFolder(const fs::path& folder, const std::string& extension, Kind kind) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.path().extension() == extension) add(entry.path(), kind);
    }
  }

  std::string shown(const fs::path& file) const {
    const fs::path absolute = fs::absolute(file).lexically_normal();
    const fs::path relative = absolute.lexically_relative(folder_);
    if (relative.empty() || *relative.begin() == "..") return absolute.generic_string();
    return relative.generic_string();
  }

  const std::map<std::string, std::pair<fs::path, Kind>>& files() const { return files_; }

 private:
  fs::path folder_;
  std::map<std::string, std::pair<fs::path, Kind>> files_;
};

void addTls(FileList& list, const TlsConfig& tls) {
  list.add(tls.cert_file, Kind::Certificate);
  list.add(tls.ca_file, Kind::Certificate);
  list.add(tls.key_file, Kind::Secret);
}

store::ConfigFile keep(const std::string& path, const fs::path& file, Kind kind,
                       const SecretFingerprint& fingerprint) {
  std::string bytes = readBytes(file);
  if (kind == Kind::Config) {
    // Not JSON (it loaded, so this is rare): what is secret in it cannot be told, so none of it is kept.
    auto redacted = redactSecrets(bytes, fingerprint);
    return redacted ? storedFile(path, std::move(*redacted)) : secretFile(path, bytes, fingerprint);
  }
  // A PEM bundle may carry the private key beside the certificate.
  const bool secret = kind == Kind::Secret ||
                      (kind == Kind::Certificate && bytes.find("PRIVATE KEY") != std::string::npos);
  return secret ? secretFile(path, bytes, fingerprint) : storedFile(path, std::move(bytes));
}

// ferry.json "hash_keys": a key file is a secret file; a key from an environment variable is
// recorded as "env:NAME" with the fingerprint of its value, so that rotating it shows too.
void addHashKeys(const EngineConfig& config, FileList& list, std::vector<store::ConfigFile>& variables,
                 const SecretFingerprint& fingerprint) {
  const fs::path engine_file = fs::path(config.folder) / "ferry.json";
  std::error_code ec;
  if (!fs::is_regular_file(engine_file, ec)) return;
  const auto parsed = json::parseLocatedJson(readBytes(engine_file));
  const json::JsonNode* keys = parsed.ok() ? parsed.root.find("hash_keys") : nullptr;
  if (keys == nullptr) return;
  for (const auto& [name, source] : keys->members) {
    if (const json::JsonNode* file = source.find("file")) {
      const fs::path path(file->string);
      list.add(path.is_absolute() ? path : fs::path(config.folder) / path, Kind::Secret);
    } else if (const json::JsonNode* env = source.find("env"); env && config.hash_keys.count(name)) {
      variables.push_back(secretFile("env:" + env->string, config.hash_keys.at(name), fingerprint));
    }
  }
}

std::string names(const std::vector<std::string>& paths) {
  std::string out;
  for (std::size_t i = 0; i < paths.size() && i < kSummaryNames; ++i) out += (i ? ", " : "") + paths[i];
  if (paths.size() > kSummaryNames) out += " (+" + std::to_string(paths.size() - kSummaryNames) + " more)";
  return out;
}

}  // namespace

ConfigSnapshot snapshotConfig(const EngineConfig& config, const SecretFingerprint& fingerprint) {
  const fs::path folder(config.folder);
  FileList list(config.folder);
  list.add(folder / "ferry.json", Kind::Config);
  list.addFolder(folder / "channels", ".json", Kind::Config);
  list.addFolder(folder / "mappings", ".json", Kind::Plain);
  list.addFolder(folder / "tables", ".csv", Kind::Plain);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder / "tables", ec)) {
    // A table's NAME.json beside its NAME.csv (its version and columns), as CodeTable reads it.
    if (entry.path().extension() != ".csv") continue;
    list.add(fs::path(entry.path()).replace_extension(".json"), Kind::Plain);
  }
  if (!config.profiles_folder.empty()) list.addFolder(config.profiles_folder, ".json", Kind::Plain);
  for (const ChannelConfig& channel : config.channels) {
    addTls(list, channel.source.tls);
    for (const DestinationConfig& destination : channel.destinations) addTls(list, destination.tls);
  }
  ConfigSnapshot snapshot;
  addHashKeys(config, list, snapshot.files, fingerprint);
  for (const auto& [path, file] : list.files()) {
    snapshot.files.push_back(keep(path, file.first, file.second, fingerprint));
  }
  std::sort(snapshot.files.begin(), snapshot.files.end(),
            [](const store::ConfigFile& a, const store::ConfigFile& b) { return a.path < b.path; });
  snapshot.digest = configDigest(snapshot.files);
  return snapshot;
}

std::string configDigest(const std::vector<store::ConfigFile>& files) {
  std::string manifest;
  for (const store::ConfigFile& file : files) {
    manifest += file.path + '\0' + (file.secret ? "secret" : "stored") + '\0' + file.sha256 + '\n';
  }
  return sha256Hex(manifest);
}

ConfigChanges compareConfigFiles(const std::vector<store::ConfigFile>& before,
                                 const std::vector<store::ConfigFile>& after) {
  std::map<std::string, const store::ConfigFile*> old_files;
  for (const auto& file : before) old_files[file.path] = &file;
  ConfigChanges changes;
  for (const auto& file : after) {
    const auto it = old_files.find(file.path);
    if (it == old_files.end()) {
      changes.added.push_back(file.path);
      continue;
    }
    if (it->second->sha256 != file.sha256 || it->second->secret != file.secret) {
      changes.changed.push_back(file.path);
    }
    old_files.erase(it);
  }
  for (const auto& [path, file] : old_files) changes.removed.push_back(path);
  for (auto* list : {&changes.added, &changes.removed, &changes.changed}) std::sort(list->begin(), list->end());
  return changes;
}

std::string summarizeChanges(const ConfigChanges& changes, bool first) {
  if (first) return "first revision: " + std::to_string(changes.added.size()) + " files";
  std::string out;
  const auto part = [&](const char* verb, const std::vector<std::string>& paths) {
    if (paths.empty()) return;
    out += (out.empty() ? "" : "; ") + std::string(verb) + " " + names(paths);
  };
  part("changed", changes.changed);
  part("added", changes.added);
  part("removed", changes.removed);
  return out.empty() ? "no file changed" : out;
}

RecordedConfig recordConfigRevision(store::Store& store, const EngineConfig& config,
                                    const std::string& actor, const std::string& reason) {
  const ConfigSnapshot snapshot = snapshotConfig(config, SecretFingerprint(store.configSecretSalt()));
  using Outcome = store::ConfigRevisionResult::Outcome;
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {
    const auto latest = store.configRevisions(1);
    if (!latest.empty() && latest.front().digest == snapshot.digest) {
      return {latest.front().id, false, snapshot.digest, {}};
    }
    // The files of the latest revision, for the summary; its contents come along unused.
    const auto previous = latest.empty() ? std::nullopt : store.configRevision(latest.front().id);
    RecordedConfig result{0, true, snapshot.digest,
                          compareConfigFiles(previous ? previous->files : std::vector<store::ConfigFile>{},
                                             snapshot.files)};
    store::ConfigRevision revision;
    revision.actor = actor;
    revision.reason = reason;
    revision.digest = snapshot.digest;
    revision.summary = summarizeChanges(result.changes, !previous);
    revision.files = snapshot.files;
    const auto outcome = store.recordConfigRevision(revision, previous ? previous->id : 0);
    if (outcome.outcome == Outcome::Stale) continue;
    result.id = outcome.id;
    result.recorded = outcome.outcome == Outcome::Recorded;
    if (!result.recorded) result.changes = {};
    return result;
  }
  throw store::StoreError("", "The configuration revisions kept changing while this one was recorded"
                              " (another process is recording them); start again.");
}

}  // namespace ferry::runtime
