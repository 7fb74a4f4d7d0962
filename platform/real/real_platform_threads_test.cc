// The real platform's threads. Its pool starts them on the first submission,
// as libuv's pool does (init_once in src/threadpool.c), so a program that
// never uses the pool stays single-threaded. A binary of its own: it counts
// the process's threads.
#include <dirent.h>

#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "absl/base/config.h"
#include "platform/real/real_platform.h"

namespace platform_real {
namespace {

using base::Duration;
using platform::Completion;

int ThreadsInProcess() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  int n = 0;
  while (const dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

std::vector<Completion> PollFor(RealPlatform& p, size_t n) {
  std::vector<Completion> all, some;
  while (all.size() < n) {
    some.clear();
    EXPECT_TRUE(p.Poll(platform::kWaitForever, &some).ok());
    for (Completion& c : some) all.push_back(std::move(c));
  }
  return all;
}

// ThreadSanitizer starts a thread of its own with the process's second.
#ifdef ABSL_HAVE_THREAD_SANITIZER
constexpr int kToolThreads = 1;
#else
constexpr int kToolThreads = 0;
#endif

TEST(RealPlatformThreadsTest, ThePoolStartsItsThreadsOnTheFirstSubmission) {
  ASSERT_EQ(ThreadsInProcess(), 1);
  absl::StatusOr<std::unique_ptr<RealPlatform>> made = RealPlatform::Create({.pool_size = 3});
  ASSERT_TRUE(made.ok()) << made.status();
  RealPlatform& p = **made;
  // A socket, a network timer and the polls for them use no thread.
  p.SubmitNet(1, {.op = platform::NetOp::Op::kListen, .host = "127.0.0.1", .port = 0});
  p.StartNetwork(2, {.nominal_latency = Duration::Millis(1)});
  std::vector<Completion> got = PollFor(p, 2);
  EXPECT_EQ(got[0].token, 1u);
  EXPECT_TRUE(got[0].status.ok()) << got[0].status;
  EXPECT_EQ(got[1].token, 2u);
  EXPECT_EQ(ThreadsInProcess(), 1);

  p.SubmitWork(3, {});
  got = PollFor(p, 1);
  EXPECT_EQ(got[0].token, 3u);
  EXPECT_EQ(ThreadsInProcess(), 1 + 3 + kToolThreads) << "the whole pool starts at once, as libuv's";

  p.SubmitWork(4, {});
  got = PollFor(p, 1);
  EXPECT_EQ(got[0].token, 4u);
  EXPECT_EQ(ThreadsInProcess(), 1 + 3 + kToolThreads);
}

}  // namespace
}  // namespace platform_real
