// The simulated network at the platform seam: exact virtual times from the
// latency and bandwidth model, flow control, and each fault.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/sim/simulated_platform.h"

namespace platform_sim {
namespace {

using base::Duration;
using platform::Completion;
using platform::NetOp;
using ::testing::ElementsAre;

class NetworkTest : public ::testing::Test {
 protected:
  void Make(NetworkConfig net, uint64_t seed = 1) {
    p_ = std::move(SimulatedPlatform::Create({.seed = seed, .network = net}).value());
  }
  // Polls until nothing is left, describing each completion.
  std::vector<std::string> Drain() {
    std::vector<std::string> all;
    for (;;) {
      std::vector<Completion> out;
      if (!p_->Poll(platform::kWaitForever, &out).ok()) return all;
      for (const Completion& c : out) {
        all.push_back(absl::StrCat(c.time.nanos() / 1000, "us #", c.token, " ",
                                   c.status.ok() ? absl::StrCat("OK ", c.result.value, " ", c.result.data.size() > 16 ? absl::StrCat(c.result.data.size(), "B") : c.result.data)
                                                 : std::string(c.status.message())));
      }
    }
  }
  // A listener on port 80 and a connection to it; returns {server, client}
  // stream ids after draining the setup.
  std::pair<int64_t, int64_t> Connected() {
    p_->SubmitNet(1, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 80});
    p_->SubmitNet(2, {.op = NetOp::Op::kConnect, .host = "127.0.0.1", .port = 80});
    std::vector<Completion> got;
    while (got.size() < 3) {
      std::vector<Completion> out;
      EXPECT_TRUE(p_->Poll(platform::kWaitForever, &out).ok());
      for (Completion& c : out) got.push_back(std::move(c));
    }
    return {got[1].result.value, got[2].result.value};
  }

  // Lets virtual time pass (a round trip of `d` on the old network model),
  // keeping what completes meanwhile out of the way.
  void Advance(Duration d) {
    p_->StartNetwork(999, {d});
    for (bool done = false; !done;) {
      std::vector<Completion> out;
      ASSERT_TRUE(p_->Poll(platform::kWaitForever, &out).ok());
      for (const Completion& c : out) done |= c.token == 999;
    }
  }

  std::unique_ptr<SimulatedPlatform> p_;
};

TEST_F(NetworkTest, ConnectTakesARoundTripAndTheServerAcceptsHalfway) {
  Make({.latency = Duration::Millis(1)});
  p_->SubmitNet(1, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 0});
  p_->SubmitNet(2, {.op = NetOp::Op::kConnect, .host = "127.0.0.1", .port = 49152});
  p_->SubmitNet(3, {.op = NetOp::Op::kConnect, .host = "127.0.0.1", .port = 9});
  EXPECT_THAT(Drain(), ElementsAre("0us #1 OK 1 127.0.0.1:49152", "1000us #1 OK 2 127.0.0.1:49153",
                                   "2000us #2 OK 3 127.0.0.1:49152",
                                   "2000us #3 connect ECONNREFUSED 127.0.0.1:9"));
  EXPECT_EQ(p_->network_stats().connections, 1);
  EXPECT_EQ(p_->network_stats().refused, 1);
}

TEST_F(NetworkTest, BytesLeaveAtTheLinkRateAndArriveALatencyLater) {
  Make({.latency = Duration::Millis(1), .bytes_per_ms = 1000, .chunk_bytes = 1000});
  auto [server, client] = Connected();  // at 2 ms
  p_->SubmitNet(10, {.op = NetOp::Op::kRead, .stream = server});
  p_->SubmitNet(11, {.op = NetOp::Op::kWrite, .stream = client, .data = std::string(2500, 'a')});
  p_->SubmitNet(12, {.op = NetOp::Op::kShutdown, .stream = client});
  // Chunks of 1000, 1000 and 500 bytes leave at 3, 4 and 4.5 ms and arrive
  // 1 ms later; the write is done when its last byte left; the FIN follows.
  EXPECT_THAT(Drain(), ElementsAre("4000us #10 OK 1000 1000B", "4500us #11 OK 2500 ",
                                   "4500us #12 OK 0 ", "5000us #10 OK 1000 1000B",
                                   "5500us #10 OK 500 500B", "5500us #10 OK 0 "));
}

TEST_F(NetworkTest, AReceiverThatDoesNotReadHoldsTheSenderBack) {
  Make({.latency = Duration::Millis(1), .bytes_per_ms = 1e9, .chunk_bytes = 1000,
        .window_bytes = 2000});
  auto [server, client] = Connected();
  p_->SubmitNet(11, {.op = NetOp::Op::kWrite, .stream = client, .data = std::string(5000, 'b')});
  // Two chunks fill the window; nothing more moves until the server reads.
  std::vector<Completion> out;
  ASSERT_TRUE(p_->Poll(Duration::Millis(100), &out).ok());
  EXPECT_TRUE(out.empty()) << "the write cannot finish while the window is full";
  p_->SubmitNet(10, {.op = NetOp::Op::kRead, .stream = server});
  std::vector<std::string> got = Drain();
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], "102000us #10 OK 1000 1000B");  // what waited, delivered at once
  EXPECT_EQ(got[1], "102000us #10 OK 1000 1000B");
  EXPECT_EQ(got.back(), "104000us #10 OK 1000 1000B");
}

TEST_F(NetworkTest, ACloseEndsThePeersReading) {
  Make({.latency = Duration::Millis(1)});
  auto [server, client] = Connected();
  p_->SubmitNet(10, {.op = NetOp::Op::kRead, .stream = client});
  p_->SubmitNet(11, {.op = NetOp::Op::kClose, .stream = server});
  // A close with nothing unread sends a FIN: the peer reads its end.
  EXPECT_THAT(Drain(), ElementsAre("2000us #11 OK 0 ", "3000us #10 OK 0 "));
}

TEST_F(NetworkTest, UnreadDataMakesACloseAbortive) {
  Make({.latency = Duration::Millis(1)});
  auto [server, client] = Connected();
  p_->SubmitNet(10, {.op = NetOp::Op::kWrite, .stream = client, .data = "unread"});
  p_->SubmitNet(11, {.op = NetOp::Op::kRead, .stream = client});
  Advance(Duration::Millis(5));  // the data waits in the server's inbox
  p_->SubmitNet(12, {.op = NetOp::Op::kClose, .stream = server});
  p_->SubmitNet(13, {.op = NetOp::Op::kWrite, .stream = server + 100, .data = "x"});
  EXPECT_THAT(Drain(), ElementsAre("7000us #12 OK 0 ", "7000us #13 write EBADF",
                                   "8000us #11 read ECONNRESET"));
}

TEST_F(NetworkTest, APartitionTimesConnectsOut) {
  Make({.latency = Duration::Millis(1), .partitions_per_s = 1e6,
        .partition_length = Duration::Seconds(10)});
  p_->SubmitNet(1, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 80});
  Advance(Duration::Millis(1));  // into the partition
  p_->SubmitNet(2, {.op = NetOp::Op::kConnect, .host = "127.0.0.1", .port = 80,
                    .timeout = Duration::Millis(500)});
  std::vector<std::string> got = Drain();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "501000us #2 connect ETIMEDOUT 127.0.0.1:80");
  EXPECT_EQ(p_->network_stats().timed_out, 1);
}

TEST_F(NetworkTest, TheResetFaultResetsBothEndsMidStream) {
  Make({.latency = Duration::Millis(1), .chunk_bytes = 100, .window_bytes = 200,
        .reset_rate = 1, .reset_within_bytes = 250});
  auto [server, client] = Connected();
  p_->SubmitNet(10, {.op = NetOp::Op::kRead, .stream = server});
  p_->SubmitNet(11, {.op = NetOp::Op::kRead, .stream = client});
  p_->SubmitNet(12, {.op = NetOp::Op::kWrite, .stream = client, .data = std::string(100'000, 'c')});
  int64_t delivered = 0;
  std::vector<std::string> errors;
  for (;;) {
    std::vector<Completion> out;
    if (!p_->Poll(platform::kWaitForever, &out).ok()) break;
    for (const Completion& c : out) {
      if (c.status.ok()) {
        if (c.token == 10) delivered += c.result.value;
      } else {
        errors.push_back(absl::StrCat("#", c.token, " ", c.status.message()));
      }
    }
  }
  EXPECT_LE(delivered, 250);
  // Both ends at one instant; the write still had bytes to send.
  EXPECT_THAT(errors, ElementsAre("#10 read ECONNRESET", "#11 read ECONNRESET",
                                  "#12 write ECONNRESET"));
  EXPECT_EQ(p_->network_stats().resets, 1);
}

TEST_F(NetworkTest, EachHostCanHaveItsOwnLinkLatency) {
  Make({.latency = Duration::Millis(1), .host_latency = {{"10.0.0.2", Duration::Millis(30)}}});
  p_->SubmitNet(1, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 80});
  p_->SubmitNet(2, {.op = NetOp::Op::kListen, .host = "10.0.0.2", .port = 80});
  p_->SubmitNet(3, {.op = NetOp::Op::kConnect, .host = "10.0.0.2", .port = 80});
  p_->SubmitNet(4, {.op = NetOp::Op::kConnect, .host = "localhost", .port = 80});
  std::vector<std::string> got = Drain();
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[2], "1000us #1 OK 3 127.0.0.1:49152");   // the near server accepts
  EXPECT_EQ(got[3], "2000us #4 OK 4 localhost:80");
  EXPECT_EQ(got[4], "30000us #2 OK 5 127.0.0.1:49153");  // the far one, 30 ms later
  EXPECT_EQ(got[5], "60000us #3 OK 6 10.0.0.2:80");
  EXPECT_EQ(SimulatedPlatform::Create({.network = {.host_latency = {{"h", Duration::Nanos(-1)}}}})
                .status()
                .message(),
            "network: host_latency for h must be >= 0");
}

TEST_F(NetworkTest, EphemeralPortsWrapAroundAndSkipThoseInUse) {
  Make({});
  p_->SubmitNet(1, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 49153});
  int64_t last_port = 0;
  bool skipped_49153 = true;
  bool wrapped = false;
  for (uint64_t t = 2; t < 2 + 2 * 20000; t += 2) {
    p_->SubmitNet(t, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 0});
    std::vector<Completion> out;
    ASSERT_TRUE(p_->Poll(Duration::Zero(), &out).ok());
    const Completion& c = out.back();
    ASSERT_TRUE(c.status.ok()) << c.status;
    const int64_t port = std::stoi(c.result.data.substr(c.result.data.rfind(':') + 1));
    wrapped = wrapped || port < last_port;
    last_port = port;
    ASSERT_GE(last_port, 49152);
    ASSERT_LE(last_port, 65535);
    if (last_port == 49153) skipped_49153 = false;
    p_->SubmitNet(t + 1, {.op = NetOp::Op::kClose, .stream = c.result.value});
  }
  EXPECT_TRUE(skipped_49153) << "a port in use is not handed out";
  EXPECT_TRUE(wrapped) << "20,000 ports from a range of 16,384 wrap around";
}

TEST_F(NetworkTest, OneSeedOneOutcome) {
  auto run = [this](uint64_t seed) {
    Make({.latency = Duration::Micros(100), .chunk_bytes = 512, .refuse_rate = 0.3,
          .reset_rate = 0.3, .reset_within_bytes = 4096, .jitter = Duration::Micros(300)},
         seed);
    p_->SubmitNet(1, {.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 80});
    for (uint64_t t = 2; t < 12; ++t) {
      p_->SubmitNet(t, {.op = NetOp::Op::kConnect, .host = "127.0.0.1", .port = 80});
    }
    return Drain();
  };
  const std::vector<std::string> a = run(5);
  EXPECT_EQ(a, run(5));
  EXPECT_NE(a, run(6));
}

TEST_F(NetworkTest, BadSettingsAreRefused) {
  EXPECT_EQ(SimulatedPlatform::Create({.network = {.bytes_per_ms = 0}}).status().message(),
            "network: bytes_per_ms must be finite and > 0");
  EXPECT_EQ(SimulatedPlatform::Create({.network = {.reset_rate = 1.5}}).status().message(),
            "network: reset_rate must be in [0, 1]");
  EXPECT_EQ(SimulatedPlatform::Create({.network = {.latency = Duration::Nanos(-1)}}).status().message(),
            "network: latency must be >= 0");
}

}  // namespace
}  // namespace platform_sim
