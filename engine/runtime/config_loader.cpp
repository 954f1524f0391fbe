// loadConfig: ferry.json + channels/*.json -> EngineConfig, with every problem named by file,
// line and field. Relative paths in the files are resolved against the configuration folder, so
// `ferry run samples` works from any working directory.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "engine/runtime/config.h"
#include "engine/runtime/object_reader.h"
#include "engine/runtime/outbound_encoder.h"
#include "mappings/load_error.h"
#include "mappings/mapping.h"
#include "mappings/mapping_set.h"
#include "parsers/xml/profile_set.h"

namespace ferry::runtime {

namespace fs = std::filesystem;

namespace {

// Each connection is a worker thread and a socket on the peer: beyond this it is a misprint.
constexpr int kMaxDestinationConnections = 32;

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string resolve(const std::string& folder, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(folder) / path).lexically_normal().string();
}

bool validName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

class ChannelReader {
 public:
  ChannelReader(const std::string& folder, const std::string& file, const xml::ProfileSet& profiles,
                std::vector<ConfigError>& errors)
      : folder_(folder), file_(file), profiles_(profiles), errors_(errors) {}

  void tls(ObjectReader& parent, const std::string& path, TlsConfig& tls, bool listener) {
    const JsonNode* node = parent.object("tls");
    if (node == nullptr) return;
    ObjectReader r(*node, file_, path + "tls", errors_);
    r.boolean("enabled", tls.enabled);
    r.string("cert_file", tls.cert_file, tls.enabled && listener);
    r.string("key_file", tls.key_file, tls.enabled && listener);
    r.string("ca_file", tls.ca_file);
    if (listener) r.boolean("require_client_cert", tls.require_client_cert);
    r.rejectUnknownKeys();
    for (std::string* f : {&tls.cert_file, &tls.key_file, &tls.ca_file}) {
      *f = resolve(folder_, *f);
      if (tls.enabled && !f->empty() && !fs::exists(*f)) {
        r.error(*node, path + "tls", "file '" + *f + "' does not exist");
      }
    }
    if (tls.require_client_cert && tls.ca_file.empty()) {
      r.error(*node, path + "tls.ca_file", "is required when require_client_cert is true");
    }
  }

  void source(const JsonNode& node, SourceConfig& s) {
    ObjectReader r(node, file_, "source", errors_);
    r.oneOf("type", s.type, {"mllp", "http", "file"}, true);
    if (s.type == "mllp" || s.type == "http") {
      r.string("host", s.host);
      r.integer("port", s.port, 1, 65535, true);
      tls(r, "source.", s.tls, true);
    }
    if (s.type == "mllp") {
      r.integer("max_frame_bytes", s.max_frame_bytes, 64, 1LL << 30);
      r.integer("max_connections", s.max_connections, 1, 10000);
      r.integer("idle_timeout_ms", s.idle_timeout_ms, 100, 86400000LL);
      r.oneOf("accept_acks", s.accept_acks, {"always", "as_requested"});
    } else if (s.type == "http") {
      r.string("path", s.path);
      r.integer("max_body_bytes", s.max_body_bytes, 64, 1LL << 30);
    } else if (s.type == "file") {
      r.string("folder", s.folder, true);
      r.string("pattern", s.pattern);
      r.integer("interval_ms", s.interval_ms, 10, 86400000LL);
      s.folder = resolve(folder_, s.folder);
    }
    r.rejectUnknownKeys();
  }

  void retry(ObjectReader& parent, const std::string& path, RetryPolicy& p) {
    const JsonNode* node = parent.object("retry");
    if (node == nullptr) return;
    ObjectReader r(*node, file_, path + "retry", errors_);
    r.integer("max_attempts", p.max_attempts, 1, 1000000);
    r.integer("initial_backoff_ms", p.initial_backoff_ms, 1, 86400000LL);
    r.integer("max_backoff_ms", p.max_backoff_ms, 1, 7 * 86400000LL);
    r.number("multiplier", p.multiplier, 1.0, 10.0);
    r.number("jitter", p.jitter, 0.0, 1.0);
    r.rejectUnknownKeys();
    if (p.max_backoff_ms < p.initial_backoff_ms) {
      r.error(*node, path + "retry.max_backoff_ms", "must not be smaller than initial_backoff_ms");
    }
  }

  void destination(const JsonNode& node, const std::string& path, DestinationConfig& d) {
    ObjectReader r(node, file_, path, errors_);
    r.string("name", d.name, true);
    if (!d.name.empty() && !validName(d.name)) {
      r.error(node, path + ".name", "use lowercase letters, digits, '-' and '_' (at most 64)");
    }
    r.oneOf("type", d.type, {"mllp", "http", "file"}, true);
    d.format = d.type == "http" ? "canonical" : "original";
    r.string("format", d.format);
    if (const JsonNode* f = node.find("format"); f && !knownOutboundFormat(d.format, &profiles_)) {
      r.error(*f, path + ".format",
              "\"" + d.format + "\" is not a format: use original, canonical, hl7v2, fhir or xml:PROFILE"
              " with one of the profiles: " + (profiles_.empty() ? "(none loaded)" : profiles_.describe()));
    }
    const std::string prefix = path + ".";
    if (d.type == "mllp") {
      r.string("host", d.host, true);
      r.integer("port", d.port, 1, 65535, true);
      r.integer("ack_timeout_ms", d.ack_timeout_ms, 10, 3600000LL);
      r.oneOf("on_negative_ack", d.on_negative_ack, {"retry", "fail"});
      r.oneOf("accept_acks", d.accept_acks, {"always", "as_requested"});
      tls(r, prefix, d.tls, false);
    } else if (d.type == "http") {
      r.string("url", d.url, true);
      if (!d.url.empty() && d.url.rfind("http://", 0) != 0 && d.url.rfind("https://", 0) != 0) {
        r.error(node, prefix + "url", "must start with http:// or https://");
      }
      r.stringMap("headers", d.headers);
      r.string("bearer_token", d.bearer_token);
      r.string("basic_user", d.basic_user);
      r.string("basic_password", d.basic_password);
      r.string("content_type", d.content_type);
      r.integer("timeout_ms", d.timeout_ms, 10, 3600000LL);
      tls(r, prefix, d.tls, false);
    } else if (d.type == "file") {
      r.string("folder", d.folder, true);
      r.string("filename", d.filename);
      r.string("extension", d.extension);
      d.folder = resolve(folder_, d.folder);
    }
    retry(r, prefix, d.retry);
    r.boolean("ordered", d.ordered);
    r.integer("connections", d.connections, 1, kMaxDestinationConnections);
    if (const JsonNode* n = node.find("connections"); n && d.connections > 1 && d.ordered) {
      r.error(*n, prefix + "connections",
              "more than one connection needs \"ordered\": false (messages on parallel connections"
              " overtake each other, so FIFO order cannot be kept)");
    }
    r.rejectUnknownKeys();
  }

  void channel(const JsonNode& root, ChannelConfig& c) {
    ObjectReader r(root, file_, "", errors_);
    r.string("name", c.name, true);
    if (!c.name.empty() && !validName(c.name)) {
      r.error(root, "name", "use lowercase letters, digits, '-' and '_' (at most 64)");
    }
    r.boolean("enabled", c.enabled);
    if (const JsonNode* s = r.object("source", true)) source(*s, c.source);
    r.oneOf("ack_mode", c.ack_mode, {"on_commit", "after_parse"});
    r.string("mapping", c.mapping);
    r.oneOf("store_canonical", c.store_canonical, {"always", "on_error", "never"});
    if (const JsonNode* list = r.array("destinations")) {
      std::set<std::string> names;
      for (std::size_t i = 0; i < list->items.size(); ++i) {
        const std::string path = "destinations[" + std::to_string(i) + "]";
        DestinationConfig d;
        destination(list->items[i], path, d);
        if (!d.name.empty() && !names.insert(d.name).second) {
          r.error(list->items[i], path + ".name", "\"" + d.name + "\" is used twice in this channel");
        }
        c.destinations.push_back(std::move(d));
      }
    }
    r.rejectUnknownKeys();
  }

 private:
  const std::string& folder_;
  std::string file_;
  const xml::ProfileSet& profiles_;
  std::vector<ConfigError>& errors_;
};

// Parses one file; a syntax error is recorded and gives nullopt.
std::optional<JsonNode> parseFile(const fs::path& path, const std::string& shown,
                                  std::vector<ConfigError>& errors) {
  const JsonParseResult parsed = parseLocatedJson(readText(path));
  if (!parsed.ok()) {
    errors.push_back(ConfigError{shown, 0, "", "not valid JSON: " + parsed.error});
    return std::nullopt;
  }
  return parsed.root;
}

// "hash_keys": {"pseudonym": {"env": "FERRY_PSEUDONYM_KEY"}} or {"file": "keys/pseudonym.key"}.
void hashKeys(const JsonNode& node, const std::string& folder, EngineConfig& config,
              std::vector<ConfigError>& errors) {
  for (const auto& [name, value] : node.members) {
    const std::string path = "hash_keys." + name;
    ObjectReader r(value, "ferry.json", path, errors);
    std::string env;
    std::string file;
    r.string("env", env);
    r.string("file", file);
    r.rejectUnknownKeys();
    std::string secret;
    if (env.empty() == file.empty()) {
      r.error(value, path, "give exactly one of \"env\" (an environment variable) or \"file\"");
      continue;
    }
    if (!env.empty()) {
      const char* v = std::getenv(env.c_str());
      if (v == nullptr || *v == '\0') {
        r.error(value, path + ".env", "environment variable " + env + " is not set");
        continue;
      }
      secret = v;
    } else {
      const std::string resolved = resolve(folder, file);
      if (!fs::is_regular_file(resolved)) {
        r.error(value, path + ".file", "file '" + file + "' does not exist");
        continue;
      }
      secret = readText(resolved);
      while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    }
    if (secret.size() < 16) {
      r.error(value, path, "a key must have at least 16 bytes");
      continue;
    }
    config.hash_keys[name] = std::move(secret);
  }
}

// Loads the mappings and tables, and checks what channels ask of them.
void loadMappings(const std::string& folder, ConfigLoad& load) {
  std::vector<mappings::LoadError> errors;
  auto set = std::make_shared<mappings::MappingSet>(
      mappings::MappingSet::load(folder, load.config.hash_keys, errors));
  for (const mappings::LoadError& e : errors) {
    ConfigError error{e.file, e.line, "", e.text};
    error.column = e.column;
    load.errors.push_back(std::move(error));
  }
  for (const ChannelConfig& c : load.config.channels) {
    if (c.mapping.empty()) continue;
    const auto mapping = set->find(c.mapping);
    if (!mapping) {
      std::string ids;
      for (const std::string& id : set->ids()) ids += (ids.empty() ? "" : ", ") + id;
      load.errors.push_back(ConfigError{c.file, 0, "mapping", "no mapping \"" + c.mapping +
                                                                   "\" in mappings/ (loaded: " +
                                                                   (ids.empty() ? "none" : ids) + ")"});
      continue;
    }
    for (const std::string& d : mapping->destinations()) {
      const bool known = std::any_of(c.destinations.begin(), c.destinations.end(),
                                     [&](const DestinationConfig& x) { return x.name == d; });
      if (!known) {
        load.errors.push_back(ConfigError{c.file, 0, "mapping", "mapping " + mapping->id() +
                                              " routes to \"" + d + "\", which is not a destination of this channel"});
      }
    }
  }
  load.config.mappings = std::move(set);
}

void retention(const JsonNode& node, EngineConfig& config, std::vector<ConfigError>& errors) {
  ObjectReader r(node, "ferry.json", "retention", errors);
  RetentionConfig& out = config.retention;
  r.integer("days", out.days, 1, 36500, true);
  r.integer("check_interval_minutes", out.check_interval_minutes, 1, 7 * 24 * 60);
  r.integer("max_messages_per_transaction", out.max_messages_per_transaction, 1, 100000);
  r.rejectUnknownKeys();
  // A removed message can no longer be recognised as a duplicate: a copy resent within the
  // window would be processed and delivered twice.
  if (out.days > 0 && static_cast<std::int64_t>(out.days) * 86400 * 1000 <= config.duplicate_window_ms) {
    r.error(*node.find("days"), "retention.days",
            "must be longer than duplicate_window_seconds, or a resent copy of a removed message"
            " would be processed again");
  }
}

void readEngine(const JsonNode& root, const std::string& folder, EngineConfig& config,
                std::vector<ConfigError>& errors) {
  ObjectReader r(root, "ferry.json", "", errors);
  if (const JsonNode* store = r.object("store")) {
    ObjectReader s(*store, "ferry.json", "store", errors);
    s.oneOf("kind", config.store.kind, {"sqlite"});
    s.string("path", config.store.path);
    s.oneOf("migrations", config.store.migrations, {"automatic", "manual"});
    s.rejectUnknownKeys();
  }
  config.store.path = resolve(folder, config.store.path);
  std::int64_t window_s = config.duplicate_window_ms / 1000;
  r.integer("duplicate_window_seconds", window_s, 0, 30LL * 86400);
  config.duplicate_window_ms = window_s * 1000;
  if (const JsonNode* node = r.object("retention")) retention(*node, config, errors);
  if (const JsonNode* node = r.object("admin")) {
    ObjectReader a(*node, "ferry.json", "admin", errors);
    config.admin.enabled = true;
    a.string("host", config.admin.host);
    a.integer("port", config.admin.port, 1, 65535, true);
    a.rejectUnknownKeys();
  }
  r.integer("group_commit_max_batch", config.group_commit_max_batch, 1, 100000);
  r.string("log_file", config.log_file);
  r.oneOf("log_level", config.log_level, {"info", "warning", "error"});
  if (!config.log_file.empty()) config.log_file = resolve(folder, config.log_file);
  if (const JsonNode* keys = r.object("hash_keys")) hashKeys(*keys, folder, config, errors);
  r.string("profiles", config.profiles_folder);
  if (!config.profiles_folder.empty()) {
    config.profiles_folder = resolve(folder, config.profiles_folder);
  } else if (fs::is_directory(fs::path(folder) / "profiles")) {
    config.profiles_folder = (fs::path(folder) / "profiles").string();
  }
  r.rejectUnknownKeys();
}

}  // namespace

ConfigLoad loadConfig(const std::string& folder) {
  ConfigLoad load;
  load.config.folder = folder;
  const fs::path engine_file = fs::path(folder) / "ferry.json";
  if (!fs::is_regular_file(engine_file)) {
    load.errors.push_back(ConfigError{engine_file.string(), 0, "", "file not found: a configuration folder needs ferry.json"});
    return load;
  }
  if (auto root = parseFile(engine_file, "ferry.json", load.errors)) {
    readEngine(*root, folder, load.config, load.errors);
  }

  // Loaded here so that destinations can be checked against them; the engine loads them again.
  xml::ProfileSet profiles;
  if (!load.config.profiles_folder.empty()) {
    try {
      profiles = xml::ProfileSet::load(load.config.profiles_folder);
    } catch (const xml::ProfileError& e) {
      load.errors.push_back(ConfigError{"ferry.json", 0, "profiles", e.what()});
    } catch (const std::exception& e) {
      load.errors.push_back(ConfigError{"ferry.json", 0, "profiles", e.what()});
    }
  }

  std::vector<fs::path> files;
  const fs::path channels = fs::path(folder) / "channels";
  if (fs::is_directory(channels)) {
    for (const auto& entry : fs::directory_iterator(channels)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> names;  // channel name -> file
  std::map<int, std::string> ports;          // listening port -> file
  for (const fs::path& path : files) {
    const std::string shown = "channels/" + path.filename().string();
    auto root = parseFile(path, shown, load.errors);
    if (!root) continue;
    ChannelConfig channel;
    channel.file = shown;
    ChannelReader(folder, shown, profiles, load.errors).channel(*root, channel);
    if (!channel.name.empty()) {
      auto [it, fresh] = names.emplace(channel.name, shown);
      if (!fresh) {
        load.errors.push_back(ConfigError{shown, root->line, "name", "channel \"" + channel.name +
                                                                         "\" is also defined in " + it->second});
      }
    }
    if (channel.enabled && channel.source.port > 0) {
      auto [it, fresh] = ports.emplace(channel.source.port, shown);
      if (!fresh) {
        load.errors.push_back(ConfigError{shown, root->line, "source.port", "port " +
                                          std::to_string(channel.source.port) + " is also used by " + it->second});
      }
    }
    load.config.channels.push_back(std::move(channel));
  }
  loadMappings(folder, load);
  return load;
}

}  // namespace ferry::runtime
