#include "channels/file/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "channels/file/fs_ops.h"

namespace ferry::file {

namespace {

// NAME_MAX is 255; the temporary name adds a dot and ".tmp-XXXXXX", a collision "-NNNN".
constexpr std::size_t kMaxName = 200;

std::string safe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

std::string utcTimestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void writeAll(int fd, std::string_view bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {  // each turn writes at least one byte or fails
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) failWithErrno(n < 0 ? errno : EIO, "cannot write '" + path + "'");
    done += static_cast<std::size_t>(n);
  }
}

// Writes and fsyncs a hidden temporary file next to the final name; returns its path.
std::string writeTemporary(const std::string& folder, const std::string& name, std::string_view bytes,
                           unsigned permissions) {
  std::string temp = joinPath(folder, "." + name + ".tmp-XXXXXX");
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) failWithErrno(errno, "cannot create a temporary file in '" + folder + "'");
  try {
    if (::fchmod(fd, static_cast<mode_t>(permissions)) != 0) failWithErrno(errno, "cannot set permissions on '" + temp + "'");
    writeAll(fd, bytes, temp);
    if (::fsync(fd) != 0) failWithErrno(errno, "cannot sync '" + temp + "'");
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    failWithErrno(error, "cannot close '" + temp + "'");
  }
  return temp;
}

}  // namespace

Writer::Writer(Config config) : config_(std::move(config)) {
  if (config_.folder.empty()) throw std::invalid_argument("file writer: folder is empty");
  const std::string where = "file writer '" + config_.folder + "': ";
  if (config_.filename_template.empty()) throw std::invalid_argument(where + "filename template is empty");
  if (config_.filename_template.find('/') != std::string::npos || config_.extension.find('/') != std::string::npos) {
    throw std::invalid_argument(where + "filename template and extension must not contain '/'");
  }
  for (std::size_t open = config_.filename_template.find('{'); open != std::string::npos;
       open = config_.filename_template.find('{', open + 1)) {
    const auto close = config_.filename_template.find('}', open);
    const std::string name = config_.filename_template.substr(open, close == std::string::npos ? close : close - open + 1);
    if (name != "{id}" && name != "{channel}" && name != "{timestamp}") {
      throw std::invalid_argument(where + "unknown placeholder '" + name +
                                  "' in filename template (use {id}, {channel}, {timestamp})");
    }
  }
  if (!config_.extension.empty() && config_.extension.front() != '.') config_.extension.insert(0, ".");
  std::filesystem::create_directories(config_.folder);  // throws filesystem_error (a system_error)
}

std::string Writer::fileName(std::string_view id) const {
  std::string name;
  const std::string& tpl = config_.filename_template;
  for (std::size_t i = 0; i < tpl.size();) {
    if (tpl.compare(i, 4, "{id}") == 0) {
      name += safe(id);
      i += 4;
    } else if (tpl.compare(i, 9, "{channel}") == 0) {
      name += safe(config_.channel);
      i += 9;
    } else if (tpl.compare(i, 11, "{timestamp}") == 0) {
      name += utcTimestamp();
      i += 11;
    } else {
      name += tpl[i++];
    }
  }
  name = safe(name);
  if (name.empty() || name.front() == '.') name.insert(0, "_");  // never a hidden file
  const std::size_t room = kMaxName > config_.extension.size() ? kMaxName - config_.extension.size() : 1;
  if (name.size() > room) name.resize(room);
  return name + config_.extension;
}

std::string Writer::write(std::string_view bytes, std::string_view id) const {
  const std::string name = fileName(id);
  const std::string stem = name.substr(0, name.size() - config_.extension.size());
  const std::string temp = writeTemporary(config_.folder, name, bytes, config_.permissions);
  try {
    for (unsigned n = 0; n < kMaxSuffix; ++n) {
      const std::string final_path = joinPath(config_.folder, n == 0 ? name : stem + "-" + std::to_string(n) + config_.extension);
      if (renameNoReplace(temp, final_path)) {
        syncFolder(config_.folder);
        return final_path;
      }
    }
    failWithErrno(EEXIST, "cannot write '" + name + "': " + std::to_string(kMaxSuffix) + " names are taken in '" +
                              config_.folder + "'");
  } catch (...) {
    ::unlink(temp.c_str());  // harmless when the rename already happened: the temp name is gone
    throw;
  }
}

}  // namespace ferry::file
