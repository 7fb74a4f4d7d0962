#include "platform/replay/recording_platform.h"

#include <utility>

namespace platform_replay {

void EventCapture::Record(platform::TraceEvent e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
  }
  if (next_ != nullptr) next_->Record(std::move(e));
}

std::vector<platform::TraceEvent> EventCapture::Take() {
  std::vector<platform::TraceEvent> out;
  std::lock_guard<std::mutex> lock(mu_);
  out.swap(events_);
  return out;
}

void RecordingPlatform::RecordEvents() {
  if (capture_ == nullptr) return;
  for (platform::TraceEvent& e : capture_->Take()) {
    Input in;
    in.kind = Input::Kind::kEvent;
    in.event = std::move(e);
    sink_->Append(in);
  }
}

base::Instant RecordingPlatform::Now() {
  const base::Instant t = inner_->Now();
  RecordEvents();
  scratch_.kind = Input::Kind::kNow;
  scratch_.time = t;
  sink_->Append(scratch_);
  return t;
}

absl::Status RecordingPlatform::Poll(base::Duration timeout, std::vector<platform::Completion>* out) {
  const size_t before = out->size();
  const absl::Status s = inner_->Poll(timeout, out);
  RecordEvents();
  // A poll that fails ends the run; the failure is the platform's own (a
  // simulator limit) and replays as the same failure from the program.
  Input in;
  in.kind = Input::Kind::kPoll;
  in.duration = timeout;
  in.completions.assign(out->begin() + static_cast<std::ptrdiff_t>(before), out->end());
  sink_->Append(in);
  return s;
}

void RecordingPlatform::SubmitWork(uint64_t token, platform::PoolWork work) {
  Input in;
  in.kind = Input::Kind::kSubmit;
  in.token = token;
  in.work_kind = work.kind;
  in.segments = work.segments;
  inner_->SubmitWork(token, std::move(work));
  RecordEvents();
  sink_->Append(in);
}

void RecordingPlatform::StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) {
  inner_->StartNetwork(token, trip);
  RecordEvents();
  Input in;
  in.kind = Input::Kind::kNetwork;
  in.token = token;
  in.duration = trip.nominal_latency;
  sink_->Append(in);
}

absl::Status RecordingPlatform::Cancel(uint64_t token) {
  absl::Status s = inner_->Cancel(token);
  RecordEvents();
  Input in;
  in.kind = Input::Kind::kCancel;
  in.token = token;
  in.status = s;
  sink_->Append(in);
  return s;
}

absl::StatusOr<base::Instant> RecordingPlatform::ConsumeCpu(base::Duration duration) {
  absl::StatusOr<base::Instant> t = inner_->ConsumeCpu(duration);
  RecordEvents();
  Input in;
  in.kind = Input::Kind::kCpu;
  in.duration = duration;
  in.status = t.status();
  if (t.ok()) in.time = *t;
  sink_->Append(in);
  return t;
}

platform::PoolStats RecordingPlatform::pool_stats() {
  const platform::PoolStats stats = inner_->pool_stats();
  RecordEvents();
  Input in;
  in.kind = Input::Kind::kPoolStats;
  in.stats = stats;
  sink_->Append(in);
  return stats;
}

}  // namespace platform_replay
