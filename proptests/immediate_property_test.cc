// setImmediate properties: FIFO, queued during check runs next iteration,
// and inside an I/O or pool callback setImmediate beats setTimeout(0).
#include <functional>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "proptests/sim_harness.h"

namespace proptests {
namespace {

RC_GTEST_PROP(ImmediateProperty, FifoAndNestedOnesWaitAnIteration, ()) {
  // Each immediate may queue children; children of an immediate run in the
  // next check phase, and every immediate runs in the order it was queued.
  const auto fanout = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 4));
  SimHarness h;
  std::vector<int> queued, ran;
  std::vector<int> parent_of;     // by seq; -1 from main
  int seq = 0;
  size_t next_fanout = 0;
  std::function<void(int)> queue = [&](int parent) {
    const int me = seq++;
    queued.push_back(me);
    parent_of.push_back(parent);
    RC_ASSERT(h.loop->SetImmediate([&, me] {
      ran.push_back(me);
      const int kids = next_fanout < fanout.size() ? fanout[next_fanout++] : 0;
      for (int k = 0; k < kids; ++k) queue(me);
    }).ok());
  };
  RC_ASSERT(h.loop->RunScript([&] {
    for (int i = 0; i < 3; ++i) queue(-1);
  }).ok());
  RC_ASSERT(h.loop->Run().ok());
  RC_ASSERT(ran == queued);
  const std::vector<int> iterations = h.IterationsOf("immediate");
  RC_ASSERT(iterations.size() == ran.size());
  for (size_t i = 0; i < ran.size(); ++i) {
    const int me = ran[i];
    if (parent_of[me] < 0) {
      RC_ASSERT(iterations[i] == iterations[0]);
    } else {
      // Find the parent's run position.
      size_t p = 0;
      while (ran[p] != parent_of[me]) ++p;
      RC_ASSERT(iterations[i] == iterations[p] + 1);
    }
  }
}

RC_GTEST_PROP(ImmediateProperty, InsideIoCallbacksImmediateBeatsTimeoutZero, ()) {
  struct Io {
    bool pool;
    int latency;
    int cpu_quarters;
    bool timeout_first;  // which one the callback queues first
  };
  const auto ios = *rc::gen::container<std::vector<Io>>(rc::gen::build<Io>(
      rc::gen::set(&Io::pool), rc::gen::set(&Io::latency, rc::gen::inRange(0, 20)),
      rc::gen::set(&Io::cpu_quarters, rc::gen::inRange(0, 12)),
      rc::gen::set(&Io::timeout_first)));
  SimHarness h({.pool_size = 2});
  std::vector<int> immediate_done(ios.size(), 0), timeout_done(ios.size(), 0);
  int step = 0;
  RC_ASSERT(h.loop->RunScript([&] {
    for (size_t i = 0; i < ios.size(); ++i) {
      auto callback = [&, i](absl::Status s) {
        RC_ASSERT(s.ok());
        RC_ASSERT(h.loop->ConsumeCpu(ios[i].cpu_quarters * kMs / 4).ok());
        auto imm = [&] { RC_ASSERT(h.loop->SetImmediate([&, i] { immediate_done[i] = ++step; }).ok()); };
        auto tmo = [&] { RC_ASSERT(h.loop->SetTimeout([&, i] { timeout_done[i] = ++step; }, 0).ok()); };
        if (ios[i].timeout_first) { tmo(); imm(); } else { imm(); tmo(); }
      };
      if (ios[i].pool) {
        platform::PoolWork w;
        w.segments.push_back({platform::Segment::Kind::kWait, ios[i].latency * kMs});
        RC_ASSERT(h.loop->QueueWork(std::move(w), callback).ok());
      } else {
        RC_ASSERT(h.loop->StartNetwork(ios[i].latency * kMs, callback).ok());
      }
    }
  }).ok());
  RC_ASSERT(h.loop->Run().ok());
  for (size_t i = 0; i < ios.size(); ++i) {
    RC_ASSERT(immediate_done[i] > 0);
    RC_ASSERT(immediate_done[i] < timeout_done[i]);
  }
}

}  // namespace
}  // namespace proptests
