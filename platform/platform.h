// Platform: everything the loop core needs from the outside world.
//
// This interface is the only way nondeterminism reaches the core: the time it
// reads, what Poll returns and in which order, and when pool work completes.
// The simulated platform (platform/sim) answers from a virtual clock; the real
// one (platform/real) from the kernel and threads. The core never includes
// either.
//
// Threading: every method is called from the loop thread only, except
// Wakeup(), which any thread may call. Pool work bodies run on pool threads.
#ifndef TWINLOOP_PLATFORM_PLATFORM_H_
#define TWINLOOP_PLATFORM_PLATFORM_H_

#include <cstdint>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "platform/trace.h"

namespace platform {

using Nanos = int64_t;
inline constexpr Nanos kNanosPerMilli = 1'000'000;

// Poll with this timeout waits until something completes.
inline constexpr Nanos kWaitForever = -1;

// One step of the cost of a pool task. kCpu needs a core for `duration`
// (hashing, compression); kWait holds the pool thread but no core (disk,
// getaddrinfo). The real platform spins or sleeps for the duration when the
// task has no body; the simulated one models both exactly.
struct Segment {
  enum class Kind { kCpu, kWait };
  Kind kind;
  Nanos duration;
};

// Work for the thread pool: a cost profile and an optional body that runs on
// the pool thread once the segments are done.
struct PoolWork {
  std::vector<Segment> segments;
  absl::AnyInvocable<void()> body;
};

// A network round trip: holds no pool thread. `latency` is nominal; the
// platform may add seeded jitter.
struct NetworkRequest {
  Nanos latency = 0;
};

// Something finished. `token` is the id the core gave the request.
struct Completion {
  uint64_t token = 0;
  absl::Status status;  // OK, or CANCELLED for pool work cancelled in time
  Nanos time = 0;       // platform time at which it completed
};

class Platform {
 public:
  virtual ~Platform() = default;

  // Monotonic time in nanoseconds. The loop derives its millisecond clock
  // from this (libuv's uv__hrtime / 1e6).
  virtual Nanos Now() = 0;

  // Waits up to `timeout` ns (0: just look; kWaitForever: until something
  // completes) and appends what completed, in delivery order. Returns an
  // error only when the platform cannot go on: waiting could never end (the
  // simulator knows that nothing is scheduled), or virtual time would pass
  // its limit, including for work SubmitWork or StartNetwork accepted.
  virtual absl::Status Poll(Nanos timeout, std::vector<Completion>* out) = 0;

  // Makes a blocked or the next Poll return early. Any thread.
  virtual void Wakeup() = 0;

  // Queues pool work (FIFO). Its completion arrives through Poll.
  virtual void SubmitWork(uint64_t token, PoolWork work) = 0;

  // Cancels queued work that has not started. On success a CANCELLED
  // completion for `token` arrives through Poll, and the body never runs.
  // Returns FAILED_PRECONDITION when the work already started or finished.
  virtual absl::Status CancelWork(uint64_t token) = 0;

  // Starts a network round trip; its completion arrives through Poll.
  virtual void StartNetwork(uint64_t token, NetworkRequest request) = 0;

  // The loop thread computes for `duration`, as a busy callback would.
  // Returns when the work is done; time passes meanwhile. An error means
  // the platform cannot go on (the simulator's virtual time limit).
  virtual absl::Status ConsumeCpu(Nanos duration) = 0;

  // Where events go; may be null (no trace).
  virtual TraceSink* trace() = 0;
};

}  // namespace platform

#endif  // TWINLOOP_PLATFORM_PLATFORM_H_
