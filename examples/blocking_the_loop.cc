// Blocking the event loop, and the fix. A 10 ms heartbeat (setInterval) and
// a network reply due at 55 ms share a loop with a request that needs 50 ms
// of computing at 30 ms. Computed in the callback, it holds the loop: every
// timer and I/O callback behind it waits, and the event-loop lag metric
// (Node's monitorEventLoopDelay) shows it. Moved to the pool (as
// crypto.pbkdf2 or a worker would), the loop stays free and the work takes
// the same 50 ms on a core of its own.
//
//   ./bazelw run //examples:blocking_the_loop
//   ./bazelw run //examples:blocking_the_loop -- --compute_ms=200
//
// Virtual time on a 2-core machine with a pool of 4: the numbers are exact.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

ABSL_FLAG(double, compute_ms, 50, "the request's computing, in ms (0-10000)");

namespace {

constexpr double kHeartbeatMs = 10;
constexpr double kRequestAtMs = 30;
constexpr double kReplyLatencyMs = 55;
constexpr double kRunForMs = 150;  // the heartbeat stops after this

struct Outcome {
  std::vector<double> heartbeats_ms;  // when each heartbeat ran
  double reply_ms = -1;               // when the network reply was handled
  double computed_ms = -1;            // when the computation's result was there
  runtime::LoopMetrics metrics;
};

absl::StatusOr<Outcome> Run(bool on_pool, double compute_ms) {
  auto sim = platform_sim::SimulatedPlatform::Create({.cores = 2, .pool_size = 4});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get());
  Outcome out;
  auto now = [&] { return loop.HrTime()->millis(); };
  auto must = [](const absl::Status& s) {
    if (!s.ok()) throw std::runtime_error(s.ToString());
  };
  runtime::Timer heartbeat;
  absl::Status script = loop.RunScript([&] {
    absl::StatusOr<runtime::Timer> t = loop.SetInterval(
        [&] {
          out.heartbeats_ms.push_back(now());
          if (now() >= kRunForMs) must(loop.ClearInterval(heartbeat));
        },
        kHeartbeatMs);
    must(t.status());
    heartbeat = *t;
    must(loop.StartNetwork(base::Duration::MillisRounded(kReplyLatencyMs),
                           [&](absl::Status s) {
                             must(s);
                             out.reply_ms = now();
                           })
             .status());
    must(loop.SetTimeout(
                 [&] {
                   const base::Duration cost = base::Duration::MillisRounded(compute_ms);
                   if (!on_pool) {  // the callback computes: the loop can do nothing else
                     must(loop.ConsumeCpu(cost));
                     out.computed_ms = now();
                     return;
                   }
                   platform::PoolWork work;  // the same computing, on a pool thread
                   work.segments.push_back({platform::Segment::Kind::kCpu, cost});
                   must(loop.QueueWork(std::move(work),
                                       [&](absl::Status s) {
                                         must(s);
                                         out.computed_ms = now();
                                       })
                            .status());
                 },
                 kRequestAtMs)
             .status());
  });
  if (!script.ok()) return script;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  absl::StatusOr<runtime::LoopMetrics> m = loop.Metrics();
  if (!m.ok()) return m.status();
  out.metrics = *m;
  return out;
}

std::string Times(const std::vector<double>& ms) {
  std::string s;
  for (double v : ms) absl::StrAppend(&s, s.empty() ? "" : " ", absl::StrFormat("%g", v));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("what a long computation in a callback does to the event loop");
  absl::ParseCommandLine(argc, argv);
  const double compute_ms = absl::GetFlag(FLAGS_compute_ms);
  if (!(compute_ms >= 0 && compute_ms <= 10000)) {
    std::cerr << "blocking_the_loop: --compute_ms must be in [0, 10000], got " << compute_ms
              << "\n";
    return 2;
  }
  absl::StatusOr<Outcome> blocked = Run(/*on_pool=*/false, compute_ms);
  absl::StatusOr<Outcome> fixed = Run(/*on_pool=*/true, compute_ms);
  for (const absl::StatusOr<Outcome>* o : {&blocked, &fixed}) {
    if (!o->ok()) {
      std::cerr << "blocking_the_loop: " << o->status().message() << "\n";
      return 1;
    }
  }
  std::cout << absl::StrFormat(
      "A %g ms heartbeat (setInterval), a network reply due at %g ms, and at %g ms a\n"
      "request that needs %g ms of computing. Virtual ms; 2 cores, a pool of 4.\n\n",
      kHeartbeatMs, kReplyLatencyMs, kRequestAtMs, compute_ms);
  std::cout << "1. Computed in the callback (the loop is blocked):\n";
  auto report = [](const Outcome& o) {
    std::cout << "   heartbeats ran at        " << Times(o.heartbeats_ms) << "\n"
              << "   network reply handled at " << absl::StrFormat("%g", o.reply_ms) << "\n"
              << "   computation done at      " << absl::StrFormat("%g", o.computed_ms) << "\n"
              << "   event-loop lag, max      "
              << absl::StrFormat("%g", o.metrics.timer_lag.max.millis())
              << " ms (how late a timer ran: monitorEventLoopDelay)\n"
              << "   event-loop utilisation   "
              << absl::StrFormat("%.0f%%", o.metrics.utilization * 100)
              << " (busy share of the run: eventLoopUtilization)\n";
  };
  report(*blocked);
  std::cout << "\n2. Moved to the pool (crypto.pbkdf2, or a worker):\n";
  report(*fixed);
  // Read from the run, so the sentence stays true for any --compute_ms.
  const Outcome& b = *blocked;
  std::string why = absl::StrFormat(
      "\nWhy: a callback runs to completion. While it computes (%g-%g ms) the loop cannot\n"
      "reach its timers or poll phases: the heartbeat due at %g ms, queued behind it in\n"
      "the same timers phase, runs %g ms late",
      kRequestAtMs, b.computed_ms, kRequestAtMs, b.metrics.timer_lag.max.millis());
  if (b.reply_ms > kReplyLatencyMs) {
    absl::StrAppend(&why, absl::StrFormat(", and the reply due at %g ms waits until %g ms",
                                          kReplyLatencyMs, b.reply_ms));
  }
  const size_t lost = fixed->heartbeats_ms.size() - b.heartbeats_ms.size();
  if (lost > 0) {
    absl::StrAppend(&why, absl::StrFormat(
                              ".\nThe interval does not catch up: Node reschedules it from "
                              "when it ran, so %d\nheartbeat%s never happen%s",
                              lost, lost == 1 ? "" : "s", lost == 1 ? "s" : ""));
  }
  absl::StrAppend(&why,
                  ".\nOn the pool the same computing has a core of its own, the loop stays "
                  "free,\nevery heartbeat is on time, and the result arrives just as soon.\n");
  std::cout << why;
  return 0;
}
