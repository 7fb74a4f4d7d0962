#include "cli/sim_runner.h"

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

TEST(InterpreterTest, FilesReadBackWhatWasWritten) {
  // Node's chains on the simulated disk (100 us per call, 100 bytes per us):
  // writeFile (open, write, close) ends at 0.30005 ms; then stat and the
  // failed open take one call, readFile four (open, fstat, read, close).
  EXPECT_THAT(RunJson(R"({"version": 1, "main": [
      {"writeFile": "/tmp/a", "data": "hello", "do": [
        {"readFile": "/tmp/a", "do": [{"log": "read $data"}]},
        {"stat": "/tmp/a", "do": [{"log": "size $size"}]},
        {"readFile": "/tmp/none", "error": [{"log": "error $error"}]}]}]})"),
              ElementsAre(R"({"t": 0.40005, "log": "size 5"})",
                          R"({"t": 0.40005, "log": "error ENOENT"})",
                          R"({"t": 0.7001, "log": "read hello"})"));
}

TEST(InterpreterTest, ATcpEchoInVirtualTime) {
  // 50 us one way, 125 bytes per us: the client connects at 0.1 ms; its
  // "ping" reaches the server at 0.150032 ms and is back at 0.200064 ms; the
  // client's end reaches the server 50 us later, which ends and closes; its
  // end reaches the client 50 us after that.
  EXPECT_THAT(RunJson(R"({"version": 1, "main": [
      {"listen": 0,
       "connection": [{"onData": [{"log": "server got $data"}, {"write": "$data"}]},
                      {"onClose": [{"log": "server socket closed"}, {"closeServer": true}]}],
       "do": [{"log": "listening on $port"},
              {"connect": "$port", "do": [{"log": "connected"}, {"write": "ping"},
                                          {"onData": [{"log": "client got $data"}, {"end": true}]},
                                          {"onClose": [{"log": "client closed $error"}]}]},
              {"connect": 9, "error": [{"log": "refused $error"}]}]}]})"),
              ElementsAre(R"({"t": 0.0, "log": "listening on 49152"})",
                          R"({"t": 0.1, "log": "connected"})",
                          R"({"t": 0.1, "log": "refused ECONNREFUSED"})",
                          R"({"t": 0.150032, "log": "server got ping"})",
                          R"({"t": 0.200064, "log": "client got ping"})",
                          R"({"t": 0.250064, "log": "server socket closed"})",
                          R"({"t": 0.300064, "log": "client closed "})"));
}

TEST(InterpreterTest, FormatsLinesLikeTheCli) {
  EXPECT_EQ(FormatLogLine({base::Instant::FromNanos(40'000'000), "p0"}), R"({"t": 40.0, "log": "p0"})");
  EXPECT_EQ(FormatLogLine({base::Instant::FromNanos(1'500'000), "a\"b"}), R"({"t": 1.5, "log": "a\"b"})");
  EXPECT_EQ(FormatLogLine({base::Instant::FromNanos(123'456'789), "x"}), R"({"t": 123.456789, "log": "x"})");
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

absl::Status RunWith(const std::string& json, RunOptions options, LogLines* out) {
  absl::StatusOr<Scenario> s = ParseScenario(json);
  EXPECT_TRUE(s.ok()) << s.status();
  return RunOnSimulator(*s, out, nullptr, std::move(options));
}

TEST(InterpreterTest, TheCallbackBudgetStopsEndlessPrograms) {
  LogLines out;
  const absl::Status s = RunWith(R"({"version": 1, "main": [
      {"interval": 0, "times": 1000000000, "do": [{"log": "x"}]}]})",
                                 {.max_callbacks = 100, .max_callbacks_name = "the budget"}, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "the run reached its budget of 100 callbacks at virtual time 100 ms; raise the "
            "budget, or set it to 0 for no limit");
  EXPECT_EQ(out.lines.size(), 99u);  // the main script is a callback too
}

TEST(InterpreterTest, PendingCallbacksAreBounded) {
  LogLines out;
  const absl::Status s = RunWith(R"({"version": 1, "main": [
      {"interval": 1, "times": 1000, "do": [{"timeout": 1e9}, {"immediate": []}]}]})",
                                 {.max_pending = 50}, &out);
  EXPECT_EQ(s.message(),
            "the run holds more than 50 pending callbacks (timers, immediates, ticks, "
            "microtasks, pool and network requests) at virtual time 49 ms; raise "
            "RunOptions::max_pending, or set it to 0 for no limit");
  // Callbacks that ran are no longer pending: a long run of short-lived ones
  // never reaches the bound.
  EXPECT_TRUE(RunWith(R"({"version": 1, "main": [
      {"interval": 1, "times": 1000, "do": [{"timeout": 1}, {"immediate": [{"nextTick": []}]},
                                           {"pool": {"io": 1}}, {"net": 1}]}]})",
                      {.max_pending = 10}, &out)
                  .ok());
}

TEST(InterpreterTest, ShouldStopIsAskedBeforeEveryCallback) {
  LogLines out;
  int asked = 0;
  const absl::Status s =
      RunWith(R"({"version": 1, "main": [{"log": "a"}, {"timeout": 5, "do": [{"log": "b"}]},
                                         {"timeout": 9, "do": [{"log": "c"}]}]})",
              {.should_stop = [&]() -> absl::Status {
                 return ++asked == 3 ? absl::CancelledError("enough") : absl::OkStatus();
               }},
              &out);
  EXPECT_EQ(s, absl::CancelledError("enough"));
  EXPECT_EQ(asked, 3);
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[1], (LogLine{base::Instant::FromNanos(5'000'000), "b"}));
}

TEST(InterpreterTest, LoopErrorsAreReturnedAsTheyAre) {
  // Not wrapped as "uncaught exception in interval callback".
  LogLines out;
  const absl::Status s = RunWith(R"({"version": 1, "main": [
      {"interval": 1, "times": 1, "do": [{"cpu": 1e9}, {"cpu": 1e9}]}]})",
                                 {}, &out);
  EXPECT_TRUE(s.ok()) << s;
  std::string many = R"({"version": 1, "main": [{"timeout": 1, "do": [)";
  for (int i = 0; i < 1001; ++i) many += R"({"cpu": 1e9},)";
  many += R"({"log": "never"}]}]})";
  const absl::Status t = RunWith(many, {}, &out);
  EXPECT_EQ(t, absl::OutOfRangeError("the loop thread's CPU work of 1000000000000000 ns would "
                                     "pass the virtual time limit of 10^18 ns (about 31.7 "
                                     "years)"));
}

}  // namespace
}  // namespace scenario
