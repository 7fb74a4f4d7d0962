// Node's event-loop order, on the simulated platform: the classic puzzle of
// process.nextTick, a promise job, setTimeout(0), setImmediate and an fs
// callback, each line annotated with the phase that ran it and the queue it
// waited in, and the same program for Node.js printed beside it.
//
//   ./bazelw run //examples:event_loop_order
//   ./bazelw run //examples:event_loop_order -- --js > order.js && node order.js
//
// The rules behind each line are in runtime/SEMANTICS.md.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "platform/sim/simulated_platform.h"
#include "platform/trace.h"
#include "runtime/loop.h"

ABSL_FLAG(bool, js, false, "print only the Node.js program, to save and run with `node FILE`");

namespace {

// The same program for Node.js. The main script takes 20 ms, as the
// simulated one does: without it, whether setTimeout(0) or setImmediate
// runs first depends on how fast the machine reaches the first timers phase
// (see runtime/SEMANTICS.md), and fs.stat has finished on the pool by then.
constexpr char kNodeProgram[] = R"js(const fs = require('fs');
const start = performance.now();
const say = (what) => console.log(what);
say('main script');
setTimeout(() => say('setTimeout 0'), 0);
setImmediate(() => say('setImmediate'));
queueMicrotask(() => say('queueMicrotask'));
process.nextTick(() => say('process.nextTick'));
fs.stat('.', () => {
  say('fs callback');
  setTimeout(() => say('setTimeout 0 from I/O'), 0);
  setImmediate(() => say('setImmediate from I/O'));
});
while (performance.now() - start < 20) {}  // the script computes for 20 ms
)js";

// Which callback is running, from the loop's trace events: the phase that
// ran it and its kind.
class CurrentCallback : public platform::TraceSink {
 public:
  void Record(platform::TraceEvent e) override {
    if (e.event == platform::TraceEventKind::kCallbackBegin) {
      stack_.push_back({e.phase, e.kind});
    } else if (e.event == platform::TraceEventKind::kCallbackEnd && !stack_.empty()) {
      stack_.pop_back();
    }
  }
  std::string phase() const { return stack_.empty() ? "?" : stack_.back().first; }
  std::string kind() const { return stack_.empty() ? "?" : stack_.back().second; }

 private:
  std::vector<std::pair<std::string, std::string>> stack_;
};

// Where a callback of each kind waited before the loop ran it.
std::string QueueOf(const std::string& kind) {
  if (kind == "main") return "- (the script itself)";
  if (kind == "nextTick") return "nextTick queue: drained after every callback";
  if (kind == "microtask") return "microtask queue: drained after the nextTicks";
  if (kind == "timeout") return "timer list of 1 ms: setTimeout(0) means 1 ms";
  if (kind == "immediate") return "immediate queue: the check phase, after poll";
  if (kind == "work") return "pool completions: fs ran on a pool thread";
  return kind;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "prints Node's order of nextTick, microtasks, timers, immediates and I/O, annotated");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_js)) {
    std::cout << kNodeProgram;
    return 0;
  }
  CurrentCallback current;
  auto sim = platform_sim::SimulatedPlatform::Create(
      {.cores = 2, .pool_size = 4, .trace = &current});
  if (!sim.ok()) {
    std::cerr << sim.status() << "\n";
    return 1;
  }
  runtime::Loop loop(sim->get());
  std::cout << "Node's event-loop order, simulated: the main script computes for 20 ms;\n"
               "fs.stat takes 0.05 ms on a pool thread.\n\n";
  std::cout << absl::StrFormat("  %-7s %-23s %-7s %s\n", "ms", "callback", "phase",
                               "where it waited");
  auto say = [&](const std::string& what) {
    std::cout << absl::StrFormat("  %-7g %-23s %-7s %s\n", loop.HrTime()->millis(), what,
                                 current.phase(), QueueOf(current.kind()));
  };
  // Any failing call throws; the loop reports it as the callback's error.
  auto must = [](const absl::Status& s) {
    if (!s.ok()) throw std::runtime_error(s.ToString());
  };
  absl::Status script = loop.RunScript([&] {
    say("main script");
    must(loop.SetTimeout([&] { say("setTimeout 0"); }, 0).status());
    must(loop.SetImmediate([&] { say("setImmediate"); }).status());
    must(loop.QueueMicrotask([&] { say("queueMicrotask"); }));
    must(loop.NextTick([&] { say("process.nextTick"); }));
    platform::PoolWork stat;  // fs.stat: 50 us of disk on a pool thread
    stat.segments.push_back({platform::Segment::Kind::kWait, base::Duration::Micros(50)});
    must(loop.QueueWork(std::move(stat), [&](absl::Status s) {
      must(s);
      say("fs callback");
      must(loop.SetTimeout([&] { say("setTimeout 0 from I/O"); }, 0).status());
      must(loop.SetImmediate([&] { say("setImmediate from I/O"); }).status());
    }).status());
    must(loop.ConsumeCpu(base::Duration::Millis(20)));
  });
  if (!script.ok()) {
    std::cerr << script << "\n";
    return 1;
  }
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) {
    std::cerr << run.status() << "\n";
    return 1;
  }
  std::cout << "\nWhy: nextTicks, then promise jobs, run as soon as the script (or any\n"
               "callback) ends. The loop then enters timers (the 1 ms timer is due: the\n"
               "script took 20 ms), poll (the stat is done), check (both immediates: one\n"
               "queued from I/O runs in the same check phase), and the timer set from I/O\n"
               "waits for the next iteration's timers phase.\n";
  std::cout << "\nThe same program for Node.js prints the same order. Save it with\n"
               "`event_loop_order --js > order.js` and run `node order.js` (not `node -`:\n"
               "a script read from stdin runs inside an I/O callback, in the poll phase,\n"
               "so its immediate runs before its timer):\n\n"
            << kNodeProgram;
  return 0;
}
