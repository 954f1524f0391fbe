#pragma once
// Durable, never-overwriting file moves shared by the poller and the writer. POSIX rename()
// silently replaces an existing target; these use renameat2(RENAME_NOREPLACE) (link + unlink
// where the filesystem lacks it), and fsync the folders so a move survives a power cut.

#include <string>
#include <string_view>

namespace ferry::file {

// How many "name-N" variants a move or a write tries before it gives up.
inline constexpr unsigned kMaxSuffix = 10000;

// Throws std::system_error for the errno value `error`, with the sentence `what`.
[[noreturn]] void failWithErrno(int error, const std::string& what);

// Renames `from` to `to` unless `to` exists. Returns false when it exists; throws
// std::system_error (naming both paths) for any other failure.
bool renameNoReplace(const std::string& from, const std::string& to);

// "a.hl7", 2 -> "a-2.hl7"; "a", 2 -> "a-2"; the suffix goes before the last extension.
std::string withSuffix(std::string_view name, unsigned n);

// Moves `from` into `folder` as `name`, or the first free "name-N" (N < 10000). Returns the
// final path; throws std::system_error when no name is free or the move fails.
std::string moveUnique(const std::string& from, const std::string& folder, std::string_view name);

// fsync() on a folder, so that a rename or create inside it is on disk.
void syncFolder(const std::string& folder);

std::string joinPath(std::string_view folder, std::string_view name);

}  // namespace ferry::file
