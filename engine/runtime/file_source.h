#pragma once
// A source channel that polls a folder: each file may hold one or many HL7 v2 messages (any
// framing the splitter understands). Every message goes through the same intake as MLLP (store
// first, then process); the file moves to done/ only after its messages are committed, or to
// error/ when one of them was rejected — its bytes are in the store either way.

#include <memory>
#include <stop_token>
#include <thread>

#include "channels/file/poller.h"
#include "engine/runtime/config.h"
#include "engine/runtime/hl7_intake.h"

namespace ferry::runtime {

class FileSource {
 public:
  FileSource(const ChannelConfig& channel, Hl7Intake& intake);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  void start();
  void stop();  // finishes the file in progress

  // One pass over the folder, for tests and for start-up.
  file::Poller::Result pollOnce();

 private:
  bool handleFile(const std::string& path, std::string bytes);

  Hl7Intake& intake_;
  file::Poller poller_;
  std::jthread thread_;
};

}  // namespace ferry::runtime
