// RealPlatform: platform::Platform on the machine: libuv as the poller and
// timer source, a thread pool of its own, and thread CPU time for CPU work.
//
// - Now is uv_hrtime, counted from the platform's creation. The first Now
//   after a Poll that stamped TCP or network-timer completions returns that
//   stamp, the clock read as the poll returned: the loop reads the time as
//   soon as Poll returns (uv__io_poll's update after epoll), so the two
//   reads would be nanoseconds apart, and a TCP exchange polls once per
//   message (a read is 16 ns on a KVM guest, 2% of a loopback round trip).
//   Any other call in between (a submit, a cancel, ConsumeCpu) makes Now read
//   the clock again.
// - Poll runs the libuv loop (epoll on Linux, kqueue on BSD and macOS) until
//   a completion is made, the Waker wakes it, or a libuv timer for the
//   timeout runs out. libuv callbacks only collect
//   completions; the loop core runs every user callback in its own phases,
//   never inside a libuv callback. The loop core's phase order is libuv
//   1.46's whatever libuv this links (Debian ships 1.44), since libuv here
//   only polls.
// - The Waker is uv_async_send: any thread, coalescing, and safe to use
//   after the platform is gone (it then does nothing).
// - Pool work runs on a ThreadPool of `pool_size` threads (1..1024, FIFO,
//   libuv's slow-I/O cap), started by the first submission as libuv's pool
//   is; completions reach Poll in the order they finish.
// - Pool I/O (files, dns.lookup) runs on that pool with the system calls
//   libuv makes (platform/real/posix_io.h); its completion carries what the
//   call gave.
// - TCP (platform/net_op.h) is libuv's uv_tcp_t on the same uv_loop_t
//   (tcp_streams.h): reads and writes happen in Poll, and the loop core
//   runs their callbacks in its poll phase. SIGPIPE is ignored process-wide
//   from the first RealPlatform on, as Node ignores it, so a write to a
//   closed peer is an EPIPE error and not a dead process.
// - A network round trip is a libuv timer of its nominal latency: it holds
//   no thread.
// - ConsumeCpu computes on the loop thread until its CPU time has advanced
//   by the duration.
// - The trace gets the same events as on the simulated platform (pool
//   enqueue, start and finish with the pool thread, network completions),
//   stamped with real nanoseconds.
//
// Destroying the platform with work queued or running is defined: queued
// work never runs, running work stops at its next check (its completion is
// never delivered), threads are joined, and libuv's handles are closed.
//
// Threading: the loop thread only, except the Waker (any thread). Pool
// bodies run on pool threads.
#ifndef TWINLOOP_PLATFORM_REAL_REAL_PLATFORM_H_
#define TWINLOOP_PLATFORM_REAL_REAL_PLATFORM_H_

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "platform/platform.h"
#include "platform/real/finish_order.h"
#include "platform/real/posix_io.h"
#include "platform/real/tcp_streams.h"
#include "platform/real/thread_pool.h"

namespace platform_real {

struct RealConfig {
  int pool_size = 4;  // 1..1024, libuv's UV_THREADPOOL_SIZE
  platform::TraceSink* trace = nullptr;
};

inline constexpr int kMaxPoolSize = 1024;

class RealPlatform : public platform::Platform {
 public:
  // INVALID_ARGUMENT on an out-of-range setting; INTERNAL if libuv fails.
  static absl::StatusOr<std::unique_ptr<RealPlatform>> Create(RealConfig config);
  ~RealPlatform() override;

  base::Instant Now() override;
  absl::Status Poll(base::Duration timeout, std::vector<platform::Completion>* out) override;
  std::shared_ptr<platform::Waker> waker() override;
  void SubmitWork(uint64_t token, platform::PoolWork&& work) override;
  void SubmitIo(uint64_t token, platform::PoolIo io) override;
  void SubmitNet(uint64_t token, platform::NetOp&& op) override;
  void StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) override;
  absl::Status Cancel(uint64_t token) override;
  absl::StatusOr<base::Instant> ConsumeCpu(base::Duration duration) override;
  platform::PoolStats pool_stats() override { return pool_->stats(); }
  platform::TraceSink* trace() override { return config_.trace; }

 private:
  class AsyncWaker;
  struct NetworkTimer;

  explicit RealPlatform(RealConfig config);
  absl::Status Init();
  // Poll's wait; Poll then fills in what pool I/O gave.
  absl::Status PollOnce(base::Duration timeout, std::vector<platform::Completion>* out);
  // From pool thread `thread`: a finished task, at `at` (the worker read the
  // clock), in its finish order; wakes the loop.
  void Post(int thread, uint64_t token, absl::Status status, base::Duration queue_wait,
            base::Instant at);
  // Moves the pool's finished work posted so far to `out`, in finish order
  // (ties by thread). Loop thread.
  void TakePoolDone(std::vector<platform::Completion>* out);
  // From the loop's thread (a network timer, a cancellation): in order with
  // the TCP completions, without the lock.
  void PostOnLoop(uint64_t token, absl::Status status);
  void Trace(const std::string& thread, platform::TraceEventKind event, uint64_t token);
  // uv_hrtime since origin_ns_. Any thread (the pool's trace hooks read it).
  base::Instant ReadClock() const;
  // The next Now reads the clock (see fresh_read_).
  void ForgetRead() { fresh_read_ = base::Instant::Max(); }
  // A completion reached loop_done_ or done_: a Poll waiting inside libuv
  // returns after this pass (see PollOnce).
  void StopWaiting() {
    if (waiting_) uv_stop(&uv_);
  }
  void StartNetworkTimer(NetworkTimer* timer);
  void CloseNetworkTimer(NetworkTimer* timer);

  RealConfig config_;
  uint64_t origin_ns_ = 0;
  uv_loop_t uv_{};
  bool uv_ready_ = false;
  uv_async_t async_{};     // pool completions and the Waker
  uv_timer_t poll_timer_{};  // bounds a Poll's wait
  bool async_ready_ = false;       // initialised, so the destructor closes it
  bool poll_timer_ready_ = false;
  bool poll_timed_out_ = false;
  bool waiting_ = false;  // inside PollOnce's waiting uv_run
  // The clock read that stamped this Poll's loop-thread completions, if
  // nothing ran in libuv after it, and, once Poll returns, the same read
  // until the next call takes it (Now gives it; anything else forgets it).
  // Instant::Max(): none. Loop thread only.
  base::Instant stamp_read_ = base::Instant::Max();
  base::Instant fresh_read_ = base::Instant::Max();
  std::shared_ptr<AsyncWaker> waker_;
  // Finished pool work, a list per pool thread, each under its own lock: a
  // worker appends to its own, so workers finishing at once do not queue on
  // one lock (a sixth of their time in a batch of 10,000 when they did).
  // Poll merges the lists by finish time.
  struct alignas(64) PoolDone {
    std::mutex mu;
    std::vector<platform::Completion> done;
    std::atomic<bool> waiting{false};  // done may be non-empty: Poll locks only these
  };
  std::unique_ptr<PoolDone[]> pool_done_;
  std::atomic<bool> done_waiting_{false};  // some list may be non-empty
  // Poll's buffers for the lists it takes (loop thread only).
  std::vector<std::vector<platform::Completion>> taken_;
  FinishOrder finish_order_;
  // TCP completions. They are made on the loop's thread only (in libuv's
  // callbacks, or a submit), so they take no lock; Poll stamps them with
  // one clock read when it takes them.
  std::vector<platform::Completion> loop_done_;
  absl::flat_hash_map<uint64_t, NetworkTimer*> network_;  // loop thread only
  int64_t closing_network_timers_ = 0;
  // Pool I/O in flight: its body writes the outcome on a pool thread before
  // the completion is posted under its thread's PoolDone lock, and Poll reads
  // it after taking the completion under that lock. Loop thread only.
  absl::flat_hash_map<uint64_t, std::shared_ptr<IoOutcome>> io_;  // closed, close callback not yet run
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<TcpStreams> tcp_;
  // "pool-0", "pool-1", ...: built once, not per traced event.
  std::vector<std::string> pool_thread_names_;
};

}  // namespace platform_real

#endif  // TWINLOOP_PLATFORM_REAL_REAL_PLATFORM_H_
