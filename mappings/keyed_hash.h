#pragma once
// HMAC-SHA256 for pseudonymous identifiers: the same identifier and key always give the same
// pseudonym, and without the key the pseudonym cannot be traced back or recomputed.

#include <string>
#include <string_view>

namespace ferry::mappings {

// Lowercase hex of HMAC-SHA256(key, data), 64 characters, written into out (out must hold 64).
void hmacSha256Hex(std::string_view key, std::string_view data, char* out);

}  // namespace ferry::mappings
