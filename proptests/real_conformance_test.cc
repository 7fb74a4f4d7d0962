// Every Node 20 conformance scenario on the real platform must print Node's
// order: those files were kept only where Node's order was stable over 5
// runs, so the real platform must not flake on them either.
//
// Tagged real_timing: sanitizers slow every callback several times over,
// which turns the scenarios' margins into races, so the asan and ubsan
// configs skip this test (.bazelrc), and tsan runs only "threads" tests.
// Tagged exclusive: `cpu` ops compute in thread CPU time, so a test sharing
// the cores would stretch them in wall time (some scenarios' margins are a
// few milliseconds).
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>

#include "cli/interpreter.h"
#include "cli/real_runner.h"
#include "proptests/conformance_corpus.h"

namespace proptests {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<scenario::LogLine>> RunForReal(const scenario::Scenario& s) {
  scenario::LogLines lines;
  absl::Status st = scenario::RunOnRealPlatform(s, &lines, nullptr, {});
  if (!st.ok()) return st;
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

}  // namespace
}  // namespace proptests
