// Streams a FHIR JSON document parsed in situ, one Bundle entry at a time.
//
// The members of the top-level object go into one small DOM, the "shell": a Bundle without its
// entries (its "entry" member becomes an empty array), or a whole single resource. Each element
// of a top-level "entry" array is handed to the caller as its own DOM the moment it is complete,
// then freed. A Bundle of any size needs its own buffer plus one entry's DOM at a time: strings
// stay in the buffer (in-situ parsing), numbers stay as their text (see json_input.h).
//
// The buffer itself need not stay whole either: once entries are read, nothing points into their
// bytes any more, so with ReleaseConsumed the pages they filled are given back to the system as
// parsing goes on (madvise; they read as zeros afterwards). Reading a Bundle then needs little
// more than what the caller keeps of it, instead of that plus the whole input.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <functional>
#include <string>

namespace ferry::fhir {

class BundleStream {
 public:
  // Whether the pages of entries already delivered may be given back (see above): only for a
  // buffer the caller owns and does not read again, and when no value kept from an entry
  // points into the buffer.
  enum class Pages { Keep, ReleaseConsumed };

  explicit BundleStream(Pages pages = Pages::Keep) : pages_(pages) {}

  using EntryHandler = std::function<void(std::size_t index, const rapidjson::Value& entry)>;
  // Called for an element of "entry" that is not a JSON object (it is skipped).
  using BadEntryHandler = std::function<void(std::size_t index)>;

  struct Outcome {
    bool ok = true;
    std::size_t error_offset = 0;  // byte offset into the buffer of a syntax error
    std::string error;             // what is wrong, in one sentence
  };

  // Parses the NUL-terminated buffer in place. Entries are delivered in order while parsing;
  // shell receives the rest once the document is complete.
  Outcome parse(char* buffer, rapidjson::Document& shell, const EntryHandler& onEntry,
                const BadEntryHandler& onBadEntry);

 private:
  Pages pages_;
};

}  // namespace ferry::fhir
