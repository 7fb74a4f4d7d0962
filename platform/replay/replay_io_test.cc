// Files and lookups at the seam: a recording keeps what each call gave, so a
// replay reads no file and asks no resolver, and a program that asks for
// another call diverges there.
//
// Tagged "threads": it records on the real platform.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/real/real_platform.h"
#include "platform/replay/determinism_check.h"
#include "platform/replay/recording_platform.h"
#include "platform/replay/replay_platform.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace platform_replay {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

// Writes `data` to `path`, reads it back, stats a missing file, looks up
// localhost; logs each result.
absl::Status Program(platform::Platform& p, const std::string& path, const std::string& data,
                     std::vector<std::string>* log) {
  runtime::Loop loop(&p);
  absl::Status s = loop.RunScript([&] {
    auto write = loop.WriteFile(path, data, [&](absl::Status st) {
      log->push_back(st.ToString());
      auto read = loop.ReadFile(path, [&](absl::StatusOr<std::string> b) {
        log->push_back(b.ok() ? *b : b.status().ToString());
      });
      if (!read.ok()) throw std::runtime_error("read");
    });
    if (!write.ok()) throw std::runtime_error("write");
    auto stat = loop.Stat(path + ".missing", [&](absl::StatusOr<runtime::FileStat> st) {
      log->push_back(st.status().ToString());
    });
    if (!stat.ok()) throw std::runtime_error("stat");
  });
  if (!s.ok()) return s;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  // After the run: the lookup's answer (an address) must replay too.
  s = loop.RunScript([&] {
    auto lookup = loop.Lookup("localhost", [&](absl::StatusOr<runtime::LookupAddress> a) {
      log->push_back(a.ok() ? a->address : a.status().ToString());
    });
    if (!lookup.ok()) throw std::runtime_error("lookup");
  });
  if (!s.ok()) return s;
  return loop.Run().status();
}

TEST(ReplayIoTest, ARealRunReplaysWithoutItsFiles) {
  const std::string path = TempPath("replayed.txt");
  std::string bytes;
  std::vector<std::string> recorded;
  {
    RecordWriter writer({.platform = "real", .cores = 2, .pool_size = 4},
                        [&](std::string_view b) { bytes.append(b); });
    WriterSink sink(&writer);
    auto real = platform_real::RealPlatform::Create({.pool_size = 4}).value();
    RecordingPlatform recording(real.get(), &sink, nullptr, nullptr);
    ASSERT_TRUE(Program(recording, path, "recorded bytes", &recorded).ok());
    writer.Finish();
  }
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_NE(std::find(recorded.begin(), recorded.end(), "recorded bytes"), recorded.end());
  ASSERT_EQ(std::remove(path.c_str()), 0) << "the replay must not need the file";

  ReplayPlatform replay(RecordReader::Open(bytes).value(), nullptr);
  std::vector<std::string> replayed;
  ASSERT_TRUE(Program(replay, path, "recorded bytes", &replayed).ok());
  replay.Finish();
  EXPECT_FALSE(replay.divergence().has_value()) << replay.divergence()->Report();
  EXPECT_EQ(replayed, recorded);
  // Completions arrive in the real run's order, whatever it was: the stat
  // and the write raced on two pool threads.
}

TEST(ReplayIoTest, WritingOtherBytesDivergesAtThatCall) {
  std::string bytes;
  std::vector<std::string> log;
  {
    RecordWriter writer({.platform = "sim", .cores = 2, .pool_size = 4},
                        [&](std::string_view b) { bytes.append(b); });
    WriterSink sink(&writer);
    auto sim = platform_sim::SimulatedPlatform::Create({}).value();
    RecordingPlatform recording(sim.get(), &sink, nullptr, nullptr);
    ASSERT_TRUE(Program(recording, "/tmp/f", "abc", &log).ok());
    writer.Finish();
  }
  EXPECT_EQ(log, (std::vector<std::string>{
                     "NOT_FOUND: ENOENT: no such file or directory, stat '/tmp/f.missing'",
                     "OK", "abc", "127.0.0.1"}));
  ReplayPlatform replay(RecordReader::Open(bytes).value(), nullptr);
  std::vector<std::string> other;
  Program(replay, "/tmp/f", "abd", &other).IgnoreError();
  ASSERT_TRUE(replay.divergence().has_value());
  EXPECT_EQ(replay.divergence()->recorded,
            "submit pool I/O 3 (write fd 3 at -1 (3 bytes, fnv e71fa2190541574b))");
  EXPECT_EQ(replay.divergence()->program,
            "submit pool I/O 3 (write fd 3 at -1 (3 bytes, fnv e71fa71905415fca))");
}

// A TCP exchange: a server echoes what each of three clients sends; each
// client logs what came back, or its error.
absl::Status EchoProgram(platform::Platform& p, std::vector<std::string>* log) {
  runtime::Loop loop(&p);
  runtime::ServerId server = 0;
  int closed = 0;
  absl::Status s = loop.RunScript([&] {
    absl::StatusOr<runtime::ServerId> sv = loop.Listen(
        "127.0.0.1", 0,
        [&](runtime::SocketId c) {
          loop.OnData(c, [&, c](std::string b) { loop.Write(c, std::move(b)).IgnoreError(); }).IgnoreError();
        },
        [&](absl::Status st) {
          if (!st.ok()) throw std::runtime_error("listen");
          for (int i = 0; i < 3; ++i) {
            absl::StatusOr<runtime::SocketId> c =
                loop.Connect("127.0.0.1", *loop.LocalPort(server), nullptr);
            if (!c.ok()) throw std::runtime_error("connect");
            auto got = std::make_shared<std::string>();
            loop.Write(*c, absl::StrCat("hello ", i)).IgnoreError();
            loop.End(*c).IgnoreError();
            loop.OnData(*c, [got](std::string b) { *got += b; }).IgnoreError();
            loop.OnClose(*c, [&, got, i](absl::Status st) {
              log->push_back(absl::StrCat(i, ": ", st.ok() ? *got : st.ToString()));
              if (++closed == 3) loop.CloseServer(server).IgnoreError();
            }).IgnoreError();
          }
        });
    if (!sv.ok()) throw std::runtime_error("listen");
    server = *sv;
  });
  if (!s.ok()) return s;
  return loop.Run().status();
}

TEST(ReplayIoTest, ARealTcpExchangeReplaysWithoutSockets) {
  std::string bytes;
  std::vector<std::string> recorded;
  {
    RecordWriter writer({.platform = "real", .cores = 2, .pool_size = 4},
                        [&](std::string_view b) { bytes.append(b); });
    WriterSink sink(&writer);
    auto real = platform_real::RealPlatform::Create({}).value();
    RecordingPlatform recording(real.get(), &sink, nullptr, nullptr);
    ASSERT_TRUE(EchoProgram(recording, &recorded).ok());
    writer.Finish();
  }
  std::vector<std::string> sorted = recorded;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::string>{"0: hello 0", "1: hello 1", "2: hello 2"}));
  ReplayPlatform replay(RecordReader::Open(bytes).value(), nullptr);
  std::vector<std::string> replayed;
  ASSERT_TRUE(EchoProgram(replay, &replayed).ok());
  replay.Finish();
  EXPECT_FALSE(replay.divergence().has_value()) << replay.divergence()->Report();
  EXPECT_EQ(replayed, recorded) << "the same order as the real run, whatever it was";
}

TEST(ReplayIoTest, TcpUnderFaultsIsDeterministicInSimulation) {
  auto make = [](platform::TraceSink* trace)
      -> absl::StatusOr<std::unique_ptr<platform::Platform>> {
    auto p = platform_sim::SimulatedPlatform::Create(
        {.seed = 3,
         .network = {.refuse_rate = 0.3, .reset_rate = 0.3, .reset_within_bytes = 4,
                     .jitter = base::Duration::Micros(200)},
         .trace = trace});
    if (!p.ok()) return p.status();
    return std::unique_ptr<platform::Platform>(std::move(*p));
  };
  std::vector<std::string> log;
  EXPECT_TRUE(CheckDeterminism(make, [&](platform::Platform& p) {
                log.clear();
                return EchoProgram(p, &log);
              }).ok());
  ASSERT_EQ(log.size(), 3u);
  // The seed makes some of the three fail, the same ones every time.
  EXPECT_NE(std::count_if(log.begin(), log.end(),
                          [](const std::string& l) { return l.find("UNAVAILABLE") != std::string::npos; }),
            0);
}

}  // namespace
}  // namespace platform_replay
