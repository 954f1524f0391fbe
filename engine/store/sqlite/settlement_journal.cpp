#include "engine/store/sqlite/settlement_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <Poco/Checksum.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <thread>

namespace ferry::store::sqlite {

namespace {

constexpr std::uint32_t kMagic = 0x314A5346;  // "FSJ1"
constexpr const char* kExtension = ".notes";

// --- the record format: magic, body length, body, CRC-32 of the body. Host byte order: the
// file never leaves the machine that wrote it. ---

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void putOptional(std::string& out, const std::optional<std::string>& text) {
  put<std::uint8_t>(out, text ? 1 : 0);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(text ? text->size() : 0));
  if (text) out += *text;
}

std::uint32_t crc32(const std::string& bytes) {
  Poco::Checksum checksum(Poco::Checksum::TYPE_CRC32);
  checksum.update(bytes);
  return checksum.checksum();
}

std::string encode(const NotedSettlement& noted) {
  const DeliverySettlement& s = noted.settlement;
  std::string body;
  put<std::int64_t>(body, s.delivery_id);
  put<std::int32_t>(body, noted.attempts);
  put<std::int64_t>(body, noted.claimed_at_ms);
  put<std::uint8_t>(body, static_cast<std::uint8_t>(s.status));
  put<std::uint8_t>(body, s.next_attempt_at_ms ? 1 : 0);
  put<std::int64_t>(body, s.next_attempt_at_ms.value_or(0));
  putOptional(body, s.error);
  putOptional(body, s.response);
  std::string record;
  put<std::uint32_t>(record, kMagic);
  put<std::uint32_t>(record, static_cast<std::uint32_t>(body.size()));
  record += body;
  put<std::uint32_t>(record, crc32(body));
  return record;
}

// Reads fixed-width values from a byte string; every read is bounds-checked.
class Cursor {
 public:
  explicit Cursor(const std::string& bytes, std::size_t at = 0) : bytes_(bytes), at_(at) {}
  template <typename T>
  std::optional<T> get() {
    if (bytes_.size() - at_ < sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::optional<std::string> take(std::size_t n) {
    if (bytes_.size() - at_ < n) return std::nullopt;
    std::string out = bytes_.substr(at_, n);
    at_ += n;
    return out;
  }
  // An optional text: nullopt when unreadable; a present-but-absent text is {nullopt}.
  std::optional<std::optional<std::string>> getOptional() {
    const auto present = get<std::uint8_t>();
    const auto size = get<std::uint32_t>();
    if (!present || !size) return std::nullopt;
    auto text = take(*size);
    if (!text) return std::nullopt;
    if (*present == 0) return std::optional<std::string>();
    return std::optional<std::string>(std::move(*text));
  }
  std::size_t at() const { return at_; }

 private:
  const std::string& bytes_;
  std::size_t at_;
};

bool settledStatus(std::uint8_t value) {
  const auto status = static_cast<DeliveryStatus>(value);
  return status == DeliveryStatus::Delivered || status == DeliveryStatus::Pending ||
         status == DeliveryStatus::Failed || status == DeliveryStatus::Dead;
}

std::optional<NotedSettlement> decodeBody(const std::string& body) {
  Cursor in(body);
  const auto id = in.get<std::int64_t>();
  const auto attempts = in.get<std::int32_t>();
  const auto claimed_at = in.get<std::int64_t>();
  const auto status = in.get<std::uint8_t>();
  const auto has_next = in.get<std::uint8_t>();
  const auto next = in.get<std::int64_t>();
  auto error = in.getOptional();
  auto response = in.getOptional();
  if (!id || !attempts || !claimed_at || !status || !has_next || !next || !error || !response ||
      !settledStatus(*status) || in.at() != body.size()) {
    return std::nullopt;
  }
  NotedSettlement noted;
  noted.settlement.delivery_id = *id;
  noted.settlement.status = static_cast<DeliveryStatus>(*status);
  if (*has_next != 0) noted.settlement.next_attempt_at_ms = *next;
  noted.settlement.error = std::move(*error);
  noted.settlement.response = std::move(*response);
  noted.attempts = *attempts;
  noted.claimed_at_ms = *claimed_at;
  if (noted.settlement.status == DeliveryStatus::Pending && !noted.settlement.next_attempt_at_ms) {
    return std::nullopt;
  }
  return noted;
}

// The complete records of one file; the first torn or damaged one ends it.
void decodeFile(const std::string& bytes, std::vector<NotedSettlement>& out) {
  Cursor in(bytes);
  for (;;) {
    const auto magic = in.get<std::uint32_t>();
    const auto size = in.get<std::uint32_t>();
    if (!magic || !size || *magic != kMagic) return;
    const auto body = in.take(*size);
    const auto checksum = in.get<std::uint32_t>();
    if (!body || !checksum || *checksum != crc32(*body)) return;
    auto noted = decodeBody(*body);
    if (!noted) return;
    out.push_back(std::move(*noted));
  }
}

bool writeAll(int fd, const std::string& bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

std::string hex(const std::string& text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0f];
  }
  return out;
}

[[noreturn]] void failRecovery(const std::string& folder, const std::string& what) {
  throw StoreError(folder, "Could not recover the delivery notes in " + folder + ": " + what + ".");
}

}  // namespace

SettlementJournal::SettlementJournal(std::string folder) : folder_(std::move(folder)) {}

SettlementJournal::~SettlementJournal() {
  for (auto& [destination, file] : files_) {
    if (file.fd >= 0) ::close(file.fd);
  }
}

std::string SettlementJournal::fileFor(const std::string& destination) {
  // Hex keeps any destination name ("lab/hospital") a plain file name. Each thread writes its
  // own file: a destination with several workers would otherwise share one whose notes are
  // never all forgotten at the same moment, so it would never be emptied under steady load.
  const auto [it, added] = writers_.emplace(std::this_thread::get_id(), writers_.size() + 1);
  return hex(destination) + "." + std::to_string(it->second);
}

SettlementJournal::File* SettlementJournal::open(const std::string& name) {
  File& file = files_[name];
  if (file.fd >= 0) return &file;
  std::error_code ignored;
  std::filesystem::create_directories(folder_, ignored);
  const std::string path = (std::filesystem::path(folder_) / (name + kExtension)).string();
  file.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  return file.fd >= 0 ? &file : nullptr;
}

bool SettlementJournal::note(const std::string& destination, const NotedSettlement& noted) {
  const std::string record = encode(noted);
  std::lock_guard lock(mutex_);
  const std::string name = fileFor(destination);
  File* file = open(name);
  if (file == nullptr || !writeAll(file->fd, record)) return false;
  if (noted_.emplace(noted.settlement.delivery_id, name).second) ++file->outstanding;
  return true;
}

void SettlementJournal::forget(const std::vector<std::int64_t>& delivery_ids) {
  std::lock_guard lock(mutex_);
  for (std::int64_t id : delivery_ids) {
    const auto it = noted_.find(id);
    if (it == noted_.end()) continue;
    File& file = files_[it->second];
    noted_.erase(it);
    if (file.outstanding > 0 && --file.outstanding == 0 && file.fd >= 0) {
      // Everything in the file is in the database now. Should emptying fail, the notes stay;
      // each still names its claim, so none can settle a later one.
      (void)::ftruncate(file.fd, 0);
    }
  }
}

std::vector<NotedSettlement> SettlementJournal::takeAll() {
  std::lock_guard lock(mutex_);
  std::vector<NotedSettlement> notes;
  std::error_code error;
  if (!std::filesystem::is_directory(folder_, error)) return notes;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, error)) {
    if (entry.path().extension() == kExtension) paths.push_back(entry.path());
  }
  if (error) failRecovery(folder_, error.message());
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) failRecovery(folder_, "cannot read " + path.filename().string());
    decodeFile(bytes, notes);
  }
  // Removed before they are applied, and durably: a note that outlived its claim must never be
  // read again by a later start.
  for (auto& [destination, file] : files_) {
    if (file.fd >= 0) ::close(file.fd);
  }
  files_.clear();
  noted_.clear();
  for (const auto& path : paths) {
    if (!std::filesystem::remove(path, error) && error) failRecovery(folder_, error.message());
  }
  const int dir = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) failRecovery(folder_, std::strerror(errno));
  const bool synced = ::fsync(dir) == 0;
  const int why = errno;
  ::close(dir);
  if (!synced) failRecovery(folder_, std::strerror(why));
  return notes;
}

}  // namespace ferry::store::sqlite
