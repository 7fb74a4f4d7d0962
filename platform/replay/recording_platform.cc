#include "platform/replay/recording_platform.h"

#include <utility>

namespace platform_replay {

void InputSink::AppendPoll(base::Duration timeout, const platform::Completion* done, size_t n) {
  scratch_.kind = Input::Kind::kPoll;
  scratch_.duration = timeout;
  scratch_.completions.assign(done, done + n);
  Append(scratch_);
}

void InputSink::AppendSubmit(uint64_t token, const platform::PoolWork& work) {
  scratch_.kind = Input::Kind::kSubmit;
  scratch_.token = token;
  scratch_.work_kind = work.kind;
  scratch_.segments = work.segments;
  Append(scratch_);
}

void InputSink::AppendNow(base::Instant t) {
  scratch_.kind = Input::Kind::kNow;
  scratch_.time = t;
  Append(scratch_);
}

void EventCapture::Record(platform::TraceEvent e) {
  if (next_ == nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
  }
  next_->Record(std::move(e));
}

void EventCapture::Take(std::vector<platform::TraceEvent>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.empty()) return;
  out->swap(events_);
}

void RecordingPlatform::TakeEvents() {
  capture_->Take(&events_);
  for (platform::TraceEvent& e : events_) {
    scratch_.kind = Input::Kind::kEvent;
    scratch_.event = std::move(e);
    sink_->Append(scratch_);
  }
  events_.clear();
}

base::Instant RecordingPlatform::Now() {
  const base::Instant t = inner_->Now();
  RecordEvents();
  sink_->AppendNow(t);
  return t;
}

absl::Status RecordingPlatform::Poll(base::Duration timeout, std::vector<platform::Completion>* out) {
  const size_t before = out->size();
  const absl::Status s = inner_->Poll(timeout, out);
  RecordEvents();
  // A poll that fails ends the run; the failure is the platform's own (a
  // simulator limit) and replays as the same failure from the program.
  sink_->AppendPoll(timeout, out->data() + before, out->size() - before);
  return s;
}

void RecordingPlatform::SubmitWork(uint64_t token, platform::PoolWork&& work) {
  // Events the submission caused come before its entry, so the entry is
  // written after the call, from what the work asked (kept before it moves).
  const platform::PoolWork::Kind kind = work.kind;
  platform::Segments segments;
  if (capture_ != nullptr) segments = work.segments;
  if (capture_ == nullptr) {
    sink_->AppendSubmit(token, work);
    inner_->SubmitWork(token, std::move(work));
    return;
  }
  inner_->SubmitWork(token, std::move(work));
  RecordEvents();
  platform::PoolWork asked;
  asked.kind = kind;
  asked.segments = std::move(segments);
  sink_->AppendSubmit(token, asked);
}

void RecordingPlatform::SubmitIo(uint64_t token, platform::PoolIo io) {
  std::string asked = platform::DescribePoolIo(io);
  inner_->SubmitIo(token, std::move(io));
  RecordEvents();
  scratch_.kind = Input::Kind::kIo;
  scratch_.token = token;
  scratch_.io = std::move(asked);
  sink_->Append(scratch_);
}

void RecordingPlatform::SubmitNet(uint64_t token, platform::NetOp&& op) {
  std::string asked = platform::DescribeNetOp(op);
  inner_->SubmitNet(token, std::move(op));
  RecordEvents();
  scratch_.kind = Input::Kind::kNet;
  scratch_.token = token;
  scratch_.io = std::move(asked);
  sink_->Append(scratch_);
}

void RecordingPlatform::StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) {
  inner_->StartNetwork(token, trip);
  RecordEvents();
  scratch_.kind = Input::Kind::kNetwork;
  scratch_.token = token;
  scratch_.duration = trip.nominal_latency;
  sink_->Append(scratch_);
}

absl::Status RecordingPlatform::Cancel(uint64_t token) {
  absl::Status s = inner_->Cancel(token);
  RecordEvents();
  scratch_.kind = Input::Kind::kCancel;
  scratch_.token = token;
  scratch_.status = s;
  sink_->Append(scratch_);
  return s;
}

absl::StatusOr<base::Instant> RecordingPlatform::ConsumeCpu(base::Duration duration) {
  absl::StatusOr<base::Instant> t = inner_->ConsumeCpu(duration);
  RecordEvents();
  scratch_.kind = Input::Kind::kCpu;
  scratch_.duration = duration;
  scratch_.status = t.status();
  scratch_.time = t.ok() ? *t : base::Instant();
  sink_->Append(scratch_);
  return t;
}

platform::PoolStats RecordingPlatform::pool_stats() {
  const platform::PoolStats stats = inner_->pool_stats();
  RecordEvents();
  scratch_.kind = Input::Kind::kPoolStats;
  scratch_.stats = stats;
  sink_->Append(scratch_);
  return stats;
}

}  // namespace platform_replay
