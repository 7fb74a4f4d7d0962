// Your own property test on the simulated platform: the README's example,
// complete. RapidCheck draws a machine and a load; the simulator runs it in
// virtual time, so the property can demand exact times, with no sleeps and no
// flakes. Run it with `./bazelw test //examples:signup_property_test`.
#include <algorithm>
#include <vector>

#include "gtest/gtest.h"
#include "platform/sim/simulated_platform.h"
#include "rapidcheck/gtest.h"
#include "runtime/loop.h"

namespace {

// The code under test: queue `n` password hashes of 100 ms of CPU on the
// pool and note when each one's callback runs.
void StartSignups(runtime::Loop& loop, int n, std::vector<double>* done_ms) {
  for (int i = 0; i < n; ++i) {
    platform::PoolWork hash;
    hash.segments.push_back({platform::Segment::Kind::kCpu, base::Duration::Millis(100)});
    loop.QueueWork(std::move(hash), [&loop, done_ms](absl::Status s) {
          RC_ASSERT(s.ok());
          done_ms->push_back(loop.HrTime()->millis());
        }).IgnoreError();
  }
}

// The pool takes hashes first in, first out, `pool` at a time; a wave of k
// hashes shares the cores, so it takes 100 ms * max(1, k / cores).
RC_GTEST_PROP(SignupProperty, HashesFinishInWavesThatShareTheCores, ()) {
  const int cores = *rc::gen::element(1, 2, 4);
  const int pool = *rc::gen::inRange(1, 9);
  const int n = *rc::gen::inRange(0, 40);
  auto sim = platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool});
  RC_ASSERT(sim.ok());
  runtime::Loop loop(sim->get());
  std::vector<double> done_ms;
  RC_ASSERT(loop.RunScript([&] { StartSignups(loop, n, &done_ms); }).ok());
  RC_ASSERT(loop.Run().ok());

  std::vector<double> expected;
  double t = 0;
  for (int left = n; left > 0; left -= pool) {
    const int wave = std::min(pool, left);
    t += 100.0 * std::max(1.0, static_cast<double>(wave) / cores);
    expected.insert(expected.end(), wave, t);
  }
  RC_ASSERT(done_ms == expected);
}

// Network requests hold no pool thread: all of them finish at their latency.
RC_GTEST_PROP(SignupProperty, NetworkRequestsNeverWaitForThePool, ()) {
  const int pool = *rc::gen::inRange(1, 9);
  const int n = *rc::gen::inRange(1, 500);
  const int latency_ms = *rc::gen::inRange(1, 1000);
  auto sim = platform_sim::SimulatedPlatform::Create({.cores = 2, .pool_size = pool});
  RC_ASSERT(sim.ok());
  runtime::Loop loop(sim->get());
  std::vector<double> done_ms;
  RC_ASSERT(loop.RunScript([&] {
                  for (int i = 0; i < n; ++i) {
                    loop.StartNetwork(base::Duration::Millis(latency_ms), [&](absl::Status) {
                          done_ms.push_back(loop.HrTime()->millis());
                        }).IgnoreError();
                  }
                }).ok());
  RC_ASSERT(loop.Run().ok());
  RC_ASSERT(done_ms == std::vector<double>(n, latency_ms));
}

}  // namespace
