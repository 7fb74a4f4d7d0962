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

#include "cli/sim_runner.h"
#include "cli/scenario.h"

namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path Runfiles() { return fs::path(std::getenv("TEST_SRCDIR")) / "conformance"; }

// The corpus this repository keeps (proptests/testdata/node20/README.md).
fs::path OwnCorpus() {
  return fs::path(std::getenv("TEST_SRCDIR")) / "twinloop" / "proptests" / "testdata" / "node20";
}

std::vector<fs::path> Scenarios(const fs::path& root) {
  std::vector<fs::path> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Missing() { return Read(Runfiles() / "MISSING"); }

absl::StatusOr<std::vector<scenario::LogLine>> RunFile(const fs::path& p) {
  absl::StatusOr<scenario::Scenario> s = scenario::ParseScenario(Read(p));
  if (!s.ok()) return s.status();
  return scenario::RunOnSimulator(*s);
}

// Every NAME.json in `files` prints the labels of NAME.expected, in order.
void ExpectNodeOrder(const std::vector<fs::path>& files) {
  int mismatches = 0;
  for (const fs::path& json : files) {
    fs::path expected_path = json;
    expected_path.replace_extension(".expected");
    std::vector<std::string> want;
    std::istringstream in(Read(expected_path));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) want.push_back(line);
    }
    auto got = RunFile(json);
    ASSERT_TRUE(got.ok()) << json.filename() << ": " << got.status();
    std::vector<std::string> labels;
    for (const auto& l : *got) labels.push_back(l.label);
    if (labels != want) {
      ++mismatches;
      ADD_FAILURE() << json.filename() << ": Node printed " << testing::PrintToString(want)
                    << " but twinloop gave " << testing::PrintToString(labels);
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << files.size() << " scenarios";
}

TEST(ConformanceTest, Node20OrderOfLabels) {
  ASSERT_EQ(Missing(), "");
  const std::vector<fs::path> files = Scenarios(Runfiles() / "node20");
  ASSERT_GE(files.size(), 100u);
  ExpectNodeOrder(files);
}

TEST(ConformanceTest, Node20OrderOfLabelsInOwnCorpus) {
  const std::vector<fs::path> files = Scenarios(OwnCorpus());
  ASSERT_GE(files.size(), 50u);
  // The three shapes of libuv 1.46's timers re-run (issue #7) are in it.
  for (const char* name : {"rerun_timeout", "rerun_interval", "rerun_chained"}) {
    EXPECT_TRUE(fs::exists(OwnCorpus() / (std::string(name) + ".json"))) << name;
  }
  ExpectNodeOrder(files);
}

TEST(ConformanceTest, PoolSaturationExactTimes) {
  ASSERT_EQ(Missing(), "");
  const std::vector<fs::path> files = Scenarios(Runfiles() / "pool");
  ASSERT_GE(files.size(), 10u);
  for (const fs::path& json : files) {
    fs::path expected_path = json;
    expected_path.replace_extension(".expected");
    std::map<std::string, std::vector<double>> want, got_times;
    std::istringstream in(Read(expected_path));
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
