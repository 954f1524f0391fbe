#include "engine/runtime/channel_switches.h"

#include <exception>
#include <utility>

namespace ferry::runtime {

std::string_view channelState(const ChannelConfig& channel, const std::set<std::string>& paused) {
  if (!channel.enabled) return "disabled";
  return paused.contains(channel.name) ? "paused" : "running";
}

ChannelSwitches::ChannelSwitches(store::Store& store, std::set<std::string> paused, Apply apply,
                                 std::chrono::milliseconds interval)
    : store_(store), paused_(std::move(paused)), apply_(std::move(apply)), interval_(interval) {}

ChannelSwitches::~ChannelSwitches() { stop(); }

void ChannelSwitches::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ChannelSwitches::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChannelSwitches::poll() {
  std::set<std::string> now;
  try {
    now = store_.pausedChannels();
  } catch (const std::exception&) {
    return;  // a busy or failing store: keep the current state and read again next time
  }
  for (const std::string& channel : now) {
    if (!paused_.contains(channel)) apply_(channel, true);
  }
  for (const std::string& channel : paused_) {
    if (!now.contains(channel)) apply_(channel, false);
  }
  paused_ = std::move(now);
}

void ChannelSwitches::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    poll();
    lock.lock();
  }
}

}  // namespace ferry::runtime
