#pragma once
// Writes a canonical Message as an insurer XML document with a profile.
//
// The document is built from the profile alone: its root element, each mapped value at its
// write path (elements created in the schema order the profile gives), constants the format
// requires, one element per entry of each repeated collection, and the extensions an earlier
// reading with the same profile kept. Elements are in the profile's namespace (the default
// namespace when "write.defaultNamespace" says so); the output is UTF-8, indented.

#include <string>

#include "engine/canonical/message.h"
#include "parsers/xml/limits.h"
#include "parsers/xml/profile.h"

namespace ferry::xml {

struct WriteResult {
  std::string xml;    // the document, on success
  std::string error;  // one sentence, on failure

  explicit operator bool() const { return error.empty(); }
};

// Fails when the message holds nothing the profile can carry (no claim for a claim profile),
// more claims than a one-claim profile holds, or a value the profile requires is empty. limits
// bound the markup of kept extensions.
WriteResult write(const canonical::Message& message, const Profile& profile,
                  const Limits& limits = {});

}  // namespace ferry::xml
