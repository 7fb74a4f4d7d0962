// Timer properties, in virtual time: a timer never fires before its deadline,
// timers fire in Node's order, an interval fires its count, and unref'd timers
// do not keep the loop alive.
#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "proptests/sim_harness.h"
#include "runtime/timer_lists.h"

namespace proptests {
namespace {

struct TimerSpec {
  int cpu_quarters_before;  // main computes this many 0.25 ms first
  int delay;                // may be <= 0: Node makes it 1
};

// Node's order, by a model written for this test: lists per duration,
// processed by (expiry, list id) with one `now` per pass; a list whose head is
// not due yet waits with expiry max(head start + d, now + 1) and a fresh id.
std::vector<size_t> NodeOrder(const std::vector<int64_t>& starts,
                              const std::vector<int64_t>& durations, int64_t first_pass) {
  struct List {
    int64_t d, expiry;
    uint64_t id;
    std::vector<size_t> timers;  // front at index `head`
    size_t head = 0;
  };
  std::map<int64_t, List> lists;
  uint64_t next_id = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    auto [it, inserted] = lists.try_emplace(durations[i]);
    if (inserted) it->second = {durations[i], starts[i] + durations[i], next_id++, {}, 0};
    it->second.timers.push_back(i);
  }
  std::vector<size_t> order;
  int64_t now = first_pass;
  while (!lists.empty()) {
    for (;;) {
      auto best = lists.end();
      for (auto it = lists.begin(); it != lists.end(); ++it) {
        if (best == lists.end() || std::make_pair(it->second.expiry, it->second.id) <
                                       std::make_pair(best->second.expiry, best->second.id)) {
          best = it;
        }
      }
      if (best == lists.end() || best->second.expiry > now) break;
      List& l = best->second;
      while (l.head < l.timers.size()) {
        const size_t t = l.timers[l.head];
        if (now - starts[t] < l.d) {
          l.expiry = std::max(starts[t] + l.d, now + 1);
          l.id = next_id++;
          break;
        }
        order.push_back(t);
        ++l.head;
      }
      if (l.head == l.timers.size()) lists.erase(best);
    }
    int64_t next = INT64_MAX;
    for (const auto& [d, l] : lists) next = std::min(next, l.expiry);
    now = next;
  }
  return order;
}

RC_GTEST_PROP(TimerProperty, FiresInNodeOrderAndNeverBeforeItsDeadline, ()) {
  const auto specs = *rc::gen::container<std::vector<TimerSpec>>(rc::gen::build<TimerSpec>(
      rc::gen::set(&TimerSpec::cpu_quarters_before, rc::gen::inRange(0, 13)),
      rc::gen::set(&TimerSpec::delay, rc::gen::inRange(-2, 25))));
  SimHarness h;
  std::vector<int64_t> starts, durations;
  std::vector<size_t> fired;
  std::vector<base::Instant> fired_at(specs.size());
  RC_ASSERT(h.loop->RunScript([&] {
    for (size_t i = 0; i < specs.size(); ++i) {
      RC_ASSERT(h.loop->ConsumeCpu(specs[i].cpu_quarters_before * kMs / 4).ok());
      RC_ASSERT(h.loop->SetTimeout([&, i] {
        fired.push_back(i);
        fired_at[i] = *h.loop->HrTime();
      }, specs[i].delay).ok());
      starts.push_back(*h.loop->NowMs());  // the start Node read for it
      durations.push_back(runtime::TimerLists::ClampDelay(specs[i].delay));
    }
  }).ok());
  const int64_t first_pass = h.sim->Now().millis_floor();
  RC_ASSERT(h.loop->Run().ok());
  RC_ASSERT(fired == NodeOrder(starts, durations, first_pass));
  for (size_t i = 0; i < specs.size(); ++i) {
    RC_ASSERT(fired_at[i] >= AtMs(starts[i] + durations[i]));
  }
}

RC_GTEST_PROP(TimerProperty, IntervalFiresItsCountNeverEarly, ()) {
  const int ms = *rc::gen::inRange(1, 20);
  const int times = *rc::gen::inRange(1, 7);
  const int cpu_quarters = *rc::gen::inRange(0, 4 * 2 * ms);
  SimHarness h;
  std::vector<int64_t> fires;  // loop time at each run
  runtime::Timer interval;
  int64_t period_start = 0;
  RC_ASSERT(h.loop->RunScript([&] {
    interval = *h.loop->SetInterval([&] {
      const base::Instant now = *h.loop->HrTime();
      RC_ASSERT(now >= AtMs(period_start + ms));
      fires.push_back(now.nanos());
      period_start = *h.loop->NowMs();  // read just before this callback
      RC_ASSERT(h.loop->ConsumeCpu(cpu_quarters * kMs / 4).ok());
      if (static_cast<int>(fires.size()) == times) RC_ASSERT(h.loop->ClearInterval(interval).ok());
    }, ms);
    period_start = interval->start_ms();
  }).ok());
  const absl::StatusOr<bool> alive = h.loop->Run();
  RC_ASSERT(alive.ok());
  RC_ASSERT(!*alive);
  RC_ASSERT(static_cast<int>(fires.size()) == times);
  interval.reset();
}

RC_GTEST_PROP(TimerProperty, UnrefedTimersDoNotKeepTheLoopAlive, ()) {
  const auto delays = *rc::gen::container<std::vector<int>>(rc::gen::inRange(1, 40));
  const auto unref = *rc::gen::container<std::vector<bool>>(delays.size(), rc::gen::arbitrary<bool>());
  SimHarness h;
  std::vector<bool> fired(delays.size(), false);
  std::vector<runtime::Timer> timers;
  RC_ASSERT(h.loop->RunScript([&] {
    for (size_t i = 0; i < delays.size(); ++i) {
      timers.push_back(*h.loop->SetTimeout([&, i] {
        fired[i] = true;
        RC_ASSERT(*h.loop->HrTime() == AtMs(delays[i]));
      }, delays[i]));
      if (unref[i]) RC_ASSERT(h.loop->Unref(timers.back()).ok());
    }
  }).ok());
  int64_t end = 0;
  for (size_t i = 0; i < delays.size(); ++i) {
    if (!unref[i]) end = std::max<int64_t>(end, delays[i]);
  }
  const absl::StatusOr<bool> alive = h.loop->Run();
  RC_ASSERT(alive.ok());
  RC_ASSERT(!*alive);
  RC_ASSERT(h.sim->Now() == AtMs(end));
  for (size_t i = 0; i < delays.size(); ++i) RC_ASSERT(fired[i] == (delays[i] <= end));
}

}  // namespace
}  // namespace proptests
