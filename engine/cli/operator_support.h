#pragma once
// What the operator commands (status, history, pause, requeue, prune, ...) share: the store of
// a configuration folder, the operator's name for the audit trail, and times as operators read
// them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/runtime/config.h"
#include "engine/store/store.h"

namespace ferry::cli {

// The store of a configuration folder, its schema brought up to date as store.migrations
// allows (store_schema.h); nullptr (reported on stderr) when the folder's configuration or its
// store is unusable, or when pending migrations are left to `ferry migrate`. `config`, when
// given, receives the configuration.
std::unique_ptr<store::Store> openOperatorStore(const std::string& folder,
                                                runtime::EngineConfig* config = nullptr);

// Whether the configuration has a channel of that name.
bool knownChannel(const runtime::EngineConfig& config, const std::string& name);

// Who asked, for the record: the login name ($USER), else the numeric user id.
std::string operatorName();

// What the event of an operator's change says: "by NAME", or "by NAME: REASON".
std::string noteOf(const std::string& reason);

// A message or delivery id as typed (digits only); nullopt otherwise.
std::optional<std::int64_t> parseId(const std::string& text);

// "2026-11-26T16:21:08Z" from milliseconds since the epoch.
std::string isoTime(std::int64_t ms);

}  // namespace ferry::cli
