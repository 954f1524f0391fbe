// Serializes a canonical Message to its "ferry.canonical/v1" JSON form.
//
// The output is one compact line (NDJSON-ready), "schema" first, members in the fixed order of
// json_schema.h, and empty strings, empty arrays, unset optionals and empty objects left out.
// It streams through RapidJSON's SAX Writer without building a DOM, because the engine writes
// this for every message it stores and exports.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>

#include "engine/canonical/message.h"

namespace ferry::canonical {

/// Writes many messages with one reusable output buffer (no allocation once it has grown).
/// Not thread-safe: give each thread its own JsonWriter.
class JsonWriter {
public:
    /// The JSON of message; the view stays valid until the next write() or the writer's end.
    std::string_view write(const Message& message);

private:
    rapidjson::StringBuffer buffer_;
};

/// The JSON of message as a new string (convenience over JsonWriter).
std::string toJson(const Message& message);

}  // namespace ferry::canonical
