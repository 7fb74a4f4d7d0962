// A soak of the real echo server over loopback, bounded in count and time:
// 200 concurrent clients with random payloads up to 1 MB, a few of which
// vanish mid-stream. Every byte that comes back matches what was sent, in
// order, and the process's open descriptors return to where they started.
#include <dirent.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "examples/echo_service.h"
#include "platform/real/real_platform.h"
#include "runtime/loop.h"

namespace examples {
namespace {

int OpenDescriptors() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

TEST(EchoSoakTest, TwoHundredClientsEveryByteBackAndNoDescriptorLeft) {
  // libuv opens a process-wide pipe with its first loop (the signal lock):
  // a first platform, gone at once, leaves it open before the count.
  platform_real::RealPlatform::Create({}).value().reset();
  const int before_platform = OpenDescriptors();
  {
    auto real = platform_real::RealPlatform::Create({}).value();
    int listening = -1;  // descriptors once listening
    runtime::Loop loop(real.get());
    EchoServer server(&loop);
    std::mt19937_64 rng(20261127);
    constexpr int kClients = 200;
    int done = 0;
    int intact = 0;
    int vanished = 0;
    int64_t bytes = 0;
    std::vector<std::string> problems;
    ASSERT_TRUE(loop.RunScript([&] {
      ASSERT_TRUE(server.Start("127.0.0.1", 0, [&](absl::Status st, int port) {
        ASSERT_TRUE(st.ok()) << st;
        listening = OpenDescriptors();
        for (int i = 0; i < kClients; ++i) {
          // One in ten is large (up to 1 MB); the rest up to 64 KB.
          const uint64_t max = i % 10 == 0 ? (1 << 20) : (64 << 10);
          std::string payload(1 + rng() % max, '\0');
          for (char& c : payload) c = static_cast<char>(rng());
          const int64_t vanish_after = i % 40 == 7 ? static_cast<int64_t>(payload.size() / 2) : -1;
          const std::string sent = payload;
          RunEchoClient(&loop, "127.0.0.1", port, std::move(payload), 16 * 1024, vanish_after,
                        runtime::Duration::Seconds(10), [&, sent, vanish_after, i](EchoClientResult r) {
                          ++done;
                          bytes += static_cast<int64_t>(r.received.size());
                          if (sent.compare(0, r.received.size(), r.received) != 0) {
                            problems.push_back("client " + std::to_string(i) + ": bytes differ");
                          } else if (vanish_after >= 0) {
                            ++vanished;
                          } else if (!r.status.ok() || r.received.size() != sent.size()) {
                            problems.push_back("client " + std::to_string(i) + ": " +
                                               r.status.ToString() + ", " +
                                               std::to_string(r.received.size()) + " of " +
                                               std::to_string(sent.size()) + " bytes");
                          } else {
                            ++intact;
                          }
                          if (done == kClients) server.Stop();
                        });
        }
      }).ok());
    }).ok());
    absl::StatusOr<bool> run = loop.Run();
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(done, kClients);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(vanished, 5);
    EXPECT_EQ(intact, kClients - 5);
    EXPECT_GT(bytes, 1 << 20);
    EXPECT_EQ(server.open_sockets(), 0u);
    // Every connection closed, and the listener: one fewer than when it
    // listened (libuv keeps a spare descriptor from the first listen, for
    // its EMFILE trick, until the loop closes).
    EXPECT_EQ(OpenDescriptors(), listening - 1) << "every socket was closed";
  }
  EXPECT_EQ(OpenDescriptors(), before_platform) << "the platform closed its own";
}

}  // namespace
}  // namespace examples
