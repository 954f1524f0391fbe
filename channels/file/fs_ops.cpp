#include "channels/file/fs_ops.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace ferry::file {

void failWithErrno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

std::string joinPath(std::string_view folder, std::string_view name) {
  std::string out(folder);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

bool renameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  const int error = errno;
  if (error == EEXIST) return false;
  if (error != EINVAL && error != ENOSYS && error != ENOTSUP) failWithErrno(error, "cannot move '" + from + "' to '" + to + "'");
  // The filesystem lacks RENAME_NOREPLACE: link() refuses an existing target just the same.
  // A crash between link and unlink leaves both names, so the file may be seen twice, never lost.
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return false;
    failWithErrno(errno, "cannot move '" + from + "' to '" + to + "'");
  }
  if (::unlink(from.c_str()) != 0) failWithErrno(errno, "moved '" + from + "' to '" + to + "' but cannot remove the original");
  return true;
}

std::string withSuffix(std::string_view name, unsigned n) {
  const auto dot = name.rfind('.');
  const std::string suffix = "-" + std::to_string(n);
  if (dot == std::string_view::npos || dot == 0) return std::string(name) + suffix;
  return std::string(name.substr(0, dot)) + suffix + std::string(name.substr(dot));
}

std::string moveUnique(const std::string& from, const std::string& folder, std::string_view name) {
  for (unsigned n = 0; n < kMaxSuffix; ++n) {
    const std::string to = joinPath(folder, n == 0 ? std::string(name) : withSuffix(name, n));
    if (renameNoReplace(from, to)) return to;
  }
  failWithErrno(EEXIST, "cannot move '" + from + "': " + std::to_string(kMaxSuffix) + " names are taken in '" + folder + "'");
}

void syncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) failWithErrno(errno, "cannot open folder '" + folder + "' to sync it");
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) failWithErrno(error, "cannot sync folder '" + folder + "'");
}

}  // namespace ferry::file
