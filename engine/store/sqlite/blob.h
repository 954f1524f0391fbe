#pragma once
// Byte strings in and out of SQLite BLOB columns through Poco::Data, exactly: Poco binds an
// empty BLOB as NULL, so statements write `COALESCE(?, x'')` for a NOT NULL blob and
// `IIF(?, COALESCE(?, x''), NULL)` (present flag, bytes) for an optional one.

#include <Poco/Data/LOB.h>
#include <Poco/Nullable.h>

#include <optional>
#include <string>

namespace ferry::store::sqlite {

inline Poco::Data::BLOB toBlob(const std::string& bytes) {
  return Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

inline std::string fromBlob(const Poco::Data::BLOB& blob) {
  if (blob.size() == 0) return {};
  return std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
}

inline std::optional<std::string> fromNullable(const Poco::Nullable<std::string>& value) {
  if (value.isNull()) return std::nullopt;
  return value.value();
}

inline std::optional<std::string> fromNullableBlob(const Poco::Nullable<Poco::Data::BLOB>& value) {
  if (value.isNull()) return std::nullopt;
  return fromBlob(value.value());
}

}  // namespace ferry::store::sqlite
