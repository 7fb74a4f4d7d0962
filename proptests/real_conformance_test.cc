// Every Node 20 conformance scenario on the real platform must print Node's
// order: those files were kept only where Node's order was stable over 5
// runs, so the real platform must not flake on them either.
//
// Tagged real_timing: sanitizers slow every callback several times over,
// which turns the scenarios' margins into races, so the asan and ubsan
// configs skip this test (.bazelrc), and tsan runs only "threads" tests.
// Every real run is also recorded and replayed: the replay must print the
// same lines (issue #10's acceptance, for every conformance scenario).
// Tagged exclusive: `cpu` ops compute in thread CPU time, so a test sharing
// the cores would stretch them in wall time (some scenarios' margins are a
// few milliseconds).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/interpreter.h"
#include "cli/real_runner.h"
#include "cli/recorded_run.h"
#include "platform/real/cpu_affinity.h"
#include "platform/replay/record.h"
#include "proptests/conformance_corpus.h"

namespace proptests {
namespace {

namespace fs = std::filesystem;

// Runs `s` on the machine, recording it, then replays the record and
// expects the very same lines (to the nanosecond, so the CLI's
// microsecond output is the same bytes too).
absl::StatusOr<std::vector<scenario::LogLine>> RunForReal(const scenario::Scenario& s) {
  std::string bytes;
  platform_replay::RecordWriter writer({.platform = "real"},
                                       [&](std::string_view b) { bytes.append(b); });
  scenario::LogLines lines;
  absl::Status st = scenario::RunRecorded(
      s, [&s](platform::TraceSink* t) { return scenario::MakeRealPlatform(s, t); }, nullptr,
      &writer, &lines, {});
  writer.Finish();
  if (!st.ok()) return st;
  absl::StatusOr<platform_replay::RecordReader> reader =
      platform_replay::RecordReader::Open(std::move(bytes));
  if (!reader.ok()) return reader.status();
  scenario::LogLines replayed;
  std::optional<platform_replay::Divergence> divergence;
  st = scenario::RunReplayed(s, *std::move(reader), nullptr, &replayed, {}, &divergence);
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_FALSE(divergence.has_value()) << divergence->Report();
  EXPECT_EQ(replayed.lines, lines.lines) << "the replay of a real run printed other lines";
  return std::move(lines.lines);
}

TEST(RealConformanceTest, Node20OrderOfLabels) {
  ASSERT_EQ(SharedCorpusMissing(), "");
  const std::vector<fs::path> files = Scenarios(SharedCorpus("node20"));
  ASSERT_GE(files.size(), 100u);
  ExpectNodeOrder(files, RunForReal);
}

TEST(RealConformanceTest, Node20OrderOfLabelsInOwnCorpus) {
  const std::vector<fs::path> files = Scenarios(OwnCorpus());
  ASSERT_GE(files.size(), 50u);
  ExpectNodeOrder(files, RunForReal);
}

// The pool scenarios' times are the simulator's; on the machine only the
// replay of each recorded run is certain. Those that ask for more cores than
// this machine has are skipped (counted below).
TEST(RealConformanceTest, PoolScenariosReplayAsRecorded) {
  ASSERT_EQ(SharedCorpusMissing(), "");
  const std::vector<fs::path> files = Scenarios(SharedCorpus("pool"));
  ASSERT_GE(files.size(), 40u);
  int ran = 0, skipped = 0;
  for (const fs::path& f : files) {
    const scenario::Scenario s = scenario::ParseScenario(ReadFile(f)).value();
    if (s.config.cores > platform_real::AvailableCpus()) {
      ++skipped;
      continue;
    }
    SCOPED_TRACE(f.string());
    absl::StatusOr<std::vector<scenario::LogLine>> lines = RunForReal(s);
    ASSERT_TRUE(lines.ok()) << lines.status();
    ++ran;
  }
  std::printf("pool scenarios recorded and replayed: %d; skipped (too many cores): %d\n", ran,
              skipped);
  EXPECT_GT(ran, 0);
}

}  // namespace
}  // namespace proptests
