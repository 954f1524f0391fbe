#pragma once
// The engine's configuration as plain data: ferry.json (engine settings) and channels/*.json (one
// channel a file). config_loader.cpp reads and validates it; everything else receives it through
// constructors.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ferry::mappings {
class MappingSet;
}

namespace ferry::runtime {

struct TlsConfig {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  bool require_client_cert = false;  // mutual TLS on listeners
};

struct RetryPolicy {
  int max_attempts = 10;  // then the delivery is dead-lettered
  std::int64_t initial_backoff_ms = 500;
  std::int64_t max_backoff_ms = 60000;
  double multiplier = 2.0;
  double jitter = 0.2;  // +/- this fraction, so many failed deliveries do not retry in lockstep
};

struct DestinationConfig {
  std::string name;
  std::string type;    // "mllp", "http" or "file"
  // What is sent: "original" (the received bytes), "canonical" (JSON), "hl7v2", "fhir" or
  // "xml:PROFILE" (see outbound_encoder.h).
  std::string format;
  // mllp
  std::string host;
  int port = 0;
  TlsConfig tls;
  std::int64_t ack_timeout_ms = 10000;
  std::string on_negative_ack = "retry";  // AE/AR from the peer: "retry" or "fail"
  // "always": every message waits for the peer's ACK. "as_requested", for a peer that honours
  // MSH-15: the message's MSH-15 says what to wait for (NE nothing; ER an ACK only on error, so
  // silence within ack_timeout_ms is delivery; SU one only on success, so silence is negative).
  std::string accept_acks = "always";
  // http
  std::string url;
  std::map<std::string, std::string> headers;
  std::string bearer_token;
  std::string basic_user;
  std::string basic_password;
  std::string content_type;
  std::int64_t timeout_ms = 10000;
  // file
  std::string folder;
  std::string filename = "{channel}-{id}";
  std::string extension = ".hl7";
  RetryPolicy retry;
  bool ordered = true;  // FIFO per destination (HL7 feeds depend on order)
  // Parallel connections, each with its own worker; more than one needs ordered = false, since
  // messages on different connections overtake each other.
  int connections = 1;
};

struct SourceConfig {
  std::string type;  // "mllp", "http" or "file"
  std::string host = "127.0.0.1";
  int port = 0;
  TlsConfig tls;
  std::int64_t max_frame_bytes = 16 * 1024 * 1024;
  int max_connections = 64;
  std::int64_t idle_timeout_ms = 300000;
  // Enhanced mode (MSH-15/16 valued): "always" answers every message with its accept ACK;
  // "as_requested" sends it only when MSH-15 asks for it (table 0155: AL always, NE never, ER
  // only CE/CR, SU only CA). "always" is the default because most MLLP senders read one ACK a
  // message whatever MSH-15 says, and would wait for the one NE tells Ferry to leave out.
  std::string accept_acks = "always";
  // http
  std::string path = "/";
  std::int64_t max_body_bytes = 16 * 1024 * 1024;
  // file
  std::string folder;
  std::string pattern = "*";
  std::int64_t interval_ms = 1000;
};

struct ChannelConfig {
  std::string name;
  std::string file;  // where it was defined, for messages
  bool enabled = true;
  SourceConfig source;
  // "on_commit": ACK as soon as the raw message is durable; "after_parse": ACK after parsing and
  // validation (AA, AE for a parse error, AR for an unsupported type).
  std::string ack_mode = "on_commit";
  // "name@version" (or "name": the highest version) of the mapping in CONFIG/mappings that
  // filters, transforms and routes this channel's messages. Empty: every message goes to every
  // destination.
  std::string mapping;
  // Which messages keep their canonical JSON (after the mapping's transforms) in the store:
  // "always", "on_error" (errored ones only) or "never". The raw bytes and every delivery's
  // payload are stored whatever this says; canonical JSON is typically 3-5x the raw size.
  std::string store_canonical = "always";
  std::vector<DestinationConfig> destinations;
};

struct StoreConfig {
  std::string kind = "sqlite";
  std::string path = "var/ferry.db";
  // What a process that finds the store's schema older than its own does (store_schema.h):
  // "automatic" upgrades it, "manual" refuses to run until an operator runs `ferry migrate`.
  std::string migrations = "automatic";
};

// ferry.json "retention": absent (days 0) keeps every message until an operator prunes.
struct RetentionConfig {
  int days = 0;  // finished messages older than this are removed; 0: never
  int check_interval_minutes = 60;
  int max_messages_per_transaction = 200;  // each purge holds the store's single writer
  std::int64_t first_round_ms = 60 * 1000;  // after start (not in ferry.json; tests shorten it)
};

// ferry.json "admin": the engine's health and metrics endpoint (admin_endpoint.h); none unless
// configured.
struct AdminConfig {
  bool enabled = false;
  std::string host = "127.0.0.1";
  int port = 0;  // 0 (tests only): an ephemeral port
};

struct EngineConfig {
  std::string folder;
  StoreConfig store;
  std::int64_t duplicate_window_ms = 24LL * 3600 * 1000;
  RetentionConfig retention;
  AdminConfig admin;
  int group_commit_max_batch = 256;
  std::string log_file;  // empty: JSON log lines go to stderr
  std::string log_level = "info";  // "info", "warning" or "error": lines below it are not written
  // Insurer XML profiles (ferry.json "profiles", relative to the folder; default "profiles"
  // when that folder exists). Empty: none.
  std::string profiles_folder;
  std::vector<ChannelConfig> channels;
  // keyed_hash() secrets by key name (ferry.json "hash_keys": each from an environment variable
  // or a file), never written to logs.
  std::map<std::string, std::string> hash_keys;
  // CONFIG/mappings/*.json with CONFIG/tables/, loaded and compiled by loadConfig.
  std::shared_ptr<const mappings::MappingSet> mappings;
};

struct ConfigError {
  std::string file;
  int line = 0;
  std::string field;  // JSON path, e.g. "destinations[0].port"
  std::string text;
  int column = 0;  // inside mapping files: the character, when known
  std::string describe() const;  // "channels/lab.json:12: destinations[0].port: ..."
};

struct ConfigLoad {
  EngineConfig config;
  std::vector<ConfigError> errors;
  bool ok() const { return errors.empty(); }
};

// Reads CONFIG/ferry.json and CONFIG/channels/*.json. Unknown keys are errors, not ignored.
ConfigLoad loadConfig(const std::string& folder);

}  // namespace ferry::runtime
