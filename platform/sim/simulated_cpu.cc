#include "platform/sim/simulated_cpu.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"

namespace platform_sim {
namespace {

// a * b / c for a, b >= 0 and c > 0, rounded down, and rounded up, capped at
// INT64_MAX. In 64 bits when a * b fits (128-bit division is a library call,
// and these run on every start and finish of CPU work), else in 128.
int64_t MulDivFloor(int64_t a, int64_t b, int64_t c) {
  int64_t ab;
  if (!__builtin_mul_overflow(a, b, &ab)) return ab / c;
  const __int128 q = static_cast<__int128>(a) * b / c;
  return q > INT64_MAX ? INT64_MAX : static_cast<int64_t>(q);
}

int64_t MulDivCeil(int64_t a, int64_t b, int64_t c) {
  int64_t ab;
  if (!__builtin_mul_overflow(a, b, &ab) && ab <= INT64_MAX - (c - 1)) return (ab + c - 1) / c;
  const __int128 q = (static_cast<__int128>(a) * b + c - 1) / c;
  return q > INT64_MAX ? INT64_MAX : static_cast<int64_t>(q);
}

}  // namespace

SimulatedCpu::SimulatedCpu(fakeclock::EventQueue* events, int cores, OnFault on_fault)
    : events_(events), cores_(cores), on_fault_(std::move(on_fault)), last_update_(events->Now()) {}

absl::Status SimulatedCpu::Start(Duration work, Client* client, uint64_t tag) {
  ABSL_RAW_CHECK(client != nullptr, "SimulatedCpu::Start without a client");
  Settle();
  jobs_.push_back({std::max<int64_t>(work.nanos(), 0), client, tag});
  absl::Status s = Reschedule();
  // Take the job back; the others keep the finish they had (none, after a
  // fault).
  if (!s.ok()) jobs_.pop_back();
  return s;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void SimulatedCpu::Settle() {
  const Instant now = events_->Now();
  const int64_t dt = (now - last_update_).nanos();
  last_update_ = now;
  if (dt == 0 || jobs_.empty()) return;
  const int64_t n = static_cast<int64_t>(jobs_.size());
  // Each job progresses at min(1, cores/n); rounded down to whole ns.
  const int64_t progress = n <= cores_ ? dt : MulDivFloor(dt, cores_, n);
  for (Job& j : jobs_) j.remaining_ns -= progress;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::Status SimulatedCpu::Reschedule() {
  if (jobs_.empty()) {
    if (finish_event_) events_->Cancel(*finish_event_);
    finish_event_.reset();
    return absl::OkStatus();
  }
  int64_t least = jobs_.front().remaining_ns;
  for (const Job& j : jobs_) least = std::min(least, j.remaining_ns);
  least = std::max<int64_t>(least, 0);
  const int64_t n = static_cast<int64_t>(jobs_.size());
  // Time for the least job to finish at rate cores/n, rounded up to whole ns,
  // capped: a delay past the time limit is refused before anything moves.
  const int64_t wide = n <= cores_ ? least : MulDivCeil(least, n, cores_);
  const Instant at =  // saturating
      events_->Now() +
      Duration::Nanos(std::min<int64_t>(wide, fakeclock::kMaxVirtualTime.nanos() + 1));
  if (at > fakeclock::kMaxVirtualTime) {
    return fakeclock::TimeLimitError(
        absl::StrCat("CPU work shared by ", jobs_.size(), " threads on ", cores_, " cores"));
  }
  // The pending finish moves rather than being cancelled and scheduled
  // anew: the same order of events, without the churn (this runs on every
  // start and finish of simulated CPU work).
  if (finish_event_ && events_->Reschedule(*finish_event_, at).ok()) return absl::OkStatus();
  if (finish_event_) events_->Cancel(*finish_event_);
  finish_event_.reset();
  absl::StatusOr<fakeclock::EventId> id = events_->ScheduleAt(at, this, 0);
  ABSL_RAW_CHECK(id.ok(), "the CPU's finish event could not be scheduled in time");
  finish_event_ = *id;
  return absl::OkStatus();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void SimulatedCpu::OnFinish() {
  finish_event_.reset();
  Settle();
  // The spare buffer is taken, so that a finish nested in a client's call
  // would get its own.
  std::vector<Job> finished = std::move(spare_);
  finished.clear();
  auto keep = jobs_.begin();
  for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
    if (it->remaining_ns <= 0) {
      finished.push_back(*it);
    } else {
      if (keep != it) *keep = *it;
      ++keep;
    }
  }
  ABSL_RAW_CHECK(!finished.empty(), "a CPU finish event fired but no job was done");
  jobs_.erase(keep, jobs_.end());
  // On a fault no finish is scheduled: the simulation cannot go on.
  absl::Status s = Reschedule();
  if (!s.ok()) on_fault_(std::move(s));
  for (const Job& job : finished) job.client->OnCpuDone(job.tag);
  finished.clear();
  spare_ = std::move(finished);
}

void SimulatedCpu::OnEvent(uint64_t) { OnFinish(); }

}  // namespace platform_sim
