// Platform: everything the loop core needs from the outside world.
//
// This interface is the only way nondeterminism reaches the core: the time it
// reads (Now), what Poll returns and in which order, and what each completion
// says. Record those and a run can be replayed: platform/replay wraps any
// platform to record them and plays them back (platform/RECORD.md). The simulated platform
// (platform/sim) answers from a virtual clock; the real one (platform/real)
// from the kernel and threads. The core never includes either.
//
// The loop asks for operations (compute, wait, run pool work, do pool I/O,
// use TCP, make a network round trip); how long one takes is the platform's business: the
// simulator's models decide it, the real platform measures it.
//
// Completions carry a status and a result (a byte count, data, an accepted
// connection), so files and sockets fit without another redesign. A
// completion may ask to be deferred to the loop's next pending phase, as
// libuv defers some I/O callbacks (uv__io_feed).
//
// Lifecycle: a platform must outlive the loops that use it. When a loop
// shuts down (Loop::Shutdown, or its destructor) it calls Cancel for every
// request still outstanding and never polls again, so a platform must let
// work it could not cancel (pool work already running) finish or be
// abandoned safely when the platform itself is destroyed.
//
// Threading: every method is called from the loop thread only. The Waker a
// platform hands out is the one thing any thread may use. Pool work bodies
// run on pool threads.
#ifndef TWINLOOP_PLATFORM_PLATFORM_H_
#define TWINLOOP_PLATFORM_PLATFORM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/time_units.h"
#include "platform/net_op.h"
#include "platform/pool_io.h"
#include "platform/trace.h"

namespace platform {

using base::Duration;
using base::Instant;

// Poll with this timeout waits until something completes.
inline constexpr Duration kWaitForever = Duration::Max();

// One step of the cost of a pool task. kCpu needs a core for `duration`
// (hashing, compression); kWait holds the pool thread but no core (disk,
// getaddrinfo). The real platform computes (in thread CPU time) or sleeps for
// the duration; the simulated one models both exactly.
struct Segment {
  enum class Kind { kCpu, kWait };
  Kind kind;
  Duration duration;
};

// Most work has one or two segments: they live inline, so a submission
// allocates nothing for them (a vector per task showed in the simulator's
// profile).
using Segments = absl::InlinedVector<Segment, 2>;

// Work for the thread pool: a cost profile and an optional body that runs on
// the pool thread once the segments are done.
//
// `kind` follows libuv's UV__WORK_CPU, UV__WORK_FAST_IO and UV__WORK_SLOW_IO
// (src/threadpool.c): slow I/O (getaddrinfo, dns.lookup) may hold at most
// (pool_size + 1) / 2 threads at once, so it never starves fs work
// (nodejs/node#8436). Slow work that would pass that cap waits, in its own
// FIFO order, while other work behind it may start.
struct PoolWork {
  enum class Kind { kCpu, kFastIo, kSlowIo };
  // The body first: its 16-byte alignment would otherwise pad the struct
  // from 80 to 96 bytes (every queued task holds one).
  absl::AnyInvocable<void()> body;
  Segments segments;
  Kind kind = Kind::kCpu;
};

// The most slow-I/O work a pool of `pool_size` threads runs at once.
inline constexpr int SlowIoThreads(int pool_size) { return (pool_size + 1) / 2; }

// Whether a free thread may take work of this kind now, with
// `slow_running` slow-I/O tasks on threads: slow work past the cap waits.
inline constexpr bool MayStartWork(PoolWork::Kind kind, int slow_running, int pool_size) {
  return kind != PoolWork::Kind::kSlowIo || slow_running < SlowIoThreads(pool_size);
}

// The first task of a FIFO pool queue that a free thread may take under the
// slow-I/O cap (MayStartWork), or queue.end(): work behind waiting slow work
// may start. `kind_of` reads an element's PoolWork::Kind. Both platforms'
// pools take work with it.
template <typename Queue, typename KindOf>
typename Queue::iterator NextEligibleWork(Queue& queue, int slow_running, int pool_size,
                                          KindOf kind_of) {
  if (slow_running < SlowIoThreads(pool_size)) return queue.begin();
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    if (MayStartWork(kind_of(*it), slow_running, pool_size)) return it;
  }
  return queue.end();
}

// The same, for elements with a `work` PoolWork.
template <typename Queue>
typename Queue::iterator NextEligibleWork(Queue& queue, int slow_running, int pool_size) {
  return NextEligibleWork(queue, slow_running, pool_size,
                          [](const auto& e) { return e.work.kind; });
}

// A round trip to a remote peer over an open connection: it holds no pool
// thread. `nominal_latency` is the peer's, as the program describes it; the
// platform decides what the round trip really takes (the simulator adds its
// network model's seeded jitter; the real platform waits on a timer until
// real sockets arrive).
struct NetworkRoundTrip {
  Duration nominal_latency;
};

// What an operation produced, beyond its status.
struct Result {
  int64_t value = 0;  // a byte count, or the platform's id of a new connection
  std::string data;   // bytes read, for operations that return data
};

// Something finished. `token` is the id the core gave the request.
struct Completion {
  uint64_t token = 0;
  absl::Status status;  // OK, CANCELLED, or the operation's error
  Result result;
  Instant time;  // platform time at which it completed
  // Pool work that started: how long it waited in the queue for a thread
  // (zero for other operations, and for work cancelled before it started).
  Duration queue_wait;
  // Run the callback in the next iteration's pending phase rather than in
  // this poll phase (libuv's loop->pending_queue).
  bool deferred = false;
};

// The pool's occupancy, counted by the platform (the loop cannot see when a
// thread takes a task). An observation for metrics: nothing in the core's
// scheduling depends on it.
struct PoolStats {
  int64_t queued = 0;      // tasks waiting for a thread now
  int64_t busy = 0;        // threads running a task now
  int64_t max_queued = 0;  // the most tasks ever waiting at once
  int64_t max_busy = 0;    // the most threads ever busy at once
};

// Wakes the loop: makes a blocked or the next Poll return early. Safe from
// any thread, and coalescing, like uv_async_send; shared so that other
// threads may keep it as long as they like.
class Waker {
 public:
  virtual ~Waker() = default;
  virtual void Wake() = 0;
};

class Platform {
 public:
  virtual ~Platform() = default;

  // Monotonic time. The loop derives its millisecond clock from this
  // (libuv's uv__hrtime / 1e6).
  virtual Instant Now() = 0;

  // Waits up to `timeout` (zero: just look; kWaitForever: until something
  // completes) and appends what completed, in delivery order. Returns an
  // error only when the platform cannot go on: waiting could never end (the
  // simulator knows that nothing is scheduled), or virtual time would pass
  // its limit, including for work SubmitWork or StartNetwork accepted.
  virtual absl::Status Poll(Duration timeout, std::vector<Completion>* out) = 0;

  // The loop's Waker.
  virtual std::shared_ptr<Waker> waker() = 0;

  // Queues pool work (FIFO). Its completion arrives through Poll.
  virtual void SubmitWork(uint64_t token, PoolWork&& work) = 0;

  // Queues pool I/O (platform/pool_io.h) on the same FIFO pool as
  // SubmitWork: fs calls as fast I/O, lookups as slow I/O under the
  // (pool_size + 1) / 2 cap. The platform does the call when a thread takes
  // it; its completion carries what the call gave (status and Result).
  virtual void SubmitIo(uint64_t token, PoolIo io) = 0;

  // A TCP operation (platform/net_op.h). Its completions arrive through
  // Poll: one for most operations, a stream of them for kListen (each
  // accepted connection) and kRead (each chunk) until a final one.
  virtual void SubmitNet(uint64_t token, NetOp&& op) = 0;

  // Starts a network round trip; its completion arrives through Poll.
  virtual void StartNetwork(uint64_t token, NetworkRoundTrip trip) = 0;

  // Cancels a request: pool work that has not started (its body never runs),
  // or a network round trip. On success a CANCELLED completion for `token`
  // arrives through Poll. FAILED_PRECONDITION when pool work already started
  // or finished (uv_cancel's EBUSY); its completion arrives as usual.
  virtual absl::Status Cancel(uint64_t token) = 0;

  // The loop thread computes for `duration`, as a busy callback would.
  // Returns when the work is done, with the time then; time passes
  // meanwhile. An error means the platform cannot go on (the simulator's
  // virtual time limit).
  virtual absl::StatusOr<Instant> ConsumeCpu(Duration duration) = 0;

  // The pool's occupancy now, and its high-water marks.
  virtual PoolStats pool_stats() = 0;

  // Where events go; may be null (no trace).
  virtual TraceSink* trace() = 0;
};

}  // namespace platform

#endif  // TWINLOOP_PLATFORM_PLATFORM_H_
