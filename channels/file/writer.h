#pragma once
// Writes outbound files (e.g. daily HL7 batches for a reporting share) so that a reader of the
// folder never sees a partial file and nothing is ever overwritten: the bytes go to a hidden
// temporary file in the same folder, are fsynced, renamed to the final name with
// RENAME_NOREPLACE (a taken name gets a "-N" suffix), and the folder is fsynced.
//
// File names come from a template with {id}, {channel} and {timestamp} (UTC,
// 20250131T235959.123Z). Substituted values are reduced to [A-Za-z0-9._-] so an id can never
// make a path; the template itself must not contain '/'.

#include <string>
#include <string_view>

namespace ferry::file {

class Writer {
 public:
  struct Config {
    std::string folder;
    std::string filename_template = "{channel}_{timestamp}_{id}";
    std::string extension = ".hl7";  // a leading '.' is added when missing; may be empty
    std::string channel;
    unsigned permissions = 0640;
  };

  // Creates the folder when missing. Throws std::invalid_argument for an unknown placeholder,
  // a '/' in template or extension, an empty folder, and std::system_error when the folder
  // cannot be created.
  explicit Writer(Config config);

  // Returns the final path. Throws std::system_error (naming the path) when the file cannot be
  // written; no temporary file is left behind then.
  std::string write(std::string_view bytes, std::string_view id) const;

  // The file name write() would try first (before any "-N" suffix).
  std::string fileName(std::string_view id) const;

 private:
  Config config_;
};

}  // namespace ferry::file
