// Pool saturation properties: at most pool_size tasks run, tasks start in
// submission order, no thread idles while work is queued, and every
// completion time equals an independent fluid processor-sharing model.
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "absl/status/statusor.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "proptests/sim_harness.h"

namespace proptests {
namespace {

struct Seg {
  bool cpu;
  int ms;
};
using Task = std::vector<Seg>;

// The fluid model, in double milliseconds: FIFO pool of `pool` threads;
// threads in a CPU segment share `cores` cores, each at min(1, cores/n).
std::vector<double> FluidModel(const std::vector<Task>& tasks, int cores, int pool) {
  struct Running {
    size_t task, seg;
    double left;
  };
  std::vector<double> done(tasks.size(), -1);
  std::vector<Running> running;
  size_t next = 0;
  double t = 0;
  // Moves a task past finished (or empty) segments; returns false when done.
  auto settle = [&](Running& r) {
    while (r.left <= 1e-9) {
      if (++r.seg >= tasks[r.task].size()) return false;
      r.left = tasks[r.task][r.seg].ms;
    }
    return true;
  };
  auto fill = [&] {
    while (static_cast<int>(running.size()) < pool && next < tasks.size()) {
      Running r{next++, 0, 0};
      r.seg = static_cast<size_t>(-1);
      if (settle(r)) {
        running.push_back(r);
      } else {
        done[r.task] = t;
      }
    }
  };
  fill();
  while (!running.empty()) {
    int n_cpu = 0;
    for (const Running& r : running) n_cpu += tasks[r.task][r.seg].cpu;
    const double rate = n_cpu <= cores ? 1.0 : static_cast<double>(cores) / n_cpu;
    double dt = INFINITY;
    for (const Running& r : running) {
      dt = std::min(dt, tasks[r.task][r.seg].cpu ? r.left / rate : r.left);
    }
    t += dt;
    std::vector<Running> still;
    for (Running r : running) {
      r.left -= tasks[r.task][r.seg].cpu ? dt * rate : dt;
      if (settle(r)) {
        still.push_back(r);
      } else {
        done[r.task] = t;
      }
    }
    running = still;
    fill();
  }
  return done;
}

RC_GTEST_PROP(PoolProperty, SaturationAndFluidModelTimes, ()) {
  const int cores = *rc::gen::inRange(1, 5);
  const int pool = *rc::gen::inRange(1, 7);
  const auto seg = rc::gen::build<Seg>(rc::gen::set(&Seg::cpu),
                                       rc::gen::set(&Seg::ms, rc::gen::inRange(0, 60)));
  const auto task = rc::gen::resize(3, rc::gen::nonEmpty(rc::gen::container<Task>(seg)));
  const auto tasks =
      *rc::gen::resize(12, rc::gen::nonEmpty(rc::gen::container<std::vector<Task>>(task)));
  SimHarness h({.cores = cores, .pool_size = pool});
  std::vector<base::Instant> done(tasks.size());
  RC_ASSERT(h.loop->RunScript([&] {
    for (size_t i = 0; i < tasks.size(); ++i) {
      platform::PoolWork w;
      for (const Seg& s : tasks[i]) {
        w.segments.push_back({s.cpu ? platform::Segment::Kind::kCpu : platform::Segment::Kind::kWait,
                              s.ms * kMs});
      }
      RC_ASSERT(h.loop->QueueWork(std::move(w), [&, i](absl::Status s) {
        RC_ASSERT(s.ok());
        done[i] = *h.loop->HrTime();
      }).ok());
    }
  }).ok());
  RC_ASSERT(h.loop->Run().ok());

  const std::vector<double> want = FluidModel(tasks, cores, pool);
  for (size_t i = 0; i < tasks.size(); ++i) {
    RC_ASSERT(std::abs(done[i].millis() - want[i]) < 1e-3);
  }

  // Replay the trace: count running and queued tasks at each instant.
  int running = 0, queued = 0;
  int64_t last_start = -1;
  auto check_instant = [&] {
    RC_ASSERT(running <= pool);
    if (queued > 0) RC_ASSERT(running == pool);  // no idle thread while work waits
  };
  const auto events = h.trace.events();
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.event == platform::TraceEventKind::kPoolEnqueue) ++queued;
    if (e.event == platform::TraceEventKind::kPoolStart) {
      --queued;
      ++running;
      RC_ASSERT(e.id > last_start);  // submission order
      last_start = e.id;
    }
    if (e.event == platform::TraceEventKind::kPoolFinish) --running;
    RC_ASSERT(running <= pool);
    const bool instant_ends = i + 1 == events.size() || events[i + 1].t_ns != e.t_ns;
    if (instant_ends && e.thread != "loop") check_instant();
  }
  RC_ASSERT(running == 0);
  RC_ASSERT(queued == 0);
}

// libuv's slow-I/O cap (src/threadpool.c, nodejs/node#8436), with the
// pool metrics read against the trace: at every instant at most
// (pool+1)/2 slow tasks run; no thread idles while a task it may take
// waits; fast work and slow work each start in submission order; and the
// loop's metrics (max busy, max queued, max queue wait, count) equal what the
// trace shows.
RC_GTEST_PROP(PoolProperty, SlowIoCapAndPoolMetrics, ()) {
  using Kind = platform::PoolWork::Kind;
  const int pool = *rc::gen::inRange(1, 9);
  const int cores = *rc::gen::inRange(1, 5);
  struct Job {
    Kind kind;
    bool cpu;
    int ms;
  };
  const auto job = rc::gen::build<Job>(
      rc::gen::set(&Job::kind, rc::gen::element(Kind::kCpu, Kind::kFastIo, Kind::kSlowIo)),
      rc::gen::set(&Job::cpu), rc::gen::set(&Job::ms, rc::gen::inRange(0, 40)));
  const auto jobs = *rc::gen::resize(16, rc::gen::nonEmpty(rc::gen::container<std::vector<Job>>(job)));
  SimHarness h({.cores = cores, .pool_size = pool});
  std::map<int64_t, Kind> kind_of;
  size_t finished = 0;
  RC_ASSERT(h.loop->RunScript([&] {
    for (const Job& j : jobs) {
      platform::PoolWork w;
      w.kind = j.kind;
      w.segments.push_back(
          {j.cpu ? platform::Segment::Kind::kCpu : platform::Segment::Kind::kWait, j.ms * kMs});
      absl::StatusOr<runtime::RequestId> id = h.loop->QueueWork(std::move(w), [&](absl::Status s) {
        RC_ASSERT(s.ok());
        ++finished;
      });
      RC_ASSERT(id.ok());
      kind_of[static_cast<int64_t>(*id)] = j.kind;
    }
  }).ok());
  RC_ASSERT(h.loop->Run().ok());
  RC_ASSERT(finished == jobs.size());

  const int cap = platform::SlowIoThreads(pool);
  std::vector<int64_t> queued;  // tokens, in submission order
  std::map<int64_t, int64_t> enqueued_ns;
  int running = 0, running_slow = 0;
  int64_t max_busy = 0, max_queued = 0, max_wait_ns = 0;
  int64_t last_slow = -1, last_other = -1;
  const auto events = h.trace.events();
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const bool slow = kind_of.count(e.id) > 0 && kind_of[e.id] == Kind::kSlowIo;
    if (e.event == platform::TraceEventKind::kPoolEnqueue) {
      queued.push_back(e.id);
      enqueued_ns[e.id] = e.t_ns;
    } else if (e.event == platform::TraceEventKind::kPoolStart) {
      queued.erase(std::find(queued.begin(), queued.end(), e.id));
      ++running;
      running_slow += slow;
      int64_t& last = slow ? last_slow : last_other;
      RC_ASSERT(e.id > last);  // each class in submission order
      last = e.id;
      max_wait_ns = std::max(max_wait_ns, e.t_ns - enqueued_ns[e.id]);
    } else if (e.event == platform::TraceEventKind::kPoolFinish) {
      --running;
      running_slow -= slow;
    }
    max_busy = std::max<int64_t>(max_busy, running);
    RC_ASSERT(running <= pool);
    RC_ASSERT(running_slow <= cap);
    const bool instant_ends = i + 1 == events.size() || events[i + 1].t_ns != e.t_ns;
    if (instant_ends) {
      max_queued = std::max<int64_t>(max_queued, static_cast<int64_t>(queued.size()));
      // A free thread leaves waiting only slow work, and only at the cap.
      if (running < pool) {
        for (int64_t t : queued) RC_ASSERT(kind_of[t] == Kind::kSlowIo);
        if (!queued.empty()) RC_ASSERT(running_slow == cap);
      }
    }
  }
  const runtime::LoopMetrics m = h.loop->Metrics().value();
  RC_ASSERT(m.queue_wait.count == static_cast<int64_t>(jobs.size()));
  RC_ASSERT(m.queue_wait.max.nanos() == max_wait_ns);
  RC_ASSERT(m.pool.max_busy == max_busy);
  RC_ASSERT(m.pool.max_queued == max_queued);
  RC_ASSERT(m.pool.busy == 0);
  RC_ASSERT(m.pool.queued == 0);
}

}  // namespace
}  // namespace proptests
