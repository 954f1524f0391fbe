#include "channels/file/poller.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "channels/file/fs_ops.h"

namespace ferry::file {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

std::string errnoText(int error) { return std::generic_category().message(error); }

// Reads up to max + 1 bytes, so that a file that grew past the limit is noticed.
enum class ReadStatus { Ok, Vanished, TooLarge, Failed };

ReadStatus readFile(const std::string& path, std::uintmax_t max, std::string& bytes, struct stat& info,
                    std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return ReadStatus::Vanished;
    error = errnoText(errno);
    return ReadStatus::Failed;
  }
  ReadStatus status = ReadStatus::Ok;
  if (::fstat(fd, &info) != 0) {
    error = errnoText(errno);
    status = ReadStatus::Failed;
  } else if (static_cast<std::uintmax_t>(info.st_size) > max) {
    status = ReadStatus::TooLarge;
  } else {
    bytes.reserve(static_cast<std::size_t>(info.st_size));
    char buf[kReadChunk];
    while (true) {  // ends at EOF, on error, or once past the limit
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = errnoText(errno);
        status = ReadStatus::Failed;
        break;
      }
      if (n == 0) break;
      bytes.append(buf, static_cast<std::size_t>(n));
      if (bytes.size() > max) {
        status = ReadStatus::TooLarge;
        break;
      }
    }
  }
  ::close(fd);
  return status;
}

std::chrono::system_clock::time_point modifiedTime(const struct stat& info) {
  const auto since_epoch = std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec);
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
}

}  // namespace

Poller::Poller(Config config) : config_(std::move(config)) {
  if (config_.folder.empty()) throw std::invalid_argument("file poller: folder is empty");
  if (config_.pattern.empty()) throw std::invalid_argument("file poller '" + config_.folder + "': pattern is empty");
  if (config_.pattern.find('/') != std::string::npos) {
    throw std::invalid_argument("file poller '" + config_.folder + "': pattern '" + config_.pattern + "' must not contain '/'");
  }
  if (config_.interval.count() <= 0) throw std::invalid_argument("file poller '" + config_.folder + "': interval must be positive");
  if (config_.max_files_per_poll == 0) throw std::invalid_argument("file poller '" + config_.folder + "': max_files_per_poll must be positive");
  done_folder_ = joinPath(config_.folder, "done");
  error_folder_ = joinPath(config_.folder, "error");
}

std::vector<Poller::Candidate> Poller::list(Result& result) const {
  std::vector<Candidate> files;
  std::error_code ec;
  fs::directory_iterator it(config_.folder, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (::fnmatch(config_.pattern.c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
    std::error_code entry_ec;
    if (!fs::is_regular_file(it->symlink_status(entry_ec))) continue;  // symlinks and folders are not picked up
    const auto modified = it->last_write_time(entry_ec);
    const auto size = it->file_size(entry_ec);
    if (entry_ec) continue;  // vanished while listing
    files.push_back(Candidate{it->path().string(), name, modified, size});
  }
  if (ec) result.errors.push_back("cannot list folder '" + config_.folder + "': " + ec.message());
  std::sort(files.begin(), files.end(), [](const Candidate& a, const Candidate& b) {
    return a.modified != b.modified ? a.modified < b.modified : a.name < b.name;
  });
  return files;
}

Poller::Result Poller::poll(const Handler& handler) {
  Result result;
  std::error_code ec;
  if (!fs::is_directory(config_.folder, ec)) {
    result.errors.push_back("folder '" + config_.folder + "' does not exist or is not a folder");
    return result;
  }
  for (const auto& sub : {done_folder_, error_folder_}) {
    fs::create_directory(sub, ec);
    if (ec) {
      result.errors.push_back("cannot create folder '" + sub + "': " + ec.message());
      return result;
    }
  }
  const auto files = list(result);
  std::erase_if(decided_, [&](const auto& entry) {  // forget files someone else has moved away
    return std::none_of(files.begin(), files.end(), [&](const Candidate& c) { return c.path == entry.first; });
  });
  const auto now = std::chrono::file_clock::now();
  std::size_t handled = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (now - files[i].modified < config_.min_age) {
      result.too_young += files.size() - i;  // sorted oldest first: the rest are younger still
      break;
    }
    if (handled++ == config_.max_files_per_poll) break;
    process(files[i], handler, result);
  }
  return result;
}

void Poller::process(const Candidate& file, const Handler& handler, Result& result) {
  if (file.size > config_.max_file_bytes) {
    struct stat info {};
    if (::lstat(file.path.c_str(), &info) == 0) {
      moveTo(file, false, true, FileId{info.st_dev, info.st_ino}, result);
    }
    return;
  }
  std::string bytes;
  std::string error;
  struct stat info {};
  const ReadStatus status = readFile(file.path, config_.max_file_bytes, bytes, info, error);
  const FileId id{info.st_dev, info.st_ino};
  switch (status) {
    case ReadStatus::Vanished:
      return;
    case ReadStatus::Failed:
      ++result.left;
      result.errors.push_back("cannot read '" + file.path + "': " + error);
      return;
    case ReadStatus::TooLarge:
      moveTo(file, false, true, id, result);
      return;
    case ReadStatus::Ok:
      break;
  }
  // Changed since it was listed: still being written.
  if (std::chrono::system_clock::now() - modifiedTime(info) < config_.min_age) {
    ++result.too_young;
    return;
  }
  if (const auto it = decided_.find(file.path); it != decided_.end() && it->second.id == id) {
    moveTo(file, it->second.accepted, false, id, result);  // committed earlier; only the move failed
    return;
  }
  bool accepted = false;
  try {
    accepted = handler(file.path, std::move(bytes));
  } catch (const std::exception& e) {
    ++result.left;
    result.errors.push_back("handler failed for '" + file.path + "', file left in place: " + e.what());
    return;
  } catch (...) {
    ++result.left;
    result.errors.push_back("handler failed for '" + file.path + "', file left in place");
    return;
  }
  moveTo(file, accepted, false, id, result);
}

void Poller::moveTo(const Candidate& file, bool accepted, bool oversize, const FileId& id, Result& result) {
  const std::string& target = accepted ? done_folder_ : error_folder_;
  try {
    moveUnique(file.path, target, file.name);
  } catch (const std::system_error& e) {
    ++result.left;
    result.errors.push_back(e.what());
    if (!oversize) decided_[file.path] = Decided{id, accepted};
    return;
  }
  decided_.erase(file.path);
  try {
    syncFolder(target);
    syncFolder(config_.folder);
  } catch (const std::system_error& e) {
    result.errors.push_back(e.what());  // moved, but the move may not survive a power cut
  }
  if (oversize) {
    ++result.oversize;
    result.errors.push_back("'" + file.path + "' is larger than " + std::to_string(config_.max_file_bytes) +
                            " bytes and was moved to error/ unread");
  } else if (accepted) {
    ++result.done;
  } else {
    ++result.failed;
  }
}

void Poller::run(const Handler& handler, std::stop_token stop, const std::function<void(const Result&)>& on_result) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    const Result result = poll(handler);
    if (on_result) on_result(result);
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, config_.interval, [] { return false; });
  }
}

}  // namespace ferry::file
