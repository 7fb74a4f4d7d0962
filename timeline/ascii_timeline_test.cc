#include "timeline/ascii_timeline.h"

#include "gtest/gtest.h"
#include "timeline/signup_timeline_testutil.h"

namespace timeline {
namespace {

TEST(AsciiTimelineTest, SixSignupsFourRunTwoWait) {
  EXPECT_EQ(AsciiTimeline(SignupTimeline(6), {.columns = 30}),
            "          0         100       200       300 ms\n"
            "pool-0    111111111111111111115555555555\n"
            "pool-1    222222222222222222226666666666\n"
            "pool-2    33333333333333333333\n"
            "pool-3    44444444444444444444\n"
            "queue     5~~~~~~~~~~~~~~~~~~~\n"
            "queue     6~~~~~~~~~~~~~~~~~~~\n"
            "          1=signup 1, 2=signup 2, 3=signup 3, 4=signup 4, 5=signup 5, "
            "6=signup 6; ~ waiting in the queue\n");
}

TEST(AsciiTimelineTest, TwoSignupsNoQueue) {
  EXPECT_EQ(AsciiTimeline(SignupTimeline(2), {.columns = 20, .time_unit = "virtual ms"}),
            "          0         50        100 virtual ms\n"
            "pool-0    11111111111111111111\n"
            "pool-1    22222222222222222222\n"
            "          1=signup 1, 2=signup 2\n");
}

TEST(AsciiTimelineTest, AtMostSixteenQueueRows) {
  // 40 signups on a pool of 4: 36 wait at once; 16 rows are drawn.
  const std::string text = AsciiTimeline(SignupTimeline(40), {.columns = 40});
  size_t rows = 0;
  for (size_t at = text.find("\nqueue "); at != std::string::npos;
       at = text.find("\nqueue ", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 16u);
  EXPECT_NE(text.find("          (20 more waiting)\n"), std::string::npos) << text;
}

TEST(AsciiTimelineTest, EmptyTimelineIsJustTheAxis) {
  EXPECT_EQ(AsciiTimeline(Timeline{.lanes = {"loop"}}, {.columns = 10}),
            "          0         1 ms\n");
}

}  // namespace
}  // namespace timeline
