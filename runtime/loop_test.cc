#include "runtime/loop.h"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/sim/simulated_platform.h"

namespace runtime {
namespace {

// Where milliseconds are meant, a Duration does not compile, and where a
// Duration is meant, a bare number does not (issue #8).
static_assert(!std::is_invocable_v<decltype(&Loop::ConsumeCpu), Loop&, int>);
static_assert(!std::is_invocable_v<decltype(&Loop::ConsumeCpu), Loop&, int64_t>);
static_assert(std::is_invocable_v<decltype(&Loop::ConsumeCpu), Loop&, Duration>);
static_assert(!std::is_invocable_v<decltype(&Loop::SetTimeout), Loop&, Loop::Callback, Duration>);
static_assert(std::is_invocable_v<decltype(&Loop::SetTimeout), Loop&, Loop::Callback, double>);
static_assert(!std::is_invocable_v<decltype(&Loop::StartNetwork), Loop&, int, Loop::Done>);

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using platform::Segment;

constexpr Duration kMs = Duration::Millis(1);

class LoopTest : public ::testing::Test {
 protected:
  void Make(platform_sim::SimConfig config = {}, LoopOptions options = {}) {
    config.trace = &trace_;
    sim_ = std::move(platform_sim::SimulatedPlatform::Create(config).value());
    loop_ = std::make_unique<Loop>(sim_.get(), options);
  }
  void SetUp() override { Make(); }

  // Records "label@ms" with the platform time of the call.
  Loop::Callback Log(std::string label) {
    return [this, label] { Note(label); };
  }
  void Note(const std::string& label) {
    const int64_t t = sim_->Now().nanos();
    log_.push_back(t % 1'000'000 == 0 ? absl::StrCat(label, "@", t / 1'000'000)
                                      : absl::StrCat(label, "@", static_cast<double>(t) / 1e6));
  }
  void RunScript(Loop::Callback main) { ASSERT_TRUE(loop_->RunScript(std::move(main)).ok()); }
  bool RunAll() {
    absl::StatusOr<bool> alive = loop_->Run();
    EXPECT_TRUE(alive.ok()) << alive.status();
    return alive.ok() && *alive;
  }
  std::vector<std::string> Events(const std::string& event) {
    std::vector<std::string> out;
    for (const auto& e : trace_.events()) {
      if (platform::TraceEventName(e.event) == event) out.push_back(absl::StrCat(e.phase, ":", e.kind));
    }
    return out;
  }

  platform::MemoryTraceSink trace_;
  std::unique_ptr<platform_sim::SimulatedPlatform> sim_;
  std::unique_ptr<Loop> loop_;
  std::vector<std::string> log_;
};

TEST_F(LoopTest, TimeoutZeroIsOneMillisecond) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout(Log("zero"), 0).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("neg"), -5).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("huge"), 4294967296.0).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("two"), 2.9).ok());
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("zero@1", "neg@1", "huge@1", "two@2"));
}

TEST_F(LoopTest, TimerStartIsReadFreshAfterCpuInTheSameCallback) {
  RunScript([&] {
    ASSERT_TRUE(loop_->ConsumeCpu(5 * kMs).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("t"), 10).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("t@15"));
}

TEST_F(LoopTest, LateWakeRunsOneListBeforeTheNext) {
  // Checked on Node 20 (see timer_lists_test): a1 a2 b1.
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout(Log("a1"), 30).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("b1"), 50).ok());
    ASSERT_TRUE(loop_->ConsumeCpu(40 * kMs).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("a2"), 30).ok());
    ASSERT_TRUE(loop_->ConsumeCpu(80 * kMs).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("a1@120", "a2@120", "b1@120"));
}

TEST_F(LoopTest, NextTicksDrainBetweenTimersOfOneList) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("t1");
      ASSERT_TRUE(loop_->QueueMicrotask(Log("m")).ok());
      ASSERT_TRUE(loop_->NextTick(Log("tick")).ok());
    }, 5).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("t2"), 5).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("t1@5", "tick@5", "m@5", "t2@5"));
}

TEST_F(LoopTest, IntervalIsReArmedBeforeTheTickDrain) {
  // Checked on Node 20: iv iv timeout timeout (a timer made by a tick goes
  // behind the interval that was re-armed first).
  RunScript([&] {
    auto runs = std::make_shared<int>(0);
    auto self = std::make_shared<Timer>();
    *self = loop_->SetInterval([&, runs, self] {
      Note("iv");
      ASSERT_TRUE(loop_->NextTick([&] {
        ASSERT_TRUE(loop_->SetTimeout(Log("timeout"), 10).ok());
      }).ok());
      if (++*runs == 2) {
        ASSERT_TRUE(loop_->ClearInterval(*self).ok());
        self->reset();
      }
    }, 10).value();
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("iv@10", "iv@20", "timeout@20", "timeout@30"));
}

TEST_F(LoopTest, AMicrotaskMayClearATimerDueInTheSamePass) {
  // At 2 ms both lists are due; the drain after "work" clears the guard,
  // whose list is next. Node 20 prints only "work".
  Timer guard;
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("work");
      ASSERT_TRUE(loop_->QueueMicrotask([&] { ASSERT_TRUE(loop_->ClearTimeout(guard).ok()); }).ok());
    }, 2).ok());
    ASSERT_TRUE(loop_->SetTimeout([&] { guard = loop_->SetTimeout(Log("guard"), 1).value(); }, 1).ok());
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("work@2"));
}

// libuv 1.46's uv__run_timers re-reads the timer heap against the loop time
// after every callback. A tick that computes and then creates a timer moves
// the loop time (getLibuvNow) past Node's re-armed timer, so RunTimers runs
// again in the same timers phase, before poll and check. Node 20 prints
// A B I C (issue #7).
TEST_F(LoopTest, TimersPassRunsAgainWhenATickReadsTheClockPastTheReArmedTimer) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("A");
      ASSERT_TRUE(loop_->SetImmediate(Log("I")).ok());
      ASSERT_TRUE(loop_->NextTick([&] {
        ASSERT_TRUE(loop_->ConsumeCpu(10 * kMs).ok());
        ASSERT_TRUE(loop_->SetTimeout(Log("C"), 50).ok());
      }).ok());
    }, 5).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("B"), 8).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("A@5", "B@15", "I@15", "C@65"));
  // A and B ran in one timers phase: no poll between them.
  EXPECT_THAT(Events("cb_begin"), ElementsAre("main:main", "timers:timeout", "timers:nextTick",
                                              "timers:timeout", "check:immediate",
                                              "timers:timeout"));
  std::vector<std::string> order;
  for (const auto& e : trace_.events()) {
    const std::string name = platform::TraceEventName(e.event);
    if (name == "poll" || (name == "cb_begin" && e.kind == "timeout")) order.push_back(name);
  }
  EXPECT_THAT(order, ElementsAre("poll", "cb_begin", "cb_begin", "poll", "poll", "cb_begin"));
}

// The same rule with an interval: a microtask that computes past the next
// period and creates a timer makes the re-armed interval due again at once.
// Node 20 prints A A I I C C.
TEST_F(LoopTest, TimersPassRunsAgainAfterAnIntervalReArm) {
  RunScript([&] {
    auto runs = std::make_shared<int>(0);
    auto self = std::make_shared<Timer>();
    *self = loop_->SetInterval([&, runs, self] {
      Note("A");
      ASSERT_TRUE(loop_->SetImmediate(Log("I")).ok());
      ASSERT_TRUE(loop_->QueueMicrotask([&] {
        ASSERT_TRUE(loop_->ConsumeCpu(10 * kMs).ok());
        ASSERT_TRUE(loop_->SetTimeout(Log("C"), 50).ok());
      }).ok());
      if (++*runs == 2) {
        ASSERT_TRUE(loop_->ClearInterval(*self).ok());
        self->reset();
      }
    }, 5).value();
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("A@5", "A@15", "I@25", "I@25", "C@65", "C@75"));
}

// Chained: each re-run's tick moves the clock again (5 -> 12 -> 19), so three
// timers run in one timers phase. Node 20 prints A B E I C D.
TEST_F(LoopTest, TimersPassReRunsChain) {
  auto tick_then_timer = [&](std::string label) {
    ASSERT_TRUE(loop_->NextTick([&, label] {
      ASSERT_TRUE(loop_->ConsumeCpu(7 * kMs).ok());
      ASSERT_TRUE(loop_->SetTimeout(Log(label), 50).ok());
    }).ok());
  };
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("A");
      ASSERT_TRUE(loop_->SetImmediate(Log("I")).ok());
      tick_then_timer("C");
    }, 5).ok());
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("B");
      tick_then_timer("D");
    }, 10).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("E"), 15).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("A@5", "B@12", "E@19", "I@19", "C@62", "D@69"));
}

TEST_F(LoopTest, MainScriptDrainsTicksThenMicrotasks) {
  RunScript([&] {
    ASSERT_TRUE(loop_->QueueMicrotask([&] {
      Note("m1");
      ASSERT_TRUE(loop_->NextTick(Log("t3")).ok());
    }).ok());
    ASSERT_TRUE(loop_->NextTick([&] {
      Note("t1");
      ASSERT_TRUE(loop_->QueueMicrotask(Log("m2")).ok());
      ASSERT_TRUE(loop_->NextTick(Log("t2")).ok());
    }).ok());
    Note("main");
  });
  EXPECT_THAT(log_, ElementsAre("main@0", "t1@0", "t2@0", "m1@0", "m2@0", "t3@0"));
}

TEST_F(LoopTest, ImmediatesQueuedDuringCheckWaitForTheNextIteration) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetImmediate([&] {
      Note("i1");
      ASSERT_TRUE(loop_->SetImmediate(Log("i3")).ok());
      ASSERT_TRUE(loop_->NextTick(Log("tick")).ok());
    }).ok());
    ASSERT_TRUE(loop_->SetImmediate(Log("i2")).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("i1@0", "tick@0", "i2@0", "i3@0"));
  // i1 and i2 ran in one check phase, i3 in the next iteration's.
  int iteration = 0;
  std::vector<int> ran_in;
  for (const auto& e : trace_.events()) {
    if (e.event == platform::TraceEventKind::kPoll) ++iteration;
    if (e.event == platform::TraceEventKind::kCallbackBegin && e.kind == "immediate") {
      ran_in.push_back(iteration);
    }
  }
  ASSERT_EQ(ran_in.size(), 3u);
  EXPECT_EQ(ran_in[0], ran_in[1]);
  EXPECT_EQ(ran_in[2], ran_in[1] + 1);
}

TEST_F(LoopTest, ClearedImmediateDoesNotRun) {
  Immediate b;
  RunScript([&] {
    ASSERT_TRUE(loop_->SetImmediate([&] {
      Note("a");
      ASSERT_TRUE(loop_->ClearImmediate(b).ok());
    }).ok());
    b = loop_->SetImmediate(Log("b")).value();
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("a@0"));
  EXPECT_FALSE(loop_->ImmediatePending(b).value());
}

TEST_F(LoopTest, InsidePoolCallbackImmediateRunsBeforeTimeoutZero) {
  RunScript([&] {
    ASSERT_TRUE(loop_
                    ->QueueWork({.segments = {{Segment::Kind::kWait, 3 * kMs}}},
                                [&](absl::Status s) {
                                  ASSERT_TRUE(s.ok());
                                  Note("io");
                                  ASSERT_TRUE(loop_->SetTimeout(Log("timeout"), 0).ok());
                                  ASSERT_TRUE(loop_->SetImmediate(Log("immediate")).ok());
                                })
                    .ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("io@3", "immediate@3", "timeout@4"));
}

TEST_F(LoopTest, MainScriptTimeoutZeroAgainstImmediateIsDeterministic) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout(Log("timeout"), 0).ok());
    ASSERT_TRUE(loop_->SetImmediate(Log("immediate")).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("immediate@0", "timeout@1"));
}

TEST_F(LoopTest, MainScriptThatComputesLetsTheTimeoutWin) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout(Log("timeout"), 0).ok());
    ASSERT_TRUE(loop_->SetImmediate(Log("immediate")).ok());
    ASSERT_TRUE(loop_->ConsumeCpu(1 * kMs).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("timeout@1", "immediate@1"));
}

TEST_F(LoopTest, UnrefedTimerDoesNotKeepTheLoopAlive) {
  RunScript([&] {
    Timer t = loop_->SetTimeout(Log("unrefed"), 100).value();
    ASSERT_TRUE(loop_->Unref(t).ok());
    EXPECT_FALSE(loop_->HasRef(t).value());
    ASSERT_TRUE(loop_->SetTimeout(Log("refed"), 50).ok());
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("refed@50"));
  EXPECT_EQ(sim_->Now(), Instant::Epoch() + 50 * kMs);
}

TEST_F(LoopTest, RefreshRestartsTheTimer) {
  RunScript([&] {
    Timer t = loop_->SetTimeout(Log("t"), 10).value();
    ASSERT_TRUE(loop_->SetTimeout([&, t] { ASSERT_TRUE(loop_->Refresh(t).ok()); }, 6).ok());
  });
  RunAll();
  EXPECT_THAT(log_, ElementsAre("t@16"));
}

// Node's `this` in a timer callback: a one-shot refreshes itself twice, an
// interval clears itself on its third run, neither capturing its own Timer.
TEST_F(LoopTest, ATimerCallbackReachesItsOwnTimerAsNodesThis) {
  RunScript([&] {
    auto runs = std::make_shared<int>(0);
    ASSERT_TRUE(loop_->SetTimeout([&, runs] {
      Note("t");
      absl::StatusOr<Timer> self = loop_->CurrentTimer();
      ASSERT_TRUE(self.ok()) << self.status();
      if (++*runs < 3) {
        ASSERT_TRUE(loop_->Refresh(*self).ok());
      }
    }, 10).ok());
    auto ivs = std::make_shared<int>(0);
    ASSERT_TRUE(loop_->SetInterval([&, ivs] {
      Note("i");
      if (++*ivs == 3) {
        ASSERT_TRUE(loop_->ClearInterval(loop_->CurrentTimer().value()).ok());
      }
    }, 7).ok());
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("i@7", "t@10", "i@14", "t@20", "i@21", "t@30"));
}

TEST_F(LoopTest, CurrentTimerOutsideATimerCallbackIsAnError) {
  std::vector<std::string> where;
  auto expect_none = [&](const std::string& at) {
    absl::StatusOr<Timer> t = loop_->CurrentTimer();
    where.push_back(at + ": " + std::string(t.status().message()));
  };
  RunScript([&] {
    expect_none("main");
    ASSERT_TRUE(loop_->SetTimeout([&] {
      ASSERT_TRUE(loop_->CurrentTimer().ok());
      ASSERT_TRUE(loop_->NextTick([&] { expect_none("tick after a timer"); }).ok());
      ASSERT_TRUE(loop_->SetImmediate([&] { expect_none("immediate"); }).ok());
    }, 1).ok());
  });
  RunAll();
  EXPECT_THAT(where, ElementsAre(
      "main: Loop::CurrentTimer: no timer callback is running",
      "tick after a timer: Loop::CurrentTimer: no timer callback is running",
      "immediate: Loop::CurrentTimer: no timer callback is running"));
}

TEST_F(LoopTest, IntervalRunsItsCountAndReArmsFromBeforeItsCallback) {
  RunScript([&] {
    auto runs = std::make_shared<int>(0);
    auto self = std::make_shared<Timer>();
    *self = loop_->SetInterval([&, runs, self] {
      Note("i");
      ASSERT_TRUE(loop_->ConsumeCpu(3 * kMs).ok());
      if (++*runs == 3) {
        ASSERT_TRUE(loop_->ClearInterval(*self).ok());
        self->reset();
      }
    }, 10).value();
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("i@10", "i@20", "i@30"));
}

TEST_F(LoopTest, ClearingAnUnknownOrFiredTimerIsANoOp) {
  Timer t;
  RunScript([&] { t = loop_->SetTimeout(Log("t"), 1).value(); });
  RunAll();
  EXPECT_TRUE(loop_->ClearTimeout(t).ok());
  EXPECT_TRUE(loop_->ClearTimeout(nullptr).ok());
  EXPECT_THAT(log_, ElementsAre("t@1"));
}

TEST_F(LoopTest, TimersFromAnotherLoopAreRejected) {
  Timer t;
  RunScript([&] { t = loop_->SetTimeout([] {}, 1).value(); });
  auto other_sim = platform_sim::SimulatedPlatform::Create({}).value();
  Loop other(other_sim.get());
  EXPECT_EQ(other.ClearTimeout(t).message(),
            absl::StrCat("Loop::ClearTimeout: timer ", t->id(), " belongs to another loop"));
  EXPECT_EQ(other.Ref(nullptr).message(), "Loop::Ref: null timer");
  Immediate im;
  RunScript([&] { im = loop_->SetImmediate([] {}).value(); });
  EXPECT_EQ(other.ClearImmediate(im).message(),
            absl::StrCat("Loop::ClearImmediate: immediate ", im.id, " belongs to another loop"));
  EXPECT_TRUE(loop_->ImmediatePending(im).value()) << "the failed clear changed nothing";
  EXPECT_TRUE(other.ClearImmediate(Immediate{}).ok());
}

TEST_F(LoopTest, ExceptionStopsRunAndTheLoopCanContinue) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([] { throw std::runtime_error("boom"); }, 1).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("after"), 1).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("later"), 5).ok());
  });
  absl::StatusOr<bool> r = loop_->Run();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(r.status().message(), "uncaught exception in timeout callback at t=1.000 ms: boom");
  EXPECT_TRUE(log_.empty());
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("after@1", "later@5"));
}

TEST_F(LoopTest, ExceptionInTheMainScriptIsReported) {
  absl::Status s = loop_->RunScript([] { throw std::logic_error("bad main"); });
  EXPECT_EQ(s.message(), "uncaught exception in main callback at t=0.000 ms: bad main");
  EXPECT_TRUE(loop_->RunScript([] {}).ok());
}

TEST_F(LoopTest, RunawayNextTickIsStopped) {
  Make({}, {.max_tasks_per_drain = 1000});
  std::function<void()> again = [&] { ASSERT_TRUE(loop_->NextTick(again).ok()); };
  absl::Status s = loop_->RunScript([&] {
    ASSERT_TRUE(loop_->ConsumeCpu(7 * kMs).ok());
    again();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "aborting after running 1000 nextTick and microtask callbacks in one drain at "
            "t=7.000 ms: the nextTick queue never empties");
}

TEST_F(LoopTest, RunawayMicrotaskIsStoppedInsideRun) {
  Make({}, {.max_tasks_per_drain = 500});
  std::function<void()> again = [&] { ASSERT_TRUE(loop_->QueueMicrotask(again).ok()); };
  RunScript([&] { ASSERT_TRUE(loop_->SetTimeout([&] { again(); }, 2).ok()); });
  absl::StatusOr<bool> r = loop_->Run();
  EXPECT_EQ(r.status().message(),
            "aborting after running 500 nextTick and microtask callbacks in one drain at "
            "t=2.000 ms: the microtask queue never empties");
}

TEST_F(LoopTest, EndlessImmediateChainIsStoppedWhenAsked) {
  Make({}, {.max_immediate_chain = 50});
  std::function<void()> again = [&] { ASSERT_TRUE(loop_->SetImmediate(again).ok()); };
  RunScript([&] { again(); });
  absl::StatusOr<bool> r = loop_->Run();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "aborting after 50 loop iterations in a row that each queued another "
            "setImmediate, at t=0.000 ms: the immediate queue never empties");
}

TEST_F(LoopTest, PhasesRunInLibuvOrder) {
  HandleId idle = loop_->NewHandle(HandleType::kIdle).value();
  HandleId prep = loop_->NewHandle(HandleType::kPrepare).value();
  HandleId check = loop_->NewHandle(HandleType::kCheck).value();
  ASSERT_TRUE(loop_->StartHandle(idle, Log("idle")).ok());
  ASSERT_TRUE(loop_->StartHandle(prep, Log("prepare")).ok());
  ASSERT_TRUE(loop_->StartHandle(check, [&] {
    Note("check");
    ASSERT_TRUE(loop_->CloseHandle(idle, Log("close idle")).ok());
    ASSERT_TRUE(loop_->CloseHandle(prep, Log("close prepare")).ok());
    ASSERT_TRUE(loop_->CloseHandle(check, Log("close check")).ok());
  }).ok());
  RunScript([&] {
    ASSERT_TRUE(loop_->QueueWork({}, [&](absl::Status) { Note("poll"); }).ok());
    ASSERT_TRUE(loop_->SetImmediate(Log("immediate")).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("timer"), 0).ok());
  });
  EXPECT_FALSE(RunAll());
  // A user check handle started after the loop's own immediate handle runs
  // first (libuv starts handles at the head of the list). Closing is LIFO.
  EXPECT_THAT(log_, ElementsAre("idle@0", "prepare@0", "poll@0", "check@0", "immediate@0",
                                "close check@0", "close prepare@0", "close idle@0", "timer@1"));
}

TEST_F(LoopTest, ClosingTwiceIsAnErrorAndUnknownHandlesAreRejected) {
  HandleId h = loop_->NewHandle(HandleType::kCheck).value();
  ASSERT_TRUE(loop_->CloseHandle(h).ok());
  EXPECT_EQ(loop_->CloseHandle(h).message(), absl::StrCat("Loop::CloseHandle: handle ", h, " is already closing"));
  EXPECT_EQ(loop_->StartHandle(h, [] {}).message(),
            absl::StrCat("Loop::StartHandle: handle ", h, " is closing"));
  EXPECT_TRUE(loop_->Alive().value()) << "a closing handle keeps the loop alive";
  EXPECT_FALSE(RunAll());
  EXPECT_EQ(loop_->CloseHandle(h).message(),
            absl::StrCat("Loop::CloseHandle: unknown handle ", h, " (never created, or already closed)"));
  EXPECT_EQ(loop_->StopHandle(999).code(), absl::StatusCode::kNotFound);
}

TEST_F(LoopTest, UnrefedHandleDoesNotKeepTheLoopAliveButIdleStillPreventsBlocking) {
  HandleId idle = loop_->NewHandle(HandleType::kIdle).value();
  int runs = 0;
  ASSERT_TRUE(loop_->StartHandle(idle, [&] { ++runs; }).ok());
  ASSERT_TRUE(loop_->UnrefHandle(idle).ok());
  EXPECT_FALSE(loop_->Alive().value());
  EXPECT_FALSE(RunAll());
  EXPECT_EQ(runs, 0);
  ASSERT_TRUE(loop_->RefHandle(idle).ok());
  EXPECT_TRUE(loop_->Alive().value());
  absl::StatusOr<bool> once = loop_->Run(RunMode::kOnce);
  ASSERT_TRUE(once.ok());
  EXPECT_TRUE(*once);
  EXPECT_EQ(runs, 1);
}

// What the program computes between two Run calls shortens the next wait,
// as libuv's first zero-timeout poll and time update do (UV_METRICS_IDLE_TIME):
// a timer still fires when it is due.
TEST_F(LoopTest, TimeSpentBetweenRunsShortensTheNextWait) {
  std::vector<int64_t> fired_ms;
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] { fired_ms.push_back(sim_->Now().millis()); }, 10).ok());
  });
  ASSERT_TRUE(loop_->Run(RunMode::kNoWait).ok());
  ASSERT_TRUE(sim_->ConsumeCpu(Duration::Millis(4)).ok());  // the embedder's own work
  ASSERT_TRUE(loop_->Run(RunMode::kOnce).ok());
  EXPECT_THAT(fired_ms, ElementsAre(10));
}

TEST_F(LoopTest, WaitingForeverIsReportedInSimulation) {
  HandleId check = loop_->NewHandle(HandleType::kCheck).value();
  ASSERT_TRUE(loop_->StartHandle(check, [] {}).ok());
  absl::StatusOr<bool> r = loop_->Run();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("the loop would wait forever"));
}

TEST_F(LoopTest, BusyIdleHandleWaitingForATimerIsStoppedNotHung) {
  Make({.max_polls_per_instant = 1000});
  HandleId idle = loop_->NewHandle(HandleType::kIdle).value();
  ASSERT_TRUE(loop_->StartHandle(idle, [] {}).ok());
  RunScript([&] { ASSERT_TRUE(loop_->SetTimeout([&] { ASSERT_TRUE(loop_->StopHandle(idle).ok()); }, 10).ok()); });
  absl::StatusOr<bool> r = loop_->Run();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), HasSubstr("so virtual time never advanced"));
}

TEST_F(LoopTest, BusyIdleHandleReachesItsTimerWithAnIdlePollCost) {
  Make({.idle_poll_cost = Duration::Micros(1)});
  HandleId idle = loop_->NewHandle(HandleType::kIdle).value();
  int spins = 0;
  ASSERT_TRUE(loop_->StartHandle(idle, [&] { ++spins; }).ok());
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("timer");
      ASSERT_TRUE(loop_->StopHandle(idle).ok());
    }, 10).ok());
  });
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("timer@10"));
  EXPECT_EQ(spins, 10'000) << "one idle callback per 1 µs poll until 10 ms";
}

TEST_F(LoopTest, AfterAFailedCloseCallbackTheRestCloseFirstNextTime) {
  HandleId a = loop_->NewHandle(HandleType::kIdle).value();
  HandleId b = loop_->NewHandle(HandleType::kIdle).value();
  HandleId c = loop_->NewHandle(HandleType::kIdle).value();
  ASSERT_TRUE(loop_->CloseHandle(a, Log("a")).ok());
  ASSERT_TRUE(loop_->CloseHandle(b, [&] {
    ASSERT_TRUE(loop_->CloseHandle(c, Log("c")).ok());
    throw std::runtime_error("b");
  }).ok());
  EXPECT_EQ(loop_->Run().status().code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("a@0", "c@0"));
}

TEST_F(LoopTest, PoolWorkThatThrowsReachesItsCallbackAsAnError) {
  std::string status;
  RunScript([&] {
    ASSERT_TRUE(loop_
                    ->QueueWork({.body = [] { throw std::runtime_error("bad hash"); },
                                 .segments = {{Segment::Kind::kCpu, 3 * kMs}}},
                                [&](absl::Status s) { status = s.ToString(); })
                    .ok());
  });
  EXPECT_FALSE(RunAll());
  EXPECT_EQ(status, "INTERNAL: pool work threw: bad hash");
  EXPECT_FALSE(loop_->Alive().value());
}

TEST_F(LoopTest, CompletionsLeftByAFailedCallbackRunFirstNextTime) {
  RunScript([&] {
    ASSERT_TRUE(loop_->StartNetwork(5 * kMs, [](absl::Status) { throw std::runtime_error("x"); }).ok());
    ASSERT_TRUE(loop_->StartNetwork(5 * kMs, [&](absl::Status) { Note("second"); }).ok());
    ASSERT_TRUE(loop_->StartNetwork(7 * kMs, [&](absl::Status) { Note("third"); }).ok());
  });
  absl::StatusOr<bool> r = loop_->Run();
  EXPECT_EQ(r.status().message(), "uncaught exception in net callback at t=5.000 ms: x");
  EXPECT_TRUE(log_.empty());
  EXPECT_TRUE(loop_->Alive().value()) << "the undelivered requests keep it alive";
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("second@5", "third@7"));
}

TEST_F(LoopTest, RunModes) {
  RunScript([&] { ASSERT_TRUE(loop_->SetTimeout(Log("t"), 10).ok()); });
  // NOWAIT polls without blocking: time does not move.
  EXPECT_TRUE(loop_->Run(RunMode::kNoWait).value());
  EXPECT_EQ(sim_->Now(), Instant::Epoch());
  // ONCE blocks for the timer and runs it.
  EXPECT_FALSE(loop_->Run(RunMode::kOnce).value());
  EXPECT_THAT(log_, ElementsAre("t@10"));
}

TEST_F(LoopTest, StopEndsRunAfterTheCurrentIteration) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] {
      Note("a");
      ASSERT_TRUE(loop_->Stop().ok());
    }, 1).ok());
    ASSERT_TRUE(loop_->SetTimeout(Log("b"), 2).ok());
  });
  EXPECT_TRUE(RunAll());
  EXPECT_THAT(log_, ElementsAre("a@1"));
  EXPECT_FALSE(RunAll());
  EXPECT_THAT(log_, ElementsAre("a@1", "b@2"));
}

TEST_F(LoopTest, RunFromACallbackIsRejected) {
  absl::Status inner;
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] { inner = loop_->Run().status(); }, 1).ok());
  });
  RunAll();
  EXPECT_EQ(inner.message(), "Loop::Run called while the loop is running (from one of its callbacks)");
}

TEST_F(LoopTest, CancelledWorkGetsCancelledStatus) {
  Make({.pool_size = 1});
  RequestId running = 0, queued = 0;
  std::vector<std::string> statuses;
  RunScript([&] {
    running = loop_
                  ->QueueWork({.segments = {{Segment::Kind::kWait, 10 * kMs}}},
                              [&](absl::Status s) { statuses.push_back(s.ToString()); })
                  .value();
    queued = loop_
                 ->QueueWork({.body = [] { FAIL() << "ran"; },
                              .segments = {{Segment::Kind::kWait, 10 * kMs}}},
                             [&](absl::Status s) { statuses.push_back(s.ToString()); })
                 .value();
    EXPECT_EQ(loop_->CancelWork(running).code(), absl::StatusCode::kFailedPrecondition);
    ASSERT_TRUE(loop_->CancelWork(queued).ok());
  });
  EXPECT_EQ(loop_->CancelWork(12345).message(), "Loop::CancelWork: no pending pool work or file/dns request 12345");
  RunAll();
  EXPECT_THAT(statuses, ElementsAre("CANCELLED: work cancelled before it started", "OK"));
}

TEST_F(LoopTest, BadArgumentsAreRejected) {
  EXPECT_EQ(loop_->ConsumeCpu(Duration::Nanos(-1)).message(), "Loop::ConsumeCpu: duration must be >= 0, got -1 ns");
  EXPECT_EQ(loop_->StartNetwork(Duration::Nanos(-2), [](absl::Status) {}).status().message(),
            "Loop::StartNetwork: latency must be >= 0, got -2 ns");
  EXPECT_EQ(loop_
                ->QueueWork({.segments = {{Segment::Kind::kCpu, Duration::Nanos(-3)}}},
                            [](absl::Status) {})
                .status()
                .message(),
            "Loop::QueueWork: segment 0 has negative duration -3 ns");
  EXPECT_EQ(loop_->SetTimeout(nullptr, 1).status().message(), "Loop::SetTimeout: empty callback");
  EXPECT_FALSE(loop_->Alive().value()) << "nothing was scheduled";
}

TEST_F(LoopTest, TraceRecordsCallbacksWithTheirPhases) {
  RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([] {}, 1).ok());
    ASSERT_TRUE(loop_->SetImmediate([] {}).ok());
    ASSERT_TRUE(loop_->StartNetwork(2 * kMs, [](absl::Status) {}).ok());
  });
  RunAll();
  EXPECT_THAT(Events("cb_begin"),
              ElementsAre("main:main", "check:immediate", "timers:timeout", "poll:net"));
  EXPECT_THAT(Events("timer_fire"), ElementsAre("timers:timeout"));
}

TEST_F(LoopTest, NetworkRequestsHoldNoPoolThread) {
  Make({.pool_size = 1});
  RunScript([&] {
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(loop_->StartNetwork(50 * kMs, [&](absl::Status) { Note("n"); }).ok());
    }
  });
  RunAll();
  EXPECT_EQ(log_, std::vector<std::string>(100, "n@50"));
}

// The simulated platform, noting the loop's clock reads and polls in order.
class CallLog : public platform::Platform {
 public:
  explicit CallLog(platform::Platform* inner) : inner_(inner) {}
  std::string log;
  Instant Now() override {
    log += "n";
    return inner_->Now();
  }
  absl::Status Poll(Duration timeout, std::vector<platform::Completion>* out) override {
    log += " p ";
    return inner_->Poll(timeout, out);
  }
  std::shared_ptr<platform::Waker> waker() override { return inner_->waker(); }
  void SubmitWork(uint64_t t, platform::PoolWork&& w) override {
    inner_->SubmitWork(t, std::move(w));
  }
  void SubmitIo(uint64_t t, platform::PoolIo io) override { inner_->SubmitIo(t, std::move(io)); }
  void SubmitNet(uint64_t t, platform::NetOp&& op) override { inner_->SubmitNet(t, std::move(op)); }
  void StartNetwork(uint64_t t, platform::NetworkRoundTrip r) override {
    inner_->StartNetwork(t, r);
  }
  absl::Status Cancel(uint64_t t) override { return inner_->Cancel(t); }
  absl::StatusOr<Instant> ConsumeCpu(Duration d) override { return inner_->ConsumeCpu(d); }
  platform::PoolStats pool_stats() override { return inner_->pool_stats(); }
  platform::TraceSink* trace() override { return inner_->trace(); }

 private:
  platform::Platform* inner_;
};

// Before a poll that may wait the loop reads the clock (libuv's update after
// its first zero-timeout poll), unless no callback ran since its last read:
// then that read stands for it. Here each round trip's callback runs in the
// poll phase, before the timers phase's read.
TEST_F(LoopTest, APollReadsTheClockFirstOnlyIfACallbackRanSinceTheLastRead) {
  CallLog calls(sim_.get());
  Loop loop(&calls);
  std::vector<int64_t> done_ms;
  ASSERT_TRUE(loop.RunScript([&] {
                    for (int64_t ms : {1, 2, 3}) {
                      ASSERT_TRUE(loop.StartNetwork(ms * kMs,
                                                    [&](absl::Status) {
                                                      done_ms.push_back(sim_->Now().millis());
                                                    })
                                      .ok());
                    }
                  })
                  .ok());
  calls.log.clear();
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_THAT(done_ms, ElementsAre(1, 2, 3));
  // Run's first read (DEFAULT mode runs due timers first), then per
  // iteration the poll, the read after it and the timers phase's: no
  // callback ran between a read and the next poll.
  EXPECT_EQ(calls.log, "n p nn p nn p nn");

  // A prepare handle's callback runs just before each poll: each poll reads
  // the clock first.
  done_ms.clear();
  HandleId prepare = loop.NewHandle(HandleType::kPrepare).value();
  ASSERT_TRUE(loop.StartHandle(prepare, [] {}).ok());
  ASSERT_TRUE(loop.UnrefHandle(prepare).ok());
  ASSERT_TRUE(loop.RunScript([&] {
                    for (int64_t ms : {1, 2}) {
                      ASSERT_TRUE(loop.StartNetwork(ms * kMs,
                                                    [&](absl::Status) {
                                                      done_ms.push_back(sim_->Now().millis());
                                                    })
                                      .ok());
                    }
                  })
                  .ok());
  calls.log.clear();
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_THAT(done_ms, ElementsAre(4, 5));
  EXPECT_EQ(calls.log, "nn p nnn p nn");
}

// A platform that completes a request the loop never made.
class RoguePlatform : public platform::Platform {
 public:
  Instant Now() override { return Instant::Epoch(); }
  absl::Status Poll(Duration, std::vector<platform::Completion>* out) override {
    out->push_back({.token = 77});
    return absl::OkStatus();
  }
  std::shared_ptr<platform::Waker> waker() override { return nullptr; }
  void SubmitWork(uint64_t, platform::PoolWork&&) override {}
  void SubmitIo(uint64_t, platform::PoolIo) override {}
  void SubmitNet(uint64_t, platform::NetOp&&) override {}
  void StartNetwork(uint64_t, platform::NetworkRoundTrip) override {}
  absl::Status Cancel(uint64_t) override { return absl::OkStatus(); }
  absl::StatusOr<Instant> ConsumeCpu(Duration) override { return Instant::Epoch(); }
  platform::PoolStats pool_stats() override { return {}; }
  platform::TraceSink* trace() override { return nullptr; }
};

TEST(LoopContractTest, CompletionForAnUnknownRequestIsAnError) {
  RoguePlatform rogue;
  Loop loop(&rogue);
  ASSERT_TRUE(loop.StartNetwork(Duration::Nanos(5), [](absl::Status) {}).ok());
  absl::StatusOr<bool> r = loop.Run();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(r.status().message(), "platform delivered a completion for unknown request 77");
}

}  // namespace
}  // namespace runtime
