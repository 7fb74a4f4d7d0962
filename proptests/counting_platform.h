// CountingPlatform: a Platform decorator that counts the questions the loop
// asks, so a test can tell that two runs asked the same ones (a traced and an
// untraced run must: replay depends on it).
//
// Threading: as the platform it wraps; the counts are read on the loop thread.
#ifndef TWINLOOP_PROPTESTS_COUNTING_PLATFORM_H_
#define TWINLOOP_PROPTESTS_COUNTING_PLATFORM_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "platform/platform.h"

namespace proptests {

struct PlatformCalls {
  int64_t now = 0;
  int64_t poll = 0;
  int64_t submit = 0;
  int64_t network = 0;
  int64_t io = 0;
  int64_t net = 0;
  int64_t cancel = 0;
  int64_t cpu = 0;
  bool operator==(const PlatformCalls&) const = default;
};

class CountingPlatform : public platform::Platform {
 public:
  explicit CountingPlatform(platform::Platform* inner) : inner_(inner) {}
  const PlatformCalls& calls() const { return calls_; }

  base::Instant Now() override {
    ++calls_.now;
    return inner_->Now();
  }
  absl::Status Poll(base::Duration timeout, std::vector<platform::Completion>* out) override {
    ++calls_.poll;
    return inner_->Poll(timeout, out);
  }
  std::shared_ptr<platform::Waker> waker() override { return inner_->waker(); }
  void SubmitWork(uint64_t token, platform::PoolWork&& work) override {
    ++calls_.submit;
    inner_->SubmitWork(token, std::move(work));
  }
  void SubmitIo(uint64_t token, platform::PoolIo io) override {
    ++calls_.io;
    inner_->SubmitIo(token, std::move(io));
  }
  void SubmitNet(uint64_t token, platform::NetOp&& op) override {
    ++calls_.net;
    inner_->SubmitNet(token, std::move(op));
  }
  void StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) override {
    ++calls_.network;
    inner_->StartNetwork(token, trip);
  }
  absl::Status Cancel(uint64_t token) override {
    ++calls_.cancel;
    return inner_->Cancel(token);
  }
  absl::StatusOr<base::Instant> ConsumeCpu(base::Duration d) override {
    ++calls_.cpu;
    return inner_->ConsumeCpu(d);
  }
  platform::PoolStats pool_stats() override { return inner_->pool_stats(); }
  platform::TraceSink* trace() override { return inner_->trace(); }

 private:
  platform::Platform* inner_;
  PlatformCalls calls_;
};

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_COUNTING_PLATFORM_H_
