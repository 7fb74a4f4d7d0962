// Runs every shared conformance scenario on the simulated platform:
// node20/ must produce Node 20's order of labels, pool/ the exact virtual
// times (within 1 µs) of the processor-sharing model.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/scenario.h"
#include "cli/sim_runner.h"
#include "proptests/conformance_corpus.h"

namespace proptests {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<scenario::LogLine>> RunFile(const fs::path& p) {
  absl::StatusOr<scenario::Scenario> s = scenario::ParseScenario(ReadFile(p));
  if (!s.ok()) return s.status();
  return scenario::RunOnSimulator(*s);
}

absl::StatusOr<std::vector<scenario::LogLine>> Simulate(const scenario::Scenario& s) {
  return scenario::RunOnSimulator(s);
}

TEST(ConformanceTest, Node20OrderOfLabels) {
  ASSERT_EQ(SharedCorpusMissing(), "");
  const std::vector<fs::path> files = Scenarios(SharedCorpus("node20"));
  ASSERT_GE(files.size(), 100u);
  ExpectNodeOrder(files, Simulate);
}

TEST(ConformanceTest, Node20OrderOfLabelsInOwnCorpus) {
  const std::vector<fs::path> files = Scenarios(OwnCorpus());
  ASSERT_GE(files.size(), 50u);
  // The three shapes of libuv 1.46's timers re-run (issue #7) are in it.
  for (const char* name : {"rerun_timeout", "rerun_interval", "rerun_chained"}) {
    EXPECT_TRUE(fs::exists(OwnCorpus() / (std::string(name) + ".json"))) << name;
  }
  // And files and a loopback TCP exchange (issue #9).
  for (const char* name :
       {"io_file_chain", "io_enoent", "tcp_echo", "tcp_half_close", "tcp_refused"}) {
    EXPECT_TRUE(fs::exists(OwnCorpus() / (std::string(name) + ".json"))) << name;
  }
  ExpectNodeOrder(files, Simulate);
}

TEST(ConformanceTest, PoolSaturationExactTimes) {
  ASSERT_EQ(SharedCorpusMissing(), "");
  const std::vector<fs::path> files = Scenarios(SharedCorpus("pool"));
  ASSERT_GE(files.size(), 10u);
  for (const fs::path& json : files) {
    fs::path expected_path = json;
    expected_path.replace_extension(".expected");
    std::map<std::string, std::vector<double>> want, got_times;
    std::istringstream in(ReadFile(expected_path));
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      want[j.at("log").get<std::string>()].push_back(j.at("t").get<double>());
    }
    auto got = RunFile(json);
    ASSERT_TRUE(got.ok()) << json.filename() << ": " << got.status();
    for (const auto& l : *got) got_times[l.label].push_back(l.t.millis());
    ASSERT_EQ(want.size(), got_times.size()) << json.filename();
    for (const auto& [label, times] : want) {
      ASSERT_EQ(times.size(), got_times[label].size()) << json.filename() << " " << label;
      for (size_t i = 0; i < times.size(); ++i) {
        EXPECT_NEAR(got_times[label][i], times[i], 1e-3)
            << json.filename() << " label " << label << " (ms; tolerance 1 µs)";
      }
    }
  }
}

}  // namespace
}  // namespace proptests
