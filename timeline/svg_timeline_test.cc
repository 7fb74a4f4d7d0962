#include "timeline/svg_timeline.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "timeline/signup_timeline_testutil.h"

namespace timeline {
namespace {

// The attributes of every element of `cls` (our own output: one element per
// line, attributes in double quotes).
std::vector<std::map<std::string, std::string>> Elements(const std::string& svg,
                                                         const std::string& cls) {
  std::vector<std::map<std::string, std::string>> out;
  const std::regex element("<(rect|line|text) class=\"" + cls + "\"([^>]*)>");
  const std::regex attr("([a-z0-9-]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element);
       it != std::sregex_iterator(); ++it) {
    std::map<std::string, std::string> attrs;
    const std::string rest = (*it)[2];
    for (auto a = std::sregex_iterator(rest.begin(), rest.end(), attr);
         a != std::sregex_iterator(); ++a) {
      attrs[(*a)[1]] = (*a)[2];
    }
    out.push_back(attrs);
  }
  return out;
}

double Num(const std::string& s) { return std::stod(s); }

// x of the tick labelled `ms`.
double TickX(const std::string& svg, const std::string& ms) {
  for (auto& tick : Elements(svg, "tick")) {
    if (tick["data-ms"] == ms) return Num(tick["x1"]);
  }
  ADD_FAILURE() << "no tick at " << ms;
  return -1;
}

TEST(SvgTimelineTest, SixSignupBarsLineUpWithTheAxis) {
  const std::string svg = SvgTimeline(SignupTimeline(6), {.title = "six signups"});
  const double x0 = TickX(svg, "0"), x200 = TickX(svg, "200"), x300 = TickX(svg, "300");
  auto tasks = Elements(svg, "task");
  ASSERT_EQ(tasks.size(), 6u);
  std::vector<double> ys;
  for (int i = 0; i < 6; ++i) {
    const double x = Num(tasks[i]["x"]), end = x + Num(tasks[i]["width"]);
    EXPECT_EQ(tasks[i]["data-id"], std::to_string(i + 1));
    EXPECT_NEAR(x, i < 4 ? x0 : x200, 0.01) << i;
    EXPECT_NEAR(end, i < 4 ? x200 : x300, 0.01) << i;
    ys.push_back(Num(tasks[i]["y"]));
  }
  // Four lanes, the 5th and 6th on the first two.
  EXPECT_LT(ys[0], ys[1]);
  EXPECT_LT(ys[1], ys[2]);
  EXPECT_LT(ys[2], ys[3]);
  EXPECT_EQ(ys[4], ys[0]);
  EXPECT_EQ(ys[5], ys[1]);
  // Two waits from 0 to 200 ms, in two rows, below every lane.
  auto waits = Elements(svg, "queued");
  ASSERT_EQ(waits.size(), 2u);
  for (auto& w : waits) {
    EXPECT_NEAR(Num(w["x"]), x0, 0.01);
    EXPECT_NEAR(Num(w["x"]) + Num(w["width"]), x200, 0.01);
    EXPECT_GT(Num(w["y"]), ys[3]);
    EXPECT_EQ(w["fill"], "url(#hatch)");
  }
  EXPECT_NE(waits[0]["y"], waits[1]["y"]);
  std::vector<std::string> lanes;
  for (auto& l : Elements(svg, "lane")) lanes.push_back(l["data-lane"]);
  EXPECT_THAT(lanes, ::testing::ElementsAre("loop", "pool-0", "pool-1", "pool-2", "pool-3", "queue"));
  EXPECT_THAT(svg, ::testing::HasSubstr(">signup 5</text>"));
  EXPECT_THAT(svg, ::testing::HasSubstr(">six signups</text>"));
  EXPECT_THAT(svg, ::testing::HasSubstr("<title>signup 5: queued at 0 ms, waited 200 ms, ran "
                                        "200-300 ms on pool-0</title>"));
}

TEST(SvgTimelineTest, HundredTasksScaleTheQueueAndDropLabelsThatDoNotFit) {
  const std::string svg = SvgTimeline(SignupTimeline(100, 10), {.width_px = 960});
  auto tasks = Elements(svg, "task");
  ASSERT_EQ(tasks.size(), 100u);
  // 96 waits overlap at 0 ms: the first 48 get a row each, thinner than at
  // 2 rows and none overlapping another; the rest are counted.
  auto waits = Elements(svg, "queued");
  ASSERT_EQ(waits.size(), 48u);
  EXPECT_THAT(svg, ::testing::HasSubstr(">+48 more</text>"));
  std::vector<double> ys;
  for (auto& w : waits) ys.push_back(Num(w["y"]));
  std::sort(ys.begin(), ys.end());
  for (size_t i = 1; i < ys.size(); ++i) {
    EXPECT_GE(ys[i] - ys[i - 1], Num(waits[0]["height"])) << i;
  }
  EXPECT_LT(Num(waits[0]["height"]), 4);
  // Each task bar is 20 ms (10 ms hashes, two to a core) of a 500 ms axis,
  // 34 px: too narrow for "signup 17",
  // so a bar shows "#17" or nothing; every label fits inside its own bar
  // (11 px monospace: 6.6 px a character, 3 px either side).
  std::map<std::string, std::pair<double, double>> bar_span;  // id -> [x, x + width]
  for (auto& t : tasks) bar_span[t["data-id"]] = {Num(t["x"]), Num(t["x"]) + Num(t["width"])};
  const std::regex label(R"re(<text class="bar-label" x="([0-9.]+)"[^>]*>#([0-9]+)</text>)re");
  const std::regex any_label(R"re(<text class="bar-label")re");
  int labels = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label);
       it != std::sregex_iterator(); ++it) {
    ++labels;
    const double center = std::stod((*it)[1]);
    const std::string id = (*it)[2];
    const double half = (6.6 * static_cast<double>(id.size() + 1) + 6) / 2;
    ASSERT_TRUE(bar_span.count(id)) << id;
    EXPECT_GE(center - half, bar_span[id].first - 0.01) << id;
    EXPECT_LE(center + half, bar_span[id].second + 0.01) << id;
  }
  EXPECT_EQ(labels, std::distance(std::sregex_iterator(svg.begin(), svg.end(), any_label),
                                  std::sregex_iterator()));
  EXPECT_FALSE(std::regex_search(svg, std::regex(R"re(class="bar-label"[^>]*>signup)re")));
}

TEST(SvgTimelineTest, ACancelledWaitEndsWhenItWasCancelled) {
  Timeline t{.lanes = {"loop", "pool-0"}, .end_ns = 100'000'000};
  t.tasks.push_back({.id = 1, .enqueue_ns = 0, .start_ns = 0, .finish_ns = 100'000'000,
                     .lane = 1});
  t.tasks.push_back({.id = 2, .enqueue_ns = 0, .cancelled = true, .cancel_ns = 5'000'000});
  const std::string svg = SvgTimeline(t, {});
  auto waits = Elements(svg, "queued");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_NEAR(Num(waits[0]["x"]) + Num(waits[0]["width"]), TickX(svg, "0") +
                  (TickX(svg, "10") - TickX(svg, "0")) / 2, 0.01);
  EXPECT_THAT(svg, ::testing::HasSubstr("waited in the queue 0-5 ms (cancelled)"));
}

TEST(SvgTimelineTest, WaitsUnderAPixelTakeNoRow) {
  // Real runs: tasks wait microseconds for a thread that is already free.
  Timeline t{.lanes = {"loop", "pool-0", "pool-1"}, .end_ns = 300'000'000};
  t.tasks.push_back({.id = 1, .enqueue_ns = 0, .start_ns = 5'000, .finish_ns = 200'000'000,
                     .lane = 1});
  t.tasks.push_back({.id = 2, .enqueue_ns = 0, .start_ns = 100'000'000,
                     .finish_ns = 300'000'000, .lane = 2});
  const std::string svg = SvgTimeline(t, {});
  auto waits = Elements(svg, "queued");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0]["data-id"], "2");
  EXPECT_THAT(svg, ::testing::HasSubstr("<title>work 1: queued at 0 ms, waited 0.005 ms"));
}

TEST(SvgTimelineTest, TextIsEscapedAndValidUtf8) {
  Timeline t{.lanes = {"loop", "pool-0"}, .end_ns = 10'000'000};
  t.tasks.push_back({.id = 1, .enqueue_ns = 0, .start_ns = 0, .finish_ns = 10'000'000,
                     .lane = 1, .label = "<a&b\"\xff>"});
  const std::string svg = SvgTimeline(t, {.title = "x<y\xef\xbf\xbf"});
  EXPECT_THAT(svg, ::testing::HasSubstr(">x&lt;y\\u{ffff}</text>"));  // not an XML character
  EXPECT_THAT(svg, ::testing::HasSubstr("&lt;a&amp;b&quot;\\xff&gt;"));
  EXPECT_THAT(svg, ::testing::Not(::testing::HasSubstr("\xff")));
}

TEST(SvgTimelineTest, AnEmptyRunIsAnAxisFromZeroToOneMs) {
  const std::string svg = SvgTimeline(Timeline{.lanes = {"loop"}}, {});
  EXPECT_TRUE(Elements(svg, "task").empty());
  std::vector<std::string> ticks;
  for (auto& tick : Elements(svg, "tick")) ticks.push_back(tick["data-ms"]);
  EXPECT_EQ(ticks.front(), "0");
  EXPECT_EQ(ticks.back(), "1");
}

}  // namespace
}  // namespace timeline
