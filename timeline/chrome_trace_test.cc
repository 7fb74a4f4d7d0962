#include "timeline/chrome_trace.h"

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "timeline/signup_timeline_testutil.h"

namespace timeline {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using Json = nlohmann::json;

std::vector<Json> EventsWith(const Json& doc, const std::string& ph, const std::string& cat = "") {
  std::vector<Json> out;
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] == ph && (cat.empty() || e.value("cat", "") == cat)) out.push_back(e);
  }
  return out;
}

TEST(ChromeTraceTest, SixSignupsAsSlices) {
  const std::string text = ChromeTraceJson(SignupTimeline(6), {.process_name = "twinloop sim"});
  const Json doc = Json::parse(text);  // throws, failing the test, if it is not JSON
  EXPECT_EQ(doc["displayTimeUnit"], "ms");

  // Metadata names the process and every thread.
  std::map<int, std::string> threads;
  for (const Json& m : EventsWith(doc, "M")) {
    if (m["name"] == "process_name") {
      EXPECT_EQ(m["args"]["name"], "twinloop sim");
    }
    if (m["name"] == "thread_name") threads[m["tid"].get<int>()] = m["args"]["name"];
  }
  EXPECT_THAT(threads, ElementsAre(std::pair{1, "loop"}, std::pair{2, "pool-0"},
                                   std::pair{3, "pool-1"}, std::pair{4, "pool-2"},
                                   std::pair{5, "pool-3"}));

  // Four tasks end at 200 ms; two run from 200 to 300 ms, on the first two threads.
  std::vector<std::string> tasks;
  for (const Json& e : EventsWith(doc, "X", "task")) {
    tasks.push_back(e["name"].get<std::string>() + " tid " + std::to_string(e["tid"].get<int>()) +
                    " " + std::to_string(e["ts"].get<double>()) + "+" +
                    std::to_string(e["dur"].get<double>()));
  }
  EXPECT_THAT(tasks, ElementsAre("signup 1 tid 2 0.000000+200000.000000",
                                 "signup 2 tid 3 0.000000+200000.000000",
                                 "signup 3 tid 4 0.000000+200000.000000",
                                 "signup 4 tid 5 0.000000+200000.000000",
                                 "signup 5 tid 2 200000.000000+100000.000000",
                                 "signup 6 tid 3 200000.000000+100000.000000"));

  // Every task's queue wait is an async slice; the two that waited, 200 ms.
  std::map<int, double> begin;
  std::map<int, double> wait_us;
  for (const Json& e : EventsWith(doc, "b", "queue")) begin[e["id"]] = e["ts"];
  for (const Json& e : EventsWith(doc, "e", "queue")) wait_us[e["id"]] = e["ts"].get<double>() - begin[e["id"]];
  EXPECT_THAT(wait_us, ElementsAre(std::pair{1, 0.0}, std::pair{2, 0.0}, std::pair{3, 0.0},
                                   std::pair{4, 0.0}, std::pair{5, 200000.0},
                                   std::pair{6, 200000.0}));
  // And a flow from the loop, where it was queued, to the thread that took it.
  std::vector<int> flow_ends;
  for (const Json& e : EventsWith(doc, "f")) {
    EXPECT_EQ(e["bp"], "e");
    flow_ends.push_back(e["tid"]);
  }
  EXPECT_THAT(flow_ends, ElementsAre(2, 3, 4, 5, 2, 3));
  // A flow's end binds to the slice open on its thread ("bp":"e"), so each
  // task's slice comes first in the file.
  const Json& events = doc["traceEvents"];
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i]["ph"] != "f") continue;
    bool slice_before = false;
    for (size_t j = 0; j < i; ++j) {
      slice_before |= events[j]["ph"] == "X" && events[j]["tid"] == events[i]["tid"] &&
                      events[j]["ts"] == events[i]["ts"] && events[j]["args"]["id"] == events[i]["id"];
    }
    EXPECT_TRUE(slice_before) << events[i].dump();
  }
  for (const Json& e : EventsWith(doc, "s")) EXPECT_EQ(e["tid"], 1);

  // The loop thread: callbacks by kind with their phase, polls, log instants.
  std::vector<std::string> loop;
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] != "X" || e["tid"] != 1) continue;
    loop.push_back(e["name"].get<std::string>() + "/" +
                   (e["args"].contains("phase") ? e["args"]["phase"].get<std::string>() : "-"));
  }
  EXPECT_THAT(loop, ElementsAre("main/main", "poll/-", "work/poll", "work/poll", "work/poll",
                                "work/poll", "poll/-", "work/poll", "work/poll"));
  std::vector<std::string> logs;
  for (const Json& e : EventsWith(doc, "i", "log")) {
    EXPECT_EQ(e["s"], "t");
    logs.push_back(e["name"]);
  }
  EXPECT_EQ(logs.size(), 6u);
  EXPECT_EQ(doc["otherData"]["end_ms"], 300.0);
}

TEST(ChromeTraceTest, LabelsThatAreNotUtf8StillGiveJson) {
  Timeline t{.lanes = {"loop"}};
  t.instants.push_back({.kind = Instant::Kind::kLog, .lane = 0, .t_ns = 1500, .name = "a\xff\"b"});
  t.tasks.push_back({.id = 3, .enqueue_ns = 0, .cancelled = true, .cancel_ns = 2000, .label = "x"});
  const Json doc = Json::parse(ChromeTraceJson(t, {}));
  const std::vector<Json> instants = EventsWith(doc, "i");
  ASSERT_EQ(instants.size(), 2u);
  EXPECT_EQ(instants[0]["name"], "cancelled: x");
  EXPECT_EQ(instants[0]["ts"], 2.0);  // where it left the queue
  EXPECT_EQ(instants[1]["name"], "a\xef\xbf\xbd\"b");
  EXPECT_EQ(instants[1]["ts"], 1.5);
}

}  // namespace
}  // namespace timeline
