// ReplayPlatform: plays a record (platform/replay/record.h) back to a loop
// core, in virtual time, with no threads and no sleeping. The core and the
// user's callbacks then run the exact sequence of the recorded run, on
// whichever platform it was recorded: a race seen once on real threads
// replays the same way every time.
//
// Every call must ask for what the record holds next. The first call that
// does not (another kind of call, another pool submission, timeout or CPU
// duration, or any call past the end of the record) is a divergence: the
// platform remembers it (divergence()), and from then on Poll and
// ConsumeCpu fail with ABORTED, so the run stops at its next wait. Finish()
// checks that the program used the whole record.
//
// Pool statistics are observations, not requests: a replay may read them
// or not (metrics on or off) without diverging, and gets the latest the
// record holds.
//
// Pool work bodies run on the loop thread when the record delivers their
// completion (their status comes from the record, whatever the body does).
// Events the recorded platform traced are written to `trace` at the point
// the record has them, so a replay's trace equals the recorded run's.
//
// Threading: the loop thread only; the Waker does nothing (the record
// already says what each poll returned) and is safe from any thread.
#ifndef TWINLOOP_PLATFORM_REPLAY_REPLAY_PLATFORM_H_
#define TWINLOOP_PLATFORM_REPLAY_REPLAY_PLATFORM_H_

#include <cstdint>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "platform/platform.h"
#include "platform/replay/record.h"
#include "platform/trace.h"

namespace platform_replay {

struct Divergence {
  int64_t index = 0;       // of the first input the program did not match
  std::string recorded;    // what the record holds there ("the end of the record")
  std::string program;     // what the program asked for instead ("nothing more")
  std::vector<std::string> context;  // the inputs just before, oldest first

  // Several lines: the index, both sides, and the context.
  std::string Report() const;
};

// The last few inputs a replay (or a determinism check) matched, for the
// context of a divergence report. Inputs are kept as they are and described
// only when a report is made: formatting every matched input would cost a
// replay more than replaying it.
class RecentInputs {
 public:
  // How many matched inputs a divergence report shows before it.
  static constexpr size_t kSize = 5;
  void Add(const Input& in) {
    ring_[next_] = in;  // reuses the slot's buffers
    next_ = (next_ + 1) % kSize;
    if (size_ < kSize) ++size_;
  }
  // The divergence at input `index`, with these inputs as its context.
  Divergence At(int64_t index, std::string recorded, std::string program) const;

 private:
  std::array<Input, kSize> ring_;
  size_t next_ = 0;
  size_t size_ = 0;
};

class ReplayPlatform : public platform::Platform {
 public:
  ReplayPlatform(RecordReader reader, platform::TraceSink* trace);

  base::Instant Now() override;
  absl::Status Poll(base::Duration timeout, std::vector<platform::Completion>* out) override;
  std::shared_ptr<platform::Waker> waker() override { return waker_; }
  void SubmitWork(uint64_t token, platform::PoolWork&& work) override;
  void SubmitIo(uint64_t token, platform::PoolIo io) override;
  void SubmitNet(uint64_t token, platform::NetOp&& op) override;
  void StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) override;
  absl::Status Cancel(uint64_t token) override;
  absl::StatusOr<base::Instant> ConsumeCpu(base::Duration duration) override;
  platform::PoolStats pool_stats() override;
  platform::TraceSink* trace() override { return trace_; }

  const RecordHeader& header() const { return reader_.header(); }
  // Call when the run is over: a record with inputs left is a divergence
  // too (the program stopped early).
  void Finish();
  const std::optional<Divergence>& divergence() const { return divergence_; }
  int64_t inputs_used() const { return reader_.index(); }

 private:
  // Writes the recorded platform events that come before the next call.
  void EmitEvents();
  // The next recorded input if it asks for the same as `asked`; otherwise
  // records the divergence and returns null.
  const Input* Match(const Input& asked);
  void Diverge(std::string recorded, std::string program);
  absl::Status DivergedError() const;

  RecordReader reader_;
  platform::TraceSink* const trace_;
  std::shared_ptr<platform::Waker> waker_;
  std::optional<Divergence> divergence_;
  RecentInputs recent_;
  base::Instant last_time_;
  platform::PoolStats stats_;
  absl::flat_hash_map<uint64_t, absl::AnyInvocable<void()>> bodies_;
};

}  // namespace platform_replay

#endif  // TWINLOOP_PLATFORM_REPLAY_REPLAY_PLATFORM_H_
