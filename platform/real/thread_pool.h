// ThreadPool: libuv's thread pool (src/threadpool.c), one per platform.
//
// libuv's pool is process-global and sized once from UV_THREADPOOL_SIZE;
// tests need several sizes in one process, and users have long asked for a
// pool per loop (libuv#4401), so this one belongs to its RealPlatform.
//
// `size` threads take work from one FIFO queue. Slow-I/O work holds at most
// (size+1)/2 threads (platform::SlowIoThreads, nodejs/node#8436): slow work
// past that cap waits in order while other work behind it starts. A task's
// segments run on its thread: kCpu computes until the thread's own CPU time
// (CLOCK_THREAD_CPUTIME_ID) has advanced by the duration, so tasks that share
// cores take longer in wall time exactly as processor sharing predicts;
// kWait sleeps without using a core. Then its body runs, and `on_done` is
// called on that thread.
//
// Cancel removes work that has not started (uv_cancel); started or finished
// work gives FAILED_PRECONDITION (uv_cancel's EBUSY).
//
// Destruction is defined whatever is in flight: queued work is dropped (its
// body never runs and on_done is not called), running work stops at its next
// check (within about a millisecond, its body not run unless it already
// started), and every thread is joined. A body that is running is waited for.
//
// Submissions wait in an inbox that the submitting thread fills without the
// pool's lock (a single-producer queue of chunks, which grows rather than
// makes Submit wait): a worker moves them into the queue
// under the lock when the queue has nothing it may take (the inbox holds only
// later work, and a worker that reads the inbox's tail on every task pulls the
// line Submit writes to its own core: half of Submit's time in a batch). The
// submitter takes the lock
// only to wake an idle worker. A batch of submits
// against busy workers took the lock once per task, and the loop thread and
// four workers fighting over it were most of the batch's profile.
//
// The threads start on the first Submit, as libuv starts its pool on the
// first uv_queue_work (init_once in src/threadpool.c): a process whose loops
// never use the pool stays single-threaded, and then every system call on a
// descriptor is cheaper (the kernel's fdget skips the file table's reference
// count when no other thread shares it: 2-3% of a loopback TCP round trip).
//
// Threading: Submit from one thread at a time (the loop's: the inbox has
// one producer), and destroy the pool on that thread; Cancel and stats from
// any thread; the hooks are called on pool threads.
#ifndef TWINLOOP_PLATFORM_REAL_THREAD_POOL_H_
#define TWINLOOP_PLATFORM_REAL_THREAD_POOL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "base/time_units.h"
#include "platform/platform.h"

namespace platform_real {

struct PoolHooks {
  // A thread takes a task (for the trace).
  absl::AnyInvocable<void(int thread, uint64_t token) const> on_start;
  // A task finished, at `finished`: OK, or INTERNAL if its body threw;
  // `queue_wait` is how long it waited for a thread (steady clock, which is
  // uv_hrtime's CLOCK_MONOTONIC). One clock read gives a busy worker both
  // the finish of one task and the start of the next.
  absl::AnyInvocable<void(int thread, uint64_t token, absl::Status status,
                          base::Duration queue_wait,
                          std::chrono::steady_clock::time_point finished) const>
      on_done;
};

class ThreadPool {
 public:
  // A pool of `size` threads (1..1024), started by the first Submit.
  ThreadPool(int size, PoolHooks hooks);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(uint64_t token, platform::PoolWork&& work);
  // OK if the work was queued and is now removed (the caller reports it
  // CANCELLED); FAILED_PRECONDITION otherwise.
  absl::Status Cancel(uint64_t token);

  int size() const { return size_; }
  // Queue depth and busy threads, now and at most.
  platform::PoolStats stats();

 private:
  struct Task {
    uint64_t token = 0;
    platform::PoolWork work;
    std::chrono::steady_clock::time_point enqueued;
  };
  // The inbox: a single-producer queue of chunks. Submit fills the tail
  // chunk and links a new one when it is full, so it never waits for the
  // workers (a bounded ring made a burst past its size take the pool's lock
  // on every submit, against four workers); a drained chunk goes back to
  // Submit through spare_chunk_.
  static constexpr uint64_t kInboxChunk = 256;
  struct InboxChunk {
    Task tasks[kInboxChunk];
    // The next chunk, linked (release) before its first task is published.
    std::atomic<InboxChunk*> next{nullptr};
  };
  void StartThreads();
  void Worker(int index);
  // Moves what the inbox holds into queue_; whether it held anything. Holds
  // mu_.
  bool DrainInbox();
  // The first queued task a free thread may take, or end(). Holds mu_.
  std::deque<Task>::iterator NextEligible();
  // Takes the next eligible task, if any, and says whether to wake another
  // worker for the work left. Holds mu_.
  bool TakeNext(std::chrono::steady_clock::time_point now, Task* task,
                base::Duration* queue_wait, bool* wake);
  // Runs a segment; false if the pool is stopping.
  bool RunSegment(const platform::Segment& segment);

  const int size_;  // set before the threads start: they read it
  PoolHooks hooks_;
  std::mutex mu_;
  std::condition_variable work_cv_;  // idle workers wait here for work
  std::condition_variable stop_cv_;  // kWait segments sleep here
  // (Two: a notify_one for new work must never land on a sleeping segment.)
  bool stopping_ = false;
  std::deque<Task> queue_;
  int slow_running_ = 0;
  // Workers waiting on work_cv_: Submit wakes one only then. Changed under
  // mu_; Submit reads it without the lock after filing into the inbox, and a
  // worker about to wait looks at the inbox again after counting itself in
  // (both sequentially consistent), so one of the two always sees the other.
  //
  // idle_ and signaled_ have a cache line of their own: Submit reads both on
  // every call, and beside mu_ and the queue (which the workers write on
  // every task) each read missed the cache.
  alignas(64) std::atomic<int> idle_{0};
  // notify_one()s whose worker has not woken yet. Changed under mu_; Submit
  // reads it without the lock: a woken worker takes this count down before it
  // drains the inbox, so a submit that still sees it may leave its task to
  // that worker.
  std::atomic<int> signaled_{0};
  alignas(64) int64_t busy_ = 0;
  int64_t max_busy_ = 0;
  // Tasks taken by a worker or cancelled: inbox_tail_ less this is how many
  // wait. Changed under mu_; Submit reads it without the lock. A line of its
  // own: only a take or a cancel invalidates Submit's copy.
  alignas(64) std::atomic<uint64_t> left_{0};
  std::vector<std::thread> threads_;  // the submitting thread's; empty until the first Submit
  // Tasks ever filed (inbox_tail_) and taken (inbox_head_): Submit fills the
  // slot of task number `tail` and then publishes tail + 1; a worker holding
  // mu_ takes [head, tail) and then publishes head. Task n lies in slot
  // n % kInboxChunk of its chunk.
  alignas(64) std::atomic<uint64_t> inbox_head_{0};
  InboxChunk* head_chunk_;  // the chunk of task inbox_head_ (or the one before); under mu_
  std::atomic<InboxChunk*> spare_chunk_{nullptr};  // a drained chunk, for Submit to reuse
  // The line Submit writes: the tail, its chunk (the loop thread's alone;
  // beside busy_ and the maxima, which the workers write on every task,
  // reading it missed the cache) and whether the threads started.
  alignas(64) std::atomic<uint64_t> inbox_tail_{0};
  InboxChunk* tail_chunk_;
  // The most tasks ever waiting at once, kept by Submit (the count rises only
  // there, so every peak is right after a submit); stats() reads it. And the
  // value of left_ Submit last read, which lags left_: see Submit.
  std::atomic<int64_t> max_queued_{0};
  uint64_t left_seen_ = 0;
  // Set by the first Submit, which starts the threads. Here, and not a test
  // of threads_, whose line the workers' counters share.
  bool threads_started_ = false;
};

// Computes on the calling thread until its CPU time has advanced by
// `duration`, or `stop()` says to give up (checked about every millisecond).
// Returns false if it gave up.
bool SpinThreadCpu(base::Duration duration, absl::FunctionRef<bool()> stop);

}  // namespace platform_real

#endif  // TWINLOOP_PLATFORM_REAL_THREAD_POOL_H_
