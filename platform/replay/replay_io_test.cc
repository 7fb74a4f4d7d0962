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

}  // namespace
}  // namespace platform_replay
