// Record, then replay (platform/replay): for random scenarios on the
// simulated platform the replay prints the same lines and writes the same
// trace, byte for byte, using every recorded input; and a program changed
// by one request diverges exactly at the first input where its own
// recording would differ from the original's.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cli/interpreter.h"
#include "cli/recorded_run.h"
#include "cli/sim_runner.h"
#include "platform/replay/determinism_check.h"
#include "platform/replay/record.h"
#include "platform/trace.h"
#include "proptests/scenario_gen.h"

namespace proptests {
namespace {

using platform_replay::Input;

struct Recorded {
  std::string bytes;
  absl::Status status;
  std::vector<scenario::LogLine> lines;
  std::string trace;
};

Recorded Record(const scenario::Scenario& s) {
  Recorded r;
  platform::MemoryTraceSink trace;
  platform_replay::RecordWriter writer({.platform = "sim"},
                                       [&](std::string_view b) { r.bytes.append(b); });
  scenario::LogLines lines;
  r.status = scenario::RunRecorded(s, [&s](platform::TraceSink* t) { return scenario::MakeSimulatedPlatform(s, t); }, &trace, &writer, &lines, {});
  writer.Finish();
  r.lines = std::move(lines.lines);
  r.trace = trace.ToJsonLines();
  return r;
}

std::vector<Input> Inputs(const std::string& bytes) {
  platform_replay::RecordReader r = platform_replay::RecordReader::Open(bytes).value();
  std::vector<Input> out;
  for (const Input* in = r.Next(); in != nullptr; in = r.Next()) out.push_back(*in);
  return out;
}

bool Observation(const Input& in) {
  return in.kind == Input::Kind::kEvent || in.kind == Input::Kind::kPoolStats;
}

RC_GTEST_PROP(ReplayProperty, ReplayGivesTheSameOutputAndTrace, ()) {
  const scenario::Scenario s = *GenScenario();
  const Recorded rec = Record(s);
  platform::MemoryTraceSink trace;
  scenario::LogLines lines;
  std::optional<platform_replay::Divergence> divergence;
  const absl::Status replayed =
      scenario::RunReplayed(s, platform_replay::RecordReader::Open(rec.bytes).value(), &trace,
                            &lines, {}, &divergence);
  RC_ASSERT(!divergence.has_value());
  RC_ASSERT(replayed == rec.status);
  RC_ASSERT(lines.lines == rec.lines);
  RC_ASSERT(trace.ToJsonLines() == rec.trace);
  RC_ASSERT(!rec.trace.empty());
}

RC_GTEST_PROP(ReplayProperty, AChangedProgramDivergesAtItsFirstDifferentRequest, ()) {
  const scenario::Scenario s = *GenScenario();
  scenario::Scenario changed = s;
  // One more pool submission at the end of the main script.
  scenario::Op extra;
  extra.kind = scenario::Op::Kind::kPool;
  extra.ms = *rc::gen::inRange(1, 20);
  changed.main.push_back(extra);

  const Recorded original = Record(s);
  const std::vector<Input> a = Inputs(original.bytes);
  const std::vector<Input> b = Inputs(Record(changed).bytes);
  // Where the changed program's own recording first differs (events and
  // statistics are observations, not requests), as an index into `a`.
  size_t i = 0, j = 0;
  int64_t expected = -1;
  for (;;) {
    while (i < a.size() && Observation(a[i])) ++i;
    while (j < b.size() && Observation(b[j])) ++j;
    if (i == a.size() || j == b.size() || !platform_replay::SameInput(a[i], b[j])) {
      expected = static_cast<int64_t>(i);
      break;
    }
    ++i;
    ++j;
  }
  RC_ASSERT(j < b.size());  // the changed program asks for more
  RC_ASSERT(b[j].kind == Input::Kind::kSubmit);

  scenario::LogLines lines;
  std::optional<platform_replay::Divergence> divergence;
  scenario::RunReplayed(changed, platform_replay::RecordReader::Open(original.bytes).value(),
                        nullptr, &lines, {}, &divergence)
      .IgnoreError();
  RC_ASSERT(divergence.has_value());
  RC_ASSERT(divergence->index == expected);
  RC_ASSERT(divergence->program == b[j].Describe());
}

}  // namespace
}  // namespace proptests
