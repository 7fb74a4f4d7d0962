// TCP through the loop, on both platforms: an echo round trip, a
// half-close, a refused connect, an address in use, backpressure and
// 'drain', and arguments refused before anything starts. On the real
// platform everything runs over loopback; only orders the rules fix are
// asserted.
//
// Tagged "threads": the real platform runs here.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/real/real_platform.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

using ::testing::ElementsAre;

struct PlatformKind {
  std::string name;
  std::function<std::unique_ptr<platform::Platform>()> make;
};

class TcpOnBothPlatforms : public ::testing::TestWithParam<PlatformKind> {
 protected:
  void SetUp() override {
    platform_ = GetParam().make();
    loop_ = std::make_unique<Loop>(platform_.get());
  }
  void TearDown() override {
    loop_.reset();
    platform_.reset();
  }
  void Run(std::function<void()> main) {
    ASSERT_TRUE(loop_->RunScript(std::move(main)).ok());
    absl::StatusOr<bool> r = loop_->Run();
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // An echo server on 127.0.0.1 and a free port; calls `ready(port)` once
  // listening. It closes after `connections` connections ended.
  void EchoServer(int connections, std::function<void(int)> ready) {
    auto left = std::make_shared<int>(connections);
    absl::StatusOr<ServerId> server = loop_->Listen(
        "127.0.0.1", 0,
        [this, left](SocketId s) {
          ASSERT_TRUE(loop_->OnData(s, [this, s](std::string bytes) {
            ASSERT_TRUE(loop_->Write(s, std::move(bytes)).ok());
          }).ok());
          ASSERT_TRUE(loop_->OnClose(s, [this, left](absl::Status st) {
            log_.push_back(absl::StrCat("server socket closed ", st.ToString()));
            if (--*left == 0) {
              ASSERT_TRUE(loop_->CloseServer(server_).ok());
            }
          }).ok());
        },
        [this, ready](absl::Status st) {
          ASSERT_TRUE(st.ok()) << st;
          ready(*loop_->LocalPort(server_));
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *server;
  }

  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<Loop> loop_;
  ServerId server_ = 0;
  std::vector<std::string> log_;
};

TEST_P(TcpOnBothPlatforms, EchoRoundTrip) {
  std::string echoed;
  Run([&] {
    EchoServer(1, [&](int port) {
      EXPECT_GT(port, 0);
      absl::StatusOr<SocketId> c = loop_->Connect("127.0.0.1", port, [&](absl::Status st) {
        log_.push_back(absl::StrCat("connected ", st.ToString()));
      });
      ASSERT_TRUE(c.ok()) << c.status();
      // Written before it connects: it waits for the connection.
      EXPECT_EQ(*loop_->Write(*c, "hello, "), true);
      EXPECT_EQ(*loop_->Write(*c, "echo"), true);
      ASSERT_TRUE(loop_->OnData(*c, [&](std::string b) { echoed += b; }).ok());
      ASSERT_TRUE(loop_->OnEnd(*c, [&, c = *c] {
        log_.push_back(absl::StrCat("client end, read ", loop_->Stats(c)->bytes_read));
      }).ok());
      ASSERT_TRUE(loop_->OnClose(*c, [&](absl::Status st) {
        log_.push_back(absl::StrCat("client closed ", st.ToString()));
      }).ok());
      ASSERT_TRUE(loop_->End(*c).ok());
    });
  });
  EXPECT_EQ(echoed, "hello, echo");
  // The client ends, the server's socket ends too (allowHalfOpen false), the
  // client reads the echo and the end; each side closes once both ended.
  EXPECT_EQ(log_.front(), "connected OK");
  EXPECT_THAT(log_, ::testing::Contains("client end, read 11"));
  EXPECT_THAT(log_, ::testing::Contains("client closed OK"));
  EXPECT_THAT(log_, ::testing::Contains("server socket closed OK"));
  EXPECT_FALSE(*loop_->Alive());
}

TEST_P(TcpOnBothPlatforms, HalfCloseLetsThePeerAnswerAfterTheEnd) {
  std::string got;
  Run([&] {
    absl::StatusOr<ServerId> server = loop_->Listen(
        "127.0.0.1", 0,
        [&](SocketId s) {
          // The server keeps the default: it answers once the client ended.
          auto request = std::make_shared<std::string>();
          ASSERT_TRUE(loop_->OnData(s, [request](std::string b) { *request += b; }).ok());
          ASSERT_TRUE(loop_->OnEnd(s, [&, s, request] {
            log_.push_back("server saw the end of '" + *request + "'");
            // allowHalfOpen is false, so the server's end follows at once;
            // a write now is after that end.
          }).ok());
          ASSERT_TRUE(loop_->OnClose(s, [&](absl::Status st) {
            log_.push_back("server socket closed " + st.ToString());
            ASSERT_TRUE(loop_->CloseServer(server_).ok());
          }).ok());
        },
        [&](absl::Status st) {
          ASSERT_TRUE(st.ok()) << st;
          absl::StatusOr<SocketId> c =
              loop_->Connect("127.0.0.1", *loop_->LocalPort(server_), nullptr,
                             {.allow_half_open = true});
          ASSERT_TRUE(c.ok());
          ASSERT_TRUE(loop_->Write(*c, "question").ok());
          ASSERT_TRUE(loop_->End(*c).ok());
          EXPECT_EQ(loop_->Write(*c, "more").status().code(),
                    absl::StatusCode::kFailedPrecondition);
          ASSERT_TRUE(loop_->OnData(*c, [&](std::string b) { got += b; }).ok());
          ASSERT_TRUE(loop_->OnEnd(*c, [&] { log_.push_back("client saw the end"); }).ok());
          ASSERT_TRUE(loop_->OnClose(*c, [&](absl::Status st) {
            log_.push_back("client closed " + st.ToString());
          }).ok());
        });
    ASSERT_TRUE(server.ok());
    server_ = *server;
  });
  EXPECT_EQ(got, "");
  EXPECT_EQ(log_.front(), "server saw the end of 'question'");
  EXPECT_THAT(log_, ::testing::Contains("client saw the end"));
  EXPECT_THAT(log_, ::testing::Contains("client closed OK"));
  EXPECT_THAT(log_, ::testing::Contains("server socket closed OK"));
}

TEST_P(TcpOnBothPlatforms, ARefusedConnectIsAStatusThenAClose) {
  Run([&] {
    // A port that was just free: listen, learn it, close, then connect.
    absl::StatusOr<ServerId> server = loop_->Listen("127.0.0.1", 0, [](SocketId) {}, [&](absl::Status) {
      const int port = *loop_->LocalPort(server_);
      ASSERT_TRUE(loop_->CloseServer(server_, [&, port] {
        absl::StatusOr<SocketId> c = loop_->Connect("127.0.0.1", port, [&, port](absl::Status st) {
          log_.push_back(st.ToString() == absl::StrCat("UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:", port)
                             ? "refused"
                             : st.ToString());
          EXPECT_EQ(platform::ErrnoName(st), "ECONNREFUSED");
        });
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(loop_->OnClose(*c, [&](absl::Status st) {
          log_.push_back(absl::StrCat("closed ", platform::ErrnoName(st)));
        }).ok());
      }).ok());
    });
    ASSERT_TRUE(server.ok());
    server_ = *server;
  });
  EXPECT_THAT(log_, ElementsAre("refused", "closed ECONNREFUSED"));
}

TEST_P(TcpOnBothPlatforms, AnAddressInUseFailsTheSecondListen) {
  Run([&] {
    absl::StatusOr<ServerId> first = loop_->Listen("127.0.0.1", 0, [](SocketId) {}, [&](absl::Status st) {
      ASSERT_TRUE(st.ok());
      const int port = *loop_->LocalPort(server_);
      absl::StatusOr<ServerId> second =
          loop_->Listen("127.0.0.1", port, [](SocketId) {}, [&, port](absl::Status st) {
            EXPECT_EQ(st, absl::AlreadyExistsError(absl::StrCat(
                              "listen EADDRINUSE: address already in use 127.0.0.1:", port)));
            log_.push_back("second failed");
            ASSERT_TRUE(loop_->CloseServer(server_).ok());
          });
      ASSERT_TRUE(second.ok());
    });
    ASSERT_TRUE(first.ok());
    server_ = *first;
  });
  EXPECT_THAT(log_, ElementsAre("second failed"));
}

TEST_P(TcpOnBothPlatforms, BackpressureAndDrain) {
  const std::string big(1 << 20, 'x');
  int64_t received = 0;
  Run([&] {
    EchoServer(1, [&](int port) {
      absl::StatusOr<SocketId> c = loop_->Connect("127.0.0.1", port, nullptr);
      ASSERT_TRUE(c.ok());
      // Past the high-water mark at once: write says to wait for 'drain'.
      EXPECT_EQ(*loop_->Write(*c, big), false);
      EXPECT_EQ(loop_->Stats(*c)->bytes_queued, 1 << 20);
      ASSERT_TRUE(loop_->OnDrain(*c, [&, c = *c] {
        log_.push_back(absl::StrCat("drain, queued ", loop_->Stats(c)->bytes_queued, ", written ",
                                    loop_->Stats(c)->bytes_written));
        ASSERT_TRUE(loop_->End(c).ok());
      }).ok());
      ASSERT_TRUE(loop_->OnData(*c, [&](std::string b) { received += static_cast<int64_t>(b.size()); }).ok());
    });
  });
  EXPECT_EQ(received, 1 << 20);
  EXPECT_EQ(log_.front(), "drain, queued 0, written 1048576");
}

TEST_P(TcpOnBothPlatforms, BadArgumentsAreRefusedAndStartNothing) {
  auto none = [](auto) {};
  EXPECT_EQ(loop_->Listen("127.0.0.1", 70000, none, nullptr).status(),
            absl::InvalidArgumentError(
                "Loop::Listen: ERR_SOCKET_BAD_PORT: Port should be >= 0 and < 65536. Received 70000"));
  EXPECT_EQ(loop_->Connect("127.0.0.1", 0, nullptr).status(),
            absl::InvalidArgumentError(
                "Loop::Connect: ERR_SOCKET_BAD_PORT: Port should be >= 1 and < 65536. Received 0"));
  EXPECT_EQ(loop_->Connect("", 80, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loop_->Connect("h", 80, nullptr, {.timeout = Duration::Nanos(-1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loop_->Write(12345, "x").status(),
            absl::NotFoundError("Loop::Write: no open socket 12345"));
  EXPECT_EQ(loop_->CloseServer(12345),
            absl::NotFoundError("Loop::CloseServer: no server 12345"));
  EXPECT_EQ(loop_->LocalPort(12345).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(*loop_->Alive()) << "nothing was started";
}

TEST_P(TcpOnBothPlatforms, ShutdownClosesSocketsAndServersWithCancelled) {
  ASSERT_TRUE(loop_->RunScript([&] {
    absl::StatusOr<ServerId> server = loop_->Listen("127.0.0.1", 0, [](SocketId) {}, [&](absl::Status st) {
      log_.push_back("listening " + st.ToString());
      absl::StatusOr<SocketId> c = loop_->Connect("127.0.0.1", *loop_->LocalPort(server_), nullptr);
      ASSERT_TRUE(c.ok());
      ASSERT_TRUE(loop_->OnClose(*c, [&](absl::Status st) { log_.push_back("client " + st.ToString()); }).ok());
      ASSERT_TRUE(loop_->Stop().ok());
    });
    ASSERT_TRUE(server.ok());
    server_ = *server;
  }).ok());
  ASSERT_TRUE(loop_->Run().ok());
  EXPECT_EQ(loop_->Close().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(loop_->Shutdown().ok());
  EXPECT_THAT(log_, ElementsAre("listening OK", "client CANCELLED: the loop is shutting down"));
}

TEST_P(TcpOnBothPlatforms, ACallbackMayReplaceItselfAndPausedDataWaitsForResume) {
  std::vector<std::string> got;
  int64_t while_paused = 0;
  bool paused = false;
  bool paused_once = false;
  Run([&] {
    EchoServer(1, [&](int port) {
      absl::StatusOr<SocketId> c = loop_->Connect("127.0.0.1", port, nullptr);
      ASSERT_TRUE(c.ok());
      const SocketId id = *c;
      ASSERT_TRUE(loop_->Write(id, std::string(200'000, 'a')).ok());
      auto state = std::make_shared<int>(0);  // a capture the replaced callback still uses
      ASSERT_TRUE(loop_->OnData(id, [&, id, state](std::string) {
        got.push_back("first " + std::to_string(++*state));
        // Replaces itself, then touches its own capture: must not be freed yet.
        ASSERT_TRUE(loop_->OnData(id, [&, id](std::string b) {
          if (paused) while_paused += static_cast<int64_t>(b.size());
          got.push_back("second");
          if (!paused_once) {
            paused_once = true;
            paused = true;
            ASSERT_TRUE(loop_->Pause(id).ok());
            ASSERT_TRUE(loop_->SetTimeout([&, id] {
              paused = false;
              ASSERT_TRUE(loop_->Resume(id).ok());
              ASSERT_TRUE(loop_->End(id).ok());
            }, 20).ok());
          }
        }).ok());
        got.push_back("state " + std::to_string(*state));
      }).ok());
    });
  });
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], "first 1");
  EXPECT_EQ(got[1], "state 1");
  EXPECT_EQ(got[2], "second");
  EXPECT_EQ(while_paused, 0) << "no data reaches the program while it is paused";
  EXPECT_EQ(*loop_->Alive(), false);
}

TEST_P(TcpOnBothPlatforms, DestroyFailsQueuedWritesBeforeClose) {
  Run([&] {
    // A server that never reads: the client's big write cannot finish.
    auto accepted = std::make_shared<SocketId>(0);
    absl::StatusOr<ServerId> server = loop_->Listen("127.0.0.1", 0, [&, accepted](SocketId s) {
      *accepted = s;
      ASSERT_TRUE(loop_->CloseServer(server_).ok());
    }, [&, accepted](absl::Status st) {
      ASSERT_TRUE(st.ok());
      absl::StatusOr<SocketId> c = loop_->Connect("127.0.0.1", *loop_->LocalPort(server_), nullptr);
      ASSERT_TRUE(c.ok());
      const SocketId id = *c;
      ASSERT_TRUE(loop_->Write(id, std::string(64 << 20, 'x'), [&](absl::Status st) {
        log_.push_back("write " + std::string(absl::StatusCodeToString(st.code())));
      }).ok());
      ASSERT_TRUE(loop_->OnClose(id, [&, accepted](absl::Status st) {
        log_.push_back("closed " + st.ToString());
        ASSERT_TRUE(loop_->Destroy(*accepted).ok());
      }).ok());
      ASSERT_TRUE(loop_->SetTimeout([&, id] { ASSERT_TRUE(loop_->Destroy(id).ok()); }, 30).ok());
    });
    ASSERT_TRUE(server.ok());
    server_ = *server;
  });
  EXPECT_THAT(log_, ElementsAre("write CANCELLED", "closed OK"));
}

INSTANTIATE_TEST_SUITE_P(
    Platforms, TcpOnBothPlatforms,
    ::testing::Values(
        PlatformKind{"Simulated",
                     []() -> std::unique_ptr<platform::Platform> {
                       return std::move(platform_sim::SimulatedPlatform::Create({}).value());
                     }},
        PlatformKind{"Real",
                     []() -> std::unique_ptr<platform::Platform> {
                       return std::move(platform_real::RealPlatform::Create({}).value());
                     }}),
    [](const ::testing::TestParamInfo<PlatformKind>& info) { return info.param.name; });

}  // namespace
}  // namespace runtime

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace runtime {
namespace {

// A listening socket made without the loop (the kernel completes
// handshakes into its backlog), so that the loop's only stream is the
// connecting one.
int RawListener(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

TEST(RealTcpTest, AConnectAloneProgressesUnderPollsThatDoNotWait) {
  int port = 0;
  const int listener = RawListener(&port);
  ASSERT_GE(listener, 0);
  auto real = platform_real::RealPlatform::Create({}).value();
  Loop loop(real.get());
  std::string connected;
  ASSERT_TRUE(loop.RunScript([&] {
    absl::StatusOr<SocketId> c = loop.Connect("127.0.0.1", port, [&](absl::Status st) {
      connected = st.ToString();
    });
    ASSERT_TRUE(c.ok());
  }).ok());
  // Polls that never block (an idle handle, or RunMode::kNoWait) must still
  // let libuv complete the connect.
  for (int i = 0; i < 2000 && connected.empty(); ++i) {
    ASSERT_TRUE(loop.Run(RunMode::kNoWait).ok());
    if (connected.empty()) ::usleep(1000);
  }
  EXPECT_EQ(connected, "OK");
  ASSERT_TRUE(loop.Shutdown().ok());
  ::close(listener);
}

TEST(RealTcpTest, AConnectTimeoutCountsFromTheConnectNotFromTheLastPoll) {
  int port = 0;
  const int listener = RawListener(&port);
  ASSERT_GE(listener, 0);
  auto real = platform_real::RealPlatform::Create({}).value();
  Loop loop(real.get());
  std::string connected;
  ASSERT_TRUE(loop.RunScript([&] {
    // Callbacks computed for 300 ms since libuv last read its clock; a
    // 200 ms timeout counted from then would have passed already.
    ASSERT_TRUE(loop.ConsumeCpu(Duration::Millis(300)).ok());
    absl::StatusOr<SocketId> c = loop.Connect("127.0.0.1", port, [&](absl::Status st) {
      connected = st.ToString();
    }, {.timeout = Duration::Millis(200)});
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(loop.OnClose(*c, [](absl::Status) {}).ok());
  }).ok());
  for (int i = 0; i < 2000 && connected.empty(); ++i) ASSERT_TRUE(loop.Run(RunMode::kOnce).ok());
  EXPECT_EQ(connected, "OK");
  ASSERT_TRUE(loop.Shutdown().ok());
  ::close(listener);
}

}  // namespace
}  // namespace runtime
