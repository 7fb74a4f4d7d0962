// SimulatedCpu: `cores` processors shared by every runnable simulated thread.
//
// Processor sharing: with n runnable jobs each gets min(1, cores/n) of a core,
// so 4 jobs of 100 ms on 2 cores all finish at 200 ms. A job is the loop
// thread inside a busy callback or a pool thread in a CPU segment.
//
// Arithmetic is in integer nanoseconds and deterministic. Whenever the set of
// jobs changes, progress since the last change is credited rounded down to a
// whole nanosecond, and the next finish is scheduled rounded up. A job can
// therefore finish at most 1 ns late per change of the runnable set, and never
// early. Jobs that finish at the same instant complete in start order.
//
// A job names who is told when it is done (a Client and a tag) instead of
// holding a callable: jobs start and finish on every simulated pool task,
// and moving callables in and out of the job list showed in the simulator's
// profile.
//
// Threading: single-threaded, driven by its EventQueue.
#ifndef TWINLOOP_PLATFORM_SIM_SIMULATED_CPU_H_
#define TWINLOOP_PLATFORM_SIM_SIMULATED_CPU_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "fakeclock/event_queue.h"

namespace platform_sim {

using base::Duration;
using base::Instant;

class SimulatedCpu : private fakeclock::EventQueue::Target {
 public:
  using OnFault = absl::AnyInvocable<void(absl::Status)>;

  // Hears that a job it started is done.
  class Client {
   public:
    virtual void OnCpuDone(uint64_t tag) = 0;

   protected:
    ~Client() = default;
  };

  // `on_fault` hears of a job whose finish, rescheduled after another job
  // ended, would pass the virtual time limit; the CPU then stops scheduling
  // finishes (the simulation cannot go on).
  SimulatedCpu(fakeclock::EventQueue* events, int cores, OnFault on_fault);
  SimulatedCpu(const SimulatedCpu&) = delete;
  SimulatedCpu& operator=(const SimulatedCpu&) = delete;

  // Starts a job that needs `work` of one core; `client->OnCpuDone(tag)`
  // runs from an event at the instant the work is finished. `work` <= 0
  // finishes at Now(). OUT_OF_RANGE, with nothing started, if some job
  // would then finish past the virtual time limit. `client` must outlive
  // the job.
  absl::Status Start(Duration work, Client* client, uint64_t tag);

  size_t runnable() const { return jobs_.size(); }

 private:
  struct Job {
    int64_t remaining_ns;
    Client* client;
    uint64_t tag;
  };
  // (Declared inline: defined in simulated_cpu.cc and inlined there.)
  // Credits every job with the progress made since last_update_.
  inline void Settle();
  // Moves the finish event to the earliest finisher's finish (or cancels
  // it if no job runs). OUT_OF_RANGE, and the event stays as it was, if
  // that is past the time limit.
  inline absl::Status Reschedule();
  // The finish event (the queue's Target): the earliest jobs are done.
  void OnEvent(uint64_t) override;
  inline void OnFinish();

  fakeclock::EventQueue* events_;
  const int cores_;
  OnFault on_fault_;
  Instant last_update_;
  std::vector<Job> jobs_;  // in start order
  std::optional<fakeclock::EventId> finish_event_;
  std::vector<Job> spare_;  // OnFinish's buffer of finished jobs
};

}  // namespace platform_sim

#endif  // TWINLOOP_PLATFORM_SIM_SIMULATED_CPU_H_
