#include "cli/interpreter.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace scenario {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> RunJson(const std::string& json) {
  absl::StatusOr<Scenario> s = ParseScenario(json);
  EXPECT_TRUE(s.ok()) << s.status();
  absl::StatusOr<std::vector<LogLine>> lines = RunOnSimulator(*s);
  EXPECT_TRUE(lines.ok()) << lines.status();
  std::vector<std::string> out;
  if (lines.ok()) {
    for (const LogLine& l : *lines) out.push_back(FormatLogLine(l));
  }
  return out;
}

TEST(InterpreterTest, FormatsLinesLikeTheCli) {
  EXPECT_EQ(FormatLogLine({40'000'000, "p0"}), R"({"t": 40.0, "log": "p0"})");
  EXPECT_EQ(FormatLogLine({1'500'000, "a\"b"}), R"({"t": 1.5, "log": "a\"b"})");
  EXPECT_EQ(FormatLogLine({123'456'789, "x"}), R"({"t": 123.456789, "log": "x"})");
}

TEST(InterpreterTest, IntervalIsClearedAfterItsNthRunOnceItsOpsRan) {
  EXPECT_THAT(RunJson(R"({"version": 1, "main": [
      {"interval": 10, "times": 3, "do": [{"log": "i"}, {"nextTick": [{"log": "tick"}]}]}]})"),
              ElementsAre(R"({"t": 10.0, "log": "i"})", R"({"t": 10.0, "log": "tick"})",
                          R"({"t": 20.0, "log": "i"})", R"({"t": 20.0, "log": "tick"})",
                          R"({"t": 30.0, "log": "i"})", R"({"t": 30.0, "log": "tick"})"));
}

TEST(InterpreterTest, CpuOpsAdvanceVirtualTime) {
  EXPECT_THAT(RunJson(R"({"version": 1, "main": [
      {"log": "a"}, {"cpu": 2.5}, {"log": "b"}, {"timeout": 1, "do": [{"log": "c"}]}]})"),
              ElementsAre(R"({"t": 0.0, "log": "a"})", R"({"t": 2.5, "log": "b"})",
                          R"({"t": 3.5, "log": "c"})"));
}

TEST(InterpreterTest, NetJitterFollowsTheSeed) {
  auto run = [](int seed) {
    return RunJson(absl::StrCat(R"({"version": 1, "config": {"seed": )", seed,
                            R"(, "net_jitter_ms": 10}, "main": [
        {"net": 50, "do": [{"log": "a"}]}, {"net": 50, "do": [{"log": "b"}]}]})"));
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

}  // namespace
}  // namespace scenario
