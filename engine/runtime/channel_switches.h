#pragma once
// Applies the operators' channel switches kept in the store (Store::pausedChannels, set by
// `ferry pause` / `ferry resume`, possibly from another process) to the running engine: the
// store is read once per interval and each channel whose state changed is handed to `apply`.
// One small read a second, instead of a read per delivery batch in every worker.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "engine/runtime/config.h"
#include "engine/store/store.h"

namespace ferry::runtime {

// What operators are told of a channel: "disabled" (in its configuration), "paused" (by a
// switch in the store, `paused` as Store::pausedChannels returns them) or "running".
std::string_view channelState(const ChannelConfig& channel, const std::set<std::string>& paused);

class ChannelSwitches {
 public:
  using Apply = std::function<void(const std::string& channel, bool paused)>;

  // `paused` is the state already applied (read at start, before the workers ran).
  ChannelSwitches(store::Store& store, std::set<std::string> paused, Apply apply,
                  std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~ChannelSwitches();
  ChannelSwitches(const ChannelSwitches&) = delete;
  ChannelSwitches& operator=(const ChannelSwitches&) = delete;

  void start();
  void stop();
  // Reads the store once and applies what changed (the thread calls it every interval).
  void poll();

 private:
  void run();

  store::Store& store_;
  std::set<std::string> paused_;
  const Apply apply_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ferry::runtime
