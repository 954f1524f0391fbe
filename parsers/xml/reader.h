#pragma once
// Reads an insurer XML document into the canonical Message with the profile for its format.
//
// The bytes pass the safety checks of safe_parser.h first; the root element chooses the profile
// (or the caller names it); then the profile's compiled XPaths fill the Message: claims for a
// claim submission, claim_responses (linked to their claim by claim id and submission id) for
// an acknowledgement or remittance, plus patient, encounter and coverage where the profile maps
// them. header.source_format is "xml", header.message_type the root's local name and
// header.message_structure the profile's name. Whatever the profile does not map is kept as
// extensions (unmapped.h). A bad document is an ordinary result, never an exception.

#include <filesystem>
#include <istream>
#include <optional>
#include <string_view>

#include "engine/canonical/message.h"
#include "parsers/xml/error.h"
#include "parsers/xml/limits.h"
#include "parsers/xml/profile.h"
#include "parsers/xml/profile_set.h"

namespace ferry::xml {

struct ReadResult {
  std::optional<canonical::Message> message;  // set on success
  Error error;                                // meaningful when message is empty
  const Profile* profile = nullptr;           // the profile used, once one was chosen

  explicit operator bool() const { return message.has_value(); }
};

// Reads xml with the profile its root element matches.
ReadResult read(std::string_view xml, const ProfileSet& profiles, const Limits& limits = {});
// Reads xml with the given profile; the root element must be the profile's.
ReadResult read(std::string_view xml, const Profile& profile, const Limits& limits = {});
// Reads a stream, refusing it as soon as it exceeds limits.max_bytes.
ReadResult read(std::istream& in, const ProfileSet& profiles, const Limits& limits = {});
// Reads a file, refusing one larger than limits.max_bytes before reading it.
ReadResult readFile(const std::filesystem::path& file, const ProfileSet& profiles,
                    const Limits& limits = {});

}  // namespace ferry::xml
