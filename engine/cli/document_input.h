#pragma once
// Reading any supported input into canonical messages: HL7 v2 (MSH, FHS, BHS or an MLLP frame;
// streamed message by message), FHIR R4 JSON ('{'), or insurer XML ('<', the profile chosen by
// root element and namespace among the profiles folder). Shared by parse, convert and validate.

#include <functional>
#include <string>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/message.h"

namespace ferry::cli {

enum class Format { Hl7v2, Fhir, Xml, Unknown };

// Looks at the first bytes of FILE (or of stdin, which it then keeps buffered).
Format detectFormat(const std::string& first_bytes);

struct DocumentHandlers {
  // Each input message as canonical, with its number; the HL7 v2 original when the input is v2.
  std::function<void(const canonical::Message&, std::size_t number, const hl7v2::Message* original)> on_message;
  // HL7 v2 batch envelope segments (FHS/BHS/BTS/FTS), to write a batch back unchanged.
  std::function<void(std::string_view segment)> on_envelope;
};

// Returns 0 when every message was read, 1 when some input was bad (reported on stderr, one line
// each), 2 when FILE cannot be opened or the profiles folder cannot be loaded.
// With v2_passthrough, HL7 v2 messages are handed over parsed but not normalized (an empty
// canonical message): converting v2 to v2 must not depend on the message type being supported.
int forEachDocument(const std::string& input, const std::string& profiles_dir,
                    const DocumentHandlers& handlers, bool v2_passthrough = false);

// Pulls `--profiles DIR` out of args (default samples/profiles).
std::string takeProfilesOption(std::vector<std::string>& args);

}  // namespace ferry::cli
