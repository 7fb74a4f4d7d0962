// SimulatedPool: libuv's thread pool, in virtual time.
//
// `size` threads take tasks from one FIFO queue, as in libuv's
// src/threadpool.c (one global queue, workers take from the head). A freed
// thread takes the next queued task at the instant it frees, and a queued
// task goes to the lowest-numbered idle thread. Slow-I/O tasks hold at most
// (size+1)/2 threads (platform::SlowIoThreads), as in libuv; one that would
// pass the cap waits, and work queued behind it may start. A task runs its
// segments in order: kCpu segments need a core from the SimulatedCpu; kWait segments hold
// the thread but no core. Then its body runs and `on_complete` is told; a body
// that throws completes the task with INTERNAL and the message.
//
// Threading: single-threaded, driven by its EventQueue.
#ifndef TWINLOOP_PLATFORM_SIM_SIMULATED_POOL_H_
#define TWINLOOP_PLATFORM_SIM_SIMULATED_POOL_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "base/free_slots.h"
#include "base/stable_ring.h"
#include "base/stable_slab.h"
#include "fakeclock/event_queue.h"
#include "platform/platform.h"
#include "platform/sim/simulated_cpu.h"
#include "platform/trace.h"

namespace platform_sim {

class SimulatedPool : private SimulatedCpu::Client, private fakeclock::EventQueue::Target {
 public:
  // `queue_wait`: how long the task waited for a thread (zero if cancelled).
  using OnComplete =
      absl::AnyInvocable<void(uint64_t token, absl::Status, base::Duration queue_wait)>;
  using OnFault = absl::AnyInvocable<void(absl::Status)>;

  // `on_fault` hears of a task whose next segment would end past the virtual
  // time limit; that task then never finishes (the simulation cannot go on).
  SimulatedPool(fakeclock::EventQueue* events, SimulatedCpu* cpu, int size,
                platform::TraceSink* trace, OnComplete on_complete, OnFault on_fault);
  SimulatedPool(const SimulatedPool&) = delete;
  SimulatedPool& operator=(const SimulatedPool&) = delete;

  // Decides, when a thread takes the task, how long it then waits: pool I/O
  // does its call against the simulated disk at that instant, and its cost
  // becomes a kWait segment after the task's own segments.
  using Starter = absl::AnyInvocable<base::Duration()>;

  void Submit(uint64_t token, platform::PoolWork&& work);
  void Submit(uint64_t token, platform::PoolWork&& work, Starter start);
  // Removes a queued task; FAILED_PRECONDITION once it started or finished.
  absl::Status Cancel(uint64_t token);

  int size() const { return static_cast<int>(threads_.size()); }
  int busy() const { return busy_; }
  size_t queued() const { return queue_.size(); }
  platform::PoolStats stats() const {
    return {.queued = static_cast<int64_t>(queue_.size()),
            .busy = busy_,
            .max_queued = max_queued_,
            .max_busy = max_busy_};
  }

 private:
  static constexpr uint32_t kIdle = UINT32_MAX;
  // Tasks live in a slab and never move while queued or running: the queue
  // and the threads hold slab indices (a Task holds a callable and a
  // vector, so moving it showed in the simulator's profile).
  // 96 bytes, the work first (its callable is 16-byte aligned): 100,000
  // queued tasks are 10 MB to write and read back, so each field here costs
  // (whether it has a starter lives in its queue entry, and how long it
  // waited in its thread's entry).
  struct Task {
    platform::PoolWork work;
    uint64_t token = 0;
    base::Instant enqueued;
  };
  static_assert(sizeof(Task) == sizeof(platform::PoolWork) + 16, "a Task has padding");
  // 8 bytes: the kind in one.
  struct Queued {
    uint32_t task;
    uint8_t kind;    // a PoolWork::Kind, what the slow-I/O cap reads
    bool has_start;  // its Starter waits in starts_
    platform::PoolWork::Kind work_kind() const {
      return static_cast<platform::PoolWork::Kind>(kind);
    }
  };
  static_assert(sizeof(Queued) == 8);
  // What a pool thread runs: a task's slot, or kIdle.
  struct Running {
    uint32_t task = kIdle;
    base::Duration queue_wait;  // how long that task waited for the thread
  };
  // Files a task in the slab and starts or queues it.
  void Add(uint64_t token, platform::PoolWork&& work, Starter* start);
  void Dispatch();
  // Dispatch's passes over the threads, the first from thread `first`;
  // dispatching_ is set, and is cleared at the end.
  void DispatchFrom(int first);
  // One pass: each idle thread from `first` on takes the next eligible
  // task. Whether any started.
  bool PassFrom(int first);
  // Gives task `slot` (out of the queue) to idle thread `thread`, starts it.
  void StartOn(int thread, uint32_t slot, bool has_start);
  // Takes task `slot`'s starter out of starts_.
  Starter TakeStarter(uint32_t slot);
  // Runs segments from `index`, skipping empty ones; finishes the task after
  // the last.
  void RunSegments(uint32_t thread, uint32_t index);
  inline void Finish(int thread);  // inline in its one caller
  // A CPU or wait segment is done: the tag holds the thread and the next
  // segment (SegmentTag).
  void OnCpuDone(uint64_t tag) override { RunSegments(TagThread(tag), TagIndex(tag)); }
  void OnEvent(uint64_t tag) override { RunSegments(TagThread(tag), TagIndex(tag)); }
  static uint64_t SegmentTag(uint32_t thread, uint32_t next) { return uint64_t{thread} << 32 | next; }
  static uint32_t TagThread(uint64_t tag) { return static_cast<uint32_t>(tag >> 32); }
  static uint32_t TagIndex(uint64_t tag) { return static_cast<uint32_t>(tag); }
  // Inline test first: an untraced pool pays no call per event.
  void Trace(int thread, platform::TraceEventKind event, uint64_t token) {
    if (trace_ != nullptr) Record(thread, event, token);
  }
  void Record(int thread, platform::TraceEventKind event, uint64_t token);

  fakeclock::EventQueue* events_;
  SimulatedCpu* cpu_;
  platform::TraceSink* trace_;
  OnComplete on_complete_;
  OnFault on_fault_;
  // The slab: tasks never move while queued or running (a body may submit
  // more work while it runs).
  base::StableSlab<Task> tasks_;
  base::FreeSlots free_tasks_;
  // The starters of pool I/O tasks, by slot: only file and lookup work has
  // one, and a callable in every task made each 32 bytes bigger (100,000
  // queued tasks are fresh pages to fault in).
  absl::flat_hash_map<uint32_t, Starter> starts_;
  // Its chunks come from the chunk cache: a std::deque allocated and freed
  // a 512-byte block per 64 queued tasks.
  base::StableRing<Queued, 512> queue_;
  std::vector<Running> threads_;
  int busy_ = 0;
  int64_t max_busy_ = 0;
  int64_t max_queued_ = 0;
  int slow_running_ = 0;  // slow-I/O tasks on threads
  bool dispatching_ = false;
};

}  // namespace platform_sim

#endif  // TWINLOOP_PLATFORM_SIM_SIMULATED_POOL_H_
