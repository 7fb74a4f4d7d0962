#include "platform/sim/simulated_cpu.h"

#include <algorithm>
#include <utility>

#include "absl/base/internal/raw_logging.h"

namespace platform_sim {

SimulatedCpu::SimulatedCpu(fakeclock::EventQueue* events, int cores)
    : events_(events), cores_(cores), last_update_(events->Now()) {}

void SimulatedCpu::Start(Nanos work, absl::AnyInvocable<void()> done) {
  Settle();
  jobs_.push_back({std::max<Nanos>(work, 0), std::move(done)});
  Reschedule();
}

void SimulatedCpu::Settle() {
  const Nanos now = events_->Now();
  const Nanos dt = now - last_update_;
  last_update_ = now;
  if (dt == 0 || jobs_.empty()) return;
  const __int128 n = static_cast<__int128>(jobs_.size());
  // Each job progresses at min(1, cores/n); rounded down to whole ns.
  const Nanos progress =
      n <= cores_ ? dt : static_cast<Nanos>(static_cast<__int128>(dt) * cores_ / n);
  for (Job& j : jobs_) j.remaining -= progress;
}

void SimulatedCpu::Reschedule() {
  if (finish_event_) {
    events_->Cancel(*finish_event_);
    finish_event_.reset();
  }
  if (jobs_.empty()) return;
  Nanos least = jobs_.front().remaining;
  for (const Job& j : jobs_) least = std::min(least, j.remaining);
  least = std::max<Nanos>(least, 0);
  const __int128 n = static_cast<__int128>(jobs_.size());
  // Time for the least job to finish at rate cores/n, rounded up to whole ns.
  const Nanos delay =
      n <= cores_ ? least
                  : static_cast<Nanos>((static_cast<__int128>(least) * n + cores_ - 1) / cores_);
  finish_event_ = *events_->ScheduleAfter(delay, [this] { OnFinish(); });
}

void SimulatedCpu::OnFinish() {
  finish_event_.reset();
  Settle();
  std::vector<absl::AnyInvocable<void()>> finished;
  auto keep = jobs_.begin();
  for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
    if (it->remaining <= 0) {
      finished.push_back(std::move(it->done));
    } else {
      if (keep != it) *keep = std::move(*it);
      ++keep;
    }
  }
  ABSL_RAW_CHECK(!finished.empty(), "a CPU finish event fired but no job was done");
  jobs_.erase(keep, jobs_.end());
  Reschedule();
  for (auto& done : finished) done();
}

}  // namespace platform_sim
