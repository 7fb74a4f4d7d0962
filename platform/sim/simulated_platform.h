// SimulatedPlatform: the Platform in virtual time.
//
// A virtual clock, `cores` simulated processors, a pool of `pool_size`
// threads, and a network whose round trips hold no thread. Nothing here reads
// the real clock or uses threads, so the same seed and program always give the
// same trace. When the loop polls and nothing is ready, virtual time jumps to
// the next event: an idle hour costs nothing.
//
// Pool I/O (platform/pool_io.h) runs on the simulated pool: fs calls
// against a SimulatedDisk, lookups against a host table. The call happens
// when a thread takes the task, and its cost (the disk's latency model, or
// dns_latency) is the wait segment the thread then holds; a task cancelled
// before it starts changes nothing.
//
// TCP runs on a SimulatedNetwork of the same world (NETWORK.md).
//
// Poll delivers every completion that happened by the time it looks, ordered
// by (completion time, token). Tokens are given in submission order, so
// completions at one instant arrive in submission order. A loop that keeps
// polling without blocking while nothing happens would spin forever in
// virtual time; after max_polls_per_instant such polls Poll fails instead.
// Virtual time ends at fakeclock::kMaxVirtualTime: anything that would
// happen later (a wait, CPU work, a pool segment, a network reply) makes Poll
// and ConsumeCpu fail with OUT_OF_RANGE from then on.
//
// Threading: single-threaded; its Waker may be used from any thread.
#ifndef TWINLOOP_PLATFORM_SIM_SIMULATED_PLATFORM_H_
#define TWINLOOP_PLATFORM_SIM_SIMULATED_PLATFORM_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "base/ordered_ids.h"
#include "fakeclock/event_queue.h"
#include "fakeclock/virtual_clock.h"
#include "platform/platform.h"
#include "platform/sim/latency_model.h"
#include "platform/sim/simulated_disk.h"
#include "platform/sim/simulated_network.h"
#include "platform/sim/simulated_cpu.h"
#include "platform/sim/simulated_pool.h"

namespace platform_sim {

struct SimConfig {
  int cores = 2;                   // 1..1024
  int pool_size = 4;               // 1..1024, libuv's UV_THREADPOOL_SIZE
  uint64_t seed = 1;               // drives every random choice
  base::Duration net_jitter;  // max extra network latency, >= 0
  // Virtual time an empty non-blocking poll costs. 0 keeps every number
  // exact; a small cost (say 1000 ns) lets a busy-polling loop (an idle
  // handle, a setImmediate chain) reach its timers as it would on a real
  // machine.
  base::Duration idle_poll_cost;
  // Empty non-blocking polls allowed in a row at one virtual instant; the
  // next one fails: such a loop would spin forever without time advancing.
  int64_t max_polls_per_instant = 1'000'000;
  // The simulated file system. Its seed is replaced by one derived from
  // `seed`, so that one number decides every random choice.
  DiskConfig disk;
  // TCP between the programs of this world (platform/sim/NETWORK.md).
  NetworkConfig network;
  // dns.lookup's table: host name to address ("::1" style for IPv6). A
  // name not in it fails with ENOTFOUND.
  std::map<std::string, std::string> hosts = {{"localhost", "127.0.0.1"}};
  base::Duration dns_latency = base::Duration::Millis(1);  // >= 0
  platform::TraceSink* trace = nullptr;
};

inline constexpr int kMaxCores = 1024;
inline constexpr int kMaxPoolSize = 1024;  // libuv's MAX_THREADPOOL_SIZE

class SimulatedPlatform : public platform::Platform, private fakeclock::EventQueue::Target {
 public:
  // Fails with INVALID_ARGUMENT on an out-of-range setting.
  static absl::StatusOr<std::unique_ptr<SimulatedPlatform>> Create(SimConfig config);

  base::Instant Now() override { return clock_.Now(); }
  absl::Status Poll(base::Duration timeout, std::vector<platform::Completion>* out) override;
  std::shared_ptr<platform::Waker> waker() override { return waker_; }
  void SubmitWork(uint64_t token, platform::PoolWork&& work) override;
  void SubmitIo(uint64_t token, platform::PoolIo io) override;
  void SubmitNet(uint64_t token, platform::NetOp&& op) override;
  void StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) override;
  absl::Status Cancel(uint64_t token) override;
  absl::StatusOr<base::Instant> ConsumeCpu(base::Duration duration) override;
  platform::PoolStats pool_stats() override { return pool_.stats(); }
  platform::TraceSink* trace() override { return config_.trace; }

  // The simulated file system, for tests that set it up or force a fault
  // (SimulatedDisk::FailNext).
  SimulatedDisk& disk() { return *disk_; }
  // What the simulated TCP network did so far.
  const NetworkStats& network_stats() const { return tcp_.stats(); }

 private:
  explicit SimulatedPlatform(SimConfig config, std::unique_ptr<SimulatedDisk> disk);
  // Does a pool I/O call now; returns its cost.
  SimulatedDisk::Result RunIo(const platform::PoolIo& io);
  inline void Complete(uint64_t token, absl::Status status,
                       base::Duration queue_wait = base::Duration::Zero());
  void CompleteNet(uint64_t token, absl::Status status, int64_t value, std::string data);
  // A network round trip's end (the event queue's Target; the tag is the
  // request's token).
  void OnEvent(uint64_t token) override;
  // Something could not be simulated (it would pass the virtual time
  // limit). The first fault is kept; Poll and ConsumeCpu return it from
  // then on.
  void Fault(absl::Status status);
  // A network event for the trace.
  void Trace(platform::TraceEventKind event, uint64_t token);

  SimConfig config_;
  fakeclock::VirtualClock clock_;
  fakeclock::EventQueue events_;
  SimulatedCpu cpu_;
  SimulatedPool pool_;
  LatencyModel latency_;
  std::unique_ptr<SimulatedDisk> disk_;
  SimulatedNetwork tcp_;
  // What pool I/O calls gave, from the task's start until it completes.
  absl::flat_hash_map<uint64_t, SimulatedDisk::Result> io_results_;
  // Wakes from any thread: a flag the next Poll reads.
  class FlagWaker : public platform::Waker {
   public:
    void Wake() override { woken_.store(true, std::memory_order_release); }
    // A load first: the exchange is a locked instruction, and most polls
    // find no wakeup.
    bool Take() {
      return woken_.load(std::memory_order_acquire) &&
             woken_.exchange(false, std::memory_order_acq_rel);
    }

   private:
    std::atomic<bool> woken_{false};
  };

  // The loop thread's CPU work (ConsumeCpu). Each call waits for its own
  // tag: calls may nest (a pool body runs on the loop's thread in the
  // simulator, from an event ConsumeCpu runs), and a job left behind by a
  // call that unwound cannot end a later one (its tag stays in `finished`).
  struct LoopThreadCpu : SimulatedCpu::Client {
    void OnCpuDone(uint64_t tag) override { finished.push_back(tag); }
    // Whether `tag`'s job is done; forgets it if so.
    bool TakeFinished(uint64_t tag) {
      auto it = std::find(finished.begin(), finished.end(), tag);
      if (it == finished.end()) return false;
      finished.erase(it);
      return true;
    }
    uint64_t last_tag = 0;
    absl::InlinedVector<uint64_t, 2> finished;
  };
  LoopThreadCpu loop_cpu_;

  std::vector<platform::Completion> ready_;
  std::shared_ptr<FlagWaker> waker_ = std::make_shared<FlagWaker>();
  // Round trips in flight, by token, for Cancel. Tokens come in increasing
  // order and round trips of one latency end in that order.
  base::OrderedIds<fakeclock::EventId> network_;
  absl::Status fault_;
  base::Instant spin_instant_ = base::Instant::Max();  // instant of the last empty poll(0)
  int64_t spins_ = 0;                                  // empty poll(0)s in a row there
};

}  // namespace platform_sim

#endif  // TWINLOOP_PLATFORM_SIM_SIMULATED_PLATFORM_H_
