#include "cli/metrics_json.h"

#include <gtest/gtest.h>

namespace scenario {
namespace {

using base::Duration;

TEST(MetricsJsonTest, EveryFieldWithItsUnit) {
  runtime::LoopMetrics m;
  m.iterations = 2;
  m.callbacks[static_cast<int>(runtime::Phase::kMain)] = 1;
  m.callbacks[static_cast<int>(runtime::Phase::kPoll)] = 6;
  m.next_ticks = 3;
  m.microtasks = 4;
  m.idle = Duration::Millis(300);
  m.elapsed = Duration::Millis(400);
  m.utilization = 0.25;
  m.timer_lag = {.count = 1, .p50 = Duration::Nanos(1500),
                 .p99 = Duration::Nanos(1500), .max = Duration::Nanos(1500)};
  m.pool = {.queued = 0, .busy = 0, .max_queued = 2, .max_busy = 4};
  m.queue_wait = {.count = 6, .p50 = Duration::Zero(),
                  .p99 = Duration::Millis(200), .max = Duration::Millis(200)};
  EXPECT_EQ(MetricsJson(m),
            R"({"iterations":2,"callbacks":{"main":1,"timers":0,"pending":0,"idle":0,)"
            R"("prepare":0,"poll":6,"check":0,"close":0,"shutdown":0},"next_ticks":3,)"
            R"("microtasks":4,"idle_ms":300.0,"elapsed_ms":400.0,"utilization":0.25,)"
            R"("timer_lag_ms":{"count":1,"p50":0.0015,"p99":0.0015,"max":0.0015},)"
            R"("pool":{"queued":0,"busy":0,"max_queued":2,"max_busy":4},)"
            R"("queue_wait_ms":{"count":6,"p50":0.0,"p99":200.0,"max":200.0}})");
}

}  // namespace
}  // namespace scenario
