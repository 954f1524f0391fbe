#pragma once
// Which files make up a configuration, what of them is kept for auditors, and how one revision
// differs from another. `ferry run` records a revision (Store::recordConfigRevision) before the
// engine starts whenever the configuration changed, so the trail answers "what was the
// configuration on day D, and who changed it when?".
//
// A configuration is what loadConfig reads: ferry.json, channels/*.json, mappings/*.json,
// tables/*.csv with their NAME.json beside them, the insurer profiles (*.json of the profiles
// folder), the TLS certificates and keys the channels name, and the hash-key files (or
// variables) of ferry.json. Output and source folders, the store, logs and fixtures are not.
// Stored contents never hold a secret (secret_redaction.h): secret values in ferry.json and
// channels/*.json are replaced by a keyed fingerprint, and TLS private keys, hash keys and any
// file holding a private key keep only their keyed fingerprint.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/runtime/config.h"
#include "engine/runtime/secret_redaction.h"
#include "engine/store/store.h"

namespace ferry::runtime {

struct ConfigSnapshot {
  std::string digest;                   // hex SHA-256 over every file's path, kind and sha256
  std::vector<store::ConfigFile> files;  // by path, with the contents to store
};

// Reads the files of `config` (as loadConfig returned it). Throws std::runtime_error naming a
// file that cannot be read.
ConfigSnapshot snapshotConfig(const EngineConfig& config, const SecretFingerprint& fingerprint);

// The digest of a revision made of `files` (what ConfigSnapshot::digest holds).
std::string configDigest(const std::vector<store::ConfigFile>& files);

// File paths added, removed and changed (another sha256) from `before` to `after`, sorted.
struct ConfigChanges {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};
ConfigChanges compareConfigFiles(const std::vector<store::ConfigFile>& before,
                                 const std::vector<store::ConfigFile>& after);

// One line for ConfigRevision::summary: "changed channels/lab.json; added tables/x.csv", at
// most a few names of each kind; `first`: the first revision of a store.
std::string summarizeChanges(const ConfigChanges& changes, bool first);

struct RecordedConfig {
  std::int64_t id = 0;    // the revision the engine runs with
  bool recorded = false;  // false: the configuration is the latest revision's, nothing recorded
  std::string digest;
  ConfigChanges changes;  // against the revision before (recorded only)
};

// Records the configuration as a new revision when its digest differs from the latest one.
// Throws store::StoreError when the store cannot record it, std::runtime_error when a file
// cannot be read.
RecordedConfig recordConfigRevision(store::Store& store, const EngineConfig& config,
                                    const std::string& actor, const std::string& reason);

}  // namespace ferry::runtime
