#pragma once
// Picks up files dropped into a folder (e.g. *.hl7 batches from a lab share). Each poll lists
// the regular files matching a glob, oldest first, skips those modified less than min_age ago
// (they may still be being written), hands each file's bytes to the handler and then moves the
// file to done/ (handler returned true) or error/ (false, or larger than max_file_bytes). The
// engine commits the message inside the handler, so a file leaves the folder only once its
// content is stored. Names already taken in done/ or error/ get a "-N" suffix, never overwritten.
//
// One poller per folder: two pollers on one folder would both read a file before either moves it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

namespace ferry::file {

class Poller {
 public:
  struct Config {
    std::string folder;
    std::string pattern = "*";  // fnmatch(3) glob on the file name; dot-files never match
    std::chrono::milliseconds interval{5'000};  // between polls in run()
    std::chrono::milliseconds min_age{2'000};   // since the last modification
    std::uintmax_t max_file_bytes = 64u << 20;
    std::size_t max_files_per_poll = 1'000;
  };

  // Returns true when the content is committed (file goes to done/), false to reject it (error/).
  // A handler that throws leaves the file where it is, to be offered again on the next poll.
  using Handler = std::function<bool(const std::string& path, std::string bytes)>;

  struct Result {
    std::size_t done = 0;       // moved to done/
    std::size_t failed = 0;     // rejected by the handler, moved to error/
    std::size_t oversize = 0;   // over max_file_bytes, moved to error/ unread
    std::size_t too_young = 0;  // modified less than min_age ago, left for a later poll
    std::size_t left = 0;       // left in place because of an error below
    std::vector<std::string> errors;  // one sentence each, naming the file
  };

  // Throws std::invalid_argument for an empty folder or pattern or a non-positive interval.
  explicit Poller(Config config);

  // One pass. Creates done/ and error/ when missing. Never throws for file system trouble or a
  // throwing handler: that is reported in Result::errors.
  Result poll(const Handler& handler);

  // Polls every interval until stop is requested; on_result (optional) sees each pass.
  void run(const Handler& handler, std::stop_token stop, const std::function<void(const Result&)>& on_result = {});

  const Config& config() const { return config_; }

 private:
  struct Candidate {
    std::string path;
    std::string name;
    std::chrono::file_clock::time_point modified;
    std::uintmax_t size = 0;
  };
  struct FileId {
    std::uintmax_t device = 0;
    std::uintmax_t inode = 0;
    bool operator==(const FileId&) const = default;
  };
  // A file the handler has decided on but that could not be moved yet: only the move is retried,
  // so a committed file is not handed to the handler a second time by this process.
  struct Decided {
    FileId id;
    bool accepted = false;
  };

  std::vector<Candidate> list(Result& result) const;
  void process(const Candidate& file, const Handler& handler, Result& result);
  void moveTo(const Candidate& file, bool accepted, bool oversize, const FileId& id, Result& result);

  Config config_;
  std::string done_folder_;
  std::string error_folder_;
  std::map<std::string, Decided> decided_;
};

}  // namespace ferry::file
