// RecordingPlatform: a decorator that records, at the platform seam, every
// input any platform gives the loop core (platform/replay/record.h), while
// passing every call through unchanged.
//
// The platform's own trace events (pool start and finish, with their
// thread) may go through an EventCapture, given to the wrapped platform as
// its trace sink; they are then recorded with the inputs and passed on to
// the run's trace sink, so a replay writes the same trace. Without a capture
// (null) only the inputs are recorded, and a replay traces the loop's events
// only; tracing the platform's events costs far more than recording inputs.
//
//   RecordWriter writer(header, write_bytes);
//   WriterSink sink(&writer);
//   EventCapture capture(user_trace);
//   auto sim = SimulatedPlatform::Create({..., .trace = &capture});
//   RecordingPlatform recording(sim->get(), &sink, &capture, user_trace);
//   runtime::Loop loop(&recording);
//   ... run ...
//   writer.Finish();
//
// Threading: the platform's rules (the loop thread, except the Waker). The
// EventCapture may be called from any thread (pool threads on the real
// platform); its events are written into the record on the loop thread, at
// the next call through the seam.
#ifndef TWINLOOP_PLATFORM_REPLAY_RECORDING_PLATFORM_H_
#define TWINLOOP_PLATFORM_REPLAY_RECORDING_PLATFORM_H_

#include <memory>
#include <mutex>
#include <vector>

#include "platform/platform.h"
#include "platform/replay/record.h"
#include "platform/trace.h"

namespace platform_replay {

// Where a RecordingPlatform puts inputs: a RecordWriter, or a checker that
// compares them with an earlier record (CheckDeterminism).
class InputSink {
 public:
  virtual ~InputSink() = default;
  virtual void Append(const Input& in) = 0;
  // The hot paths, which a writer encodes without building an Input.
  virtual void AppendPoll(base::Duration timeout, const platform::Completion* done, size_t n);
  virtual void AppendSubmit(uint64_t token, const platform::PoolWork& work);
  virtual void AppendNow(base::Instant t);

 private:
  Input scratch_;
};

class WriterSink : public InputSink {
 public:
  explicit WriterSink(RecordWriter* writer) : writer_(writer) {}
  void Append(const Input& in) override { writer_->Append(in); }
  void AppendPoll(base::Duration timeout, const platform::Completion* done, size_t n) override {
    writer_->AppendPoll(timeout, done, n);
  }
  void AppendSubmit(uint64_t token, const platform::PoolWork& work) override {
    writer_->AppendSubmit(token, work.kind, work.segments);
  }
  void AppendNow(base::Instant t) override { writer_->AppendNow(t); }

 private:
  RecordWriter* writer_;
};

// A TraceSink for the wrapped platform: keeps its events for the record and
// passes them on to `next` (may be null).
class EventCapture : public platform::TraceSink {
 public:
  explicit EventCapture(platform::TraceSink* next) : next_(next) {}
  void Record(platform::TraceEvent e) override;
  // Moves the events captured since the last call, in the order they came,
  // into the empty `out` (swapping buffers, so neither side reallocates).
  void Take(std::vector<platform::TraceEvent>* out);

 private:
  platform::TraceSink* const next_;
  std::mutex mu_;
  std::vector<platform::TraceEvent> events_;
};

class RecordingPlatform : public platform::Platform {
 public:
  // `inner`, `sink` and `capture` (may be null) must outlive this; `trace`
  // is the run's trace sink (the one `capture` passes events on to), or
  // null.
  RecordingPlatform(platform::Platform* inner, InputSink* sink, EventCapture* capture,
                    platform::TraceSink* trace)
      : inner_(inner), sink_(sink), capture_(capture), trace_(trace) {}

  base::Instant Now() override;
  absl::Status Poll(base::Duration timeout, std::vector<platform::Completion>* out) override;
  std::shared_ptr<platform::Waker> waker() override { return inner_->waker(); }
  void SubmitWork(uint64_t token, platform::PoolWork&& work) override;
  void SubmitIo(uint64_t token, platform::PoolIo io) override;
  void SubmitNet(uint64_t token, platform::NetOp&& op) override;
  void StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) override;
  absl::Status Cancel(uint64_t token) override;
  absl::StatusOr<base::Instant> ConsumeCpu(base::Duration duration) override;
  platform::PoolStats pool_stats() override;
  platform::TraceSink* trace() override { return trace_; }

 private:
  // Records the platform's events captured so far: they come before the
  // input of the call during (or before) which they happened. Inline test
  // first: an untraced recording pays no call for it.
  void RecordEvents() {
    if (capture_ != nullptr) TakeEvents();
  }
  void TakeEvents();

  platform::Platform* const inner_;
  InputSink* const sink_;
  EventCapture* const capture_;
  platform::TraceSink* const trace_;
  // Reused for every call: an Input holds vectors and strings, and building
  // one per call showed in the profile. Fields a kind does not use are
  // ignored by the sink.
  Input scratch_;
  std::vector<platform::TraceEvent> events_;
};

}  // namespace platform_replay

#endif  // TWINLOOP_PLATFORM_REPLAY_RECORDING_PLATFORM_H_
