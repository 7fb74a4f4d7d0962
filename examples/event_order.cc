// Node's event order, on the simulated platform: the classic puzzle.
//
//   ./bazelw run //examples:event_order
//
// Prints the order in which Node.js v20 would run these callbacks, with the
// virtual time of each.
#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("prints Node's order of timers, immediates, ticks and I/O");
  absl::ParseCommandLine(argc, argv);
  auto sim = platform_sim::SimulatedPlatform::Create({.cores = 2, .pool_size = 4});
  if (!sim.ok()) {
    std::cerr << sim.status() << "\n";
    return 1;
  }
  runtime::Loop loop(sim->get());
  auto say = [&](const std::string& what) {
    std::cout << absl::StrFormat("%7.3f ms  %s\n", loop.HrTime()->millis(), what);
  };
  // Any failing call throws; the loop reports it as the callback's error.
  auto must = [](const absl::Status& s) {
    if (!s.ok()) throw std::runtime_error(s.ToString());
  };
  absl::Status script = loop.RunScript([&] {
    say("main script");
    must(loop.SetTimeout([&] { say("setTimeout 0 (clamped to 1 ms)"); }, 0).status());
    must(loop.SetImmediate([&] { say("setImmediate"); }).status());
    must(loop.QueueMicrotask([&] { say("queueMicrotask"); }));
    must(loop.NextTick([&] { say("process.nextTick (before microtasks)"); }));
    platform::PoolWork read_file;  // fs.readFile: 5 ms of disk on a pool thread
    read_file.segments.push_back({platform::Segment::Kind::kWait, base::Duration::Millis(5)});
    must(loop.QueueWork(std::move(read_file), [&](absl::Status s) {
      must(s);
      say("fs callback (poll phase)");
      must(loop.SetTimeout([&] { say("  setTimeout 0 from I/O"); }, 0).status());
      must(loop.SetImmediate([&] { say("  setImmediate from I/O (always first)"); }).status());
    }).status());
    // Like any real script, this one takes a moment (2 ms) to finish, so the
    // 1 ms timer is due when the loop starts. (With no CPU at all, the
    // immediate would run first: see runtime/SEMANTICS.md.)
    must(loop.ConsumeCpu(base::Duration::Millis(2)));
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
  return 0;
}
