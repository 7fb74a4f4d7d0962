// A race seen on real threads replays deterministically: one program with
// pool work, a timer and loop-thread CPU whose events land milliseconds
// apart, recorded 20 times on the real platform. Every replay prints its own
// recording's lines exactly, although the 20 runs differ from each other.
//
// Tagged "threads": real pool threads run here, so TSan runs it too. It
// asserts nothing about time: only that each replay equals its recording.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/interpreter.h"
#include "cli/real_runner.h"
#include "cli/recorded_run.h"
#include "platform/replay/record.h"

namespace proptests {
namespace {

constexpr char kProgram[] = R"({"version": 1, "config": {"cores": 2, "pool_size": 2}, "main": [
  {"pool": {"cpu": 3}, "do": [{"log": "p1"}]},
  {"pool": {"cpu": 3}, "do": [{"log": "p2"}]},
  {"pool": {"io": 3}, "do": [{"log": "p3"}]},
  {"timeout": 3, "do": [{"log": "t"}, {"cpu": 1}]},
  {"cpu": 2},
  {"immediate": [{"log": "i"}]}]})";

std::string Order(const std::vector<scenario::LogLine>& lines) {
  std::string out;
  for (const auto& l : lines) out += l.label + " ";
  return out;
}

TEST(RealReplayTest, EveryRealRunReplaysExactly) {
  const scenario::Scenario s = scenario::ParseScenario(kProgram).value();
  std::set<std::string> runs;  // each run's lines, as the CLI prints them
  std::set<std::string> orders;
  for (int i = 0; i < 20; ++i) {
    std::string bytes;
    platform_replay::RecordWriter writer({.platform = "real"},
                                         [&](std::string_view b) { bytes.append(b); });
    scenario::LogLines recorded;
    ASSERT_TRUE(scenario::RunRecorded(
                    s, [&s](platform::TraceSink* t) { return scenario::MakeRealPlatform(s, t); },
                    nullptr, &writer, &recorded, {})
                    .ok());
    writer.Finish();
    scenario::LogLines replayed;
    std::optional<platform_replay::Divergence> divergence;
    ASSERT_TRUE(scenario::RunReplayed(s, platform_replay::RecordReader::Open(bytes).value(),
                                      nullptr, &replayed, {}, &divergence)
                    .ok());
    ASSERT_FALSE(divergence.has_value()) << divergence->Report();
    ASSERT_EQ(replayed.lines, recorded.lines) << "run " << i;
    ASSERT_EQ(recorded.lines.size(), 5u);
    std::string text;
    for (const auto& l : recorded.lines) text += scenario::FormatLogLine(l) + "\n";
    runs.insert(text);
    orders.insert(Order(recorded.lines));
  }
  // The runs differ: their times are wall clock, to the nanosecond, so no
  // two real runs print the same lines. Their orders may or may not differ
  // (three events within a few ms of each other on 2 cores); the log shows
  // how many orders this machine produced.
  EXPECT_GT(runs.size(), 1u);
  std::printf("20 real runs: %zu distinct outputs, %zu distinct orders\n", runs.size(),
              orders.size());
  for (const std::string& o : orders) std::printf("  order: %s\n", o.c_str());
}

}  // namespace
}  // namespace proptests
