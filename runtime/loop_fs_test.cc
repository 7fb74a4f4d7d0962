// Files and dns.lookup through the loop, on both platforms: the same program
// and the same results (descriptors aside, which the kernel picks), the same
// Node-worded errors. Simulation-only tests pin exact virtual times.
//
// Tagged "threads": the real platform's pool does the calls.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
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

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::Eq;

struct PlatformKind {
  std::string name;
  std::function<std::unique_ptr<platform::Platform>(int pool_size)> make;
};

// "CODE message" or "value", for one-line assertions.
template <typename T>
std::string Show(const absl::StatusOr<T>& r, std::function<std::string(const T&)> ok) {
  if (!r.ok()) return std::string(r.status().message());
  return ok(*r);
}

class FilesOnBothPlatforms : public ::testing::TestWithParam<PlatformKind> {
 protected:
  void SetUp() override {
    platform_ = GetParam().make(4);
    loop_ = std::make_unique<Loop>(platform_.get());
  }
  void TearDown() override {
    loop_.reset();
    platform_.reset();
  }
  // A fresh path: under TEST_TMPDIR on the real platform; the simulated disk
  // takes it as a name like any other.
  std::string Path(const std::string& name) {
    const char* dir = std::getenv("TEST_TMPDIR");
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    // The simulated disk has "/" and "/tmp" only.
    const bool sim = GetParam().name == "Simulated";
    std::string flat = std::string(dir != nullptr && !sim ? dir : "/tmp") + "/";
    for (char c : std::string(t->name()) + "-" + name) flat += c == '/' ? '_' : c;
    return flat;
  }
  void Run(std::function<void()> main) {
    ASSERT_TRUE(loop_->RunScript(std::move(main)).ok());
    absl::StatusOr<bool> r = loop_->Run();
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<Loop> loop_;
  std::vector<std::string> log_;
};

TEST_P(FilesOnBothPlatforms, ReadAfterWriteThroughDescriptors) {
  const std::string path = Path("a.txt");
  Run([&] {
    ASSERT_TRUE(loop_->Open(path, "w", [&](absl::StatusOr<int64_t> fd) {
      ASSERT_TRUE(fd.ok()) << fd.status();
      EXPECT_GE(*fd, 3);
      log_.push_back("open w");
      ASSERT_TRUE(loop_->Write(*fd, "hello, ", 0, [&, fd = *fd](absl::StatusOr<int64_t> n) {
        log_.push_back(absl::StrCat("wrote ", Show<int64_t>(n, [](int64_t v) { return absl::StrCat(v); })));
        ASSERT_TRUE(loop_->Write(fd, "world", -1, [&, fd](absl::StatusOr<int64_t> n) {
          log_.push_back(absl::StrCat("wrote ", Show<int64_t>(n, [](int64_t v) { return absl::StrCat(v); })));
          ASSERT_TRUE(loop_->CloseFile(fd, [&](absl::Status s) {
            log_.push_back(absl::StrCat("closed ", s.ToString()));
            ASSERT_TRUE(loop_->Open(path, "r", [&](absl::StatusOr<int64_t> fd) {
              ASSERT_TRUE(fd.ok()) << fd.status();
              ASSERT_TRUE(loop_->Read(*fd, 100, 7, [&, fd = *fd](absl::StatusOr<std::string> b) {
                log_.push_back(absl::StrCat("read '", Show<std::string>(b, [](const std::string& v) { return v; }), "'"));
                ASSERT_TRUE(loop_->Read(fd, 100, 12, [&, fd](absl::StatusOr<std::string> b) {
                  log_.push_back(absl::StrCat("read at the end '", b.value_or("error"), "'"));
                  ASSERT_TRUE(loop_->CloseFile(fd, [](absl::Status) {}).ok());
                }).ok());
              }).ok());
            }).ok());
          }).ok());
        }).ok());
      }).ok());
    }).ok());
  });
  EXPECT_THAT(log_, ElementsAre("open w", "wrote 7", "wrote 5", "closed OK", "read 'world'",
                                "read at the end ''"));
}

TEST_P(FilesOnBothPlatforms, WriteFileStatReadFileUnlink) {
  const std::string path = Path("b.txt");
  Run([&] {
    ASSERT_TRUE(loop_->WriteFile(path, std::string(3000, 'x'), [&](absl::Status s) {
      ASSERT_TRUE(s.ok()) << s;
      ASSERT_TRUE(loop_->Stat(path, [&](absl::StatusOr<FileStat> st) {
        log_.push_back(absl::StrCat("size ", st.ok() ? st->size : -1));
        ASSERT_TRUE(loop_->ReadFile(path, [&](absl::StatusOr<std::string> b) {
          log_.push_back(absl::StrCat("read ", b.ok() ? b->size() : 0, " bytes"));
          ASSERT_TRUE(loop_->Unlink(path, [&](absl::Status s) {
            log_.push_back(absl::StrCat("unlink ", s.ToString()));
            ASSERT_TRUE(loop_->Stat(path, [&](absl::StatusOr<FileStat> st) {
              log_.push_back(st.status().ToString());
            }).ok());
          }).ok());
        }).ok());
      }).ok());
    }).ok());
  });
  EXPECT_THAT(log_, ElementsAre("size 3000", "read 3000 bytes", "unlink OK",
                                "NOT_FOUND: ENOENT: no such file or directory, stat '" + path + "'"));
}

TEST_P(FilesOnBothPlatforms, ErrorsAreNamedAfterErrnoInNodesWords) {
  const std::string missing = Path("missing.txt");
  const std::string exists = Path("exists.txt");
  Run([&] {
    ASSERT_TRUE(loop_->Open(missing, "r", [&](absl::StatusOr<int64_t> fd) {
      log_.push_back(fd.status().ToString());
      EXPECT_EQ(platform::ErrnoName(fd.status()), "ENOENT");
    }).ok());
    ASSERT_TRUE(loop_->ReadFile(missing, [&](absl::StatusOr<std::string> b) {
      log_.push_back(b.status().ToString());
    }).ok());
    ASSERT_TRUE(loop_->Read(1'000'000, 10, 0, [&](absl::StatusOr<std::string> b) {
      log_.push_back(b.status().ToString());
    }).ok());
    ASSERT_TRUE(loop_->Unlink(missing, [&](absl::Status s) { log_.push_back(s.ToString()); }).ok());
    ASSERT_TRUE(loop_->WriteFile(exists, "1", [&](absl::Status s) {
      ASSERT_TRUE(s.ok());
      ASSERT_TRUE(loop_->Open(exists, "wx", [&](absl::StatusOr<int64_t> fd) {
        log_.push_back(fd.status().ToString());
      }).ok());
    }).ok());
  });
  // One pool of 4: the first four complete in submission order on the
  // simulator, and in whatever order the kernel finishes them on the real
  // platform; the EEXIST comes last on both, as it starts after a callback.
  std::vector<std::string> first(log_.begin(), log_.begin() + 4);
  std::sort(first.begin(), first.end());
  EXPECT_THAT(first,
              ElementsAre("FAILED_PRECONDITION: EBADF: bad file descriptor, read",
                          "NOT_FOUND: ENOENT: no such file or directory, open '" + missing + "'",
                          "NOT_FOUND: ENOENT: no such file or directory, open '" + missing + "'",
                          "NOT_FOUND: ENOENT: no such file or directory, unlink '" + missing + "'"));
  EXPECT_EQ(log_.back(), "ALREADY_EXISTS: EEXIST: file already exists, open '" + exists + "'");
}

TEST_P(FilesOnBothPlatforms, LookupOfLocalhost) {
  Run([&] {
    ASSERT_TRUE(loop_->Lookup("localhost", [&](absl::StatusOr<LookupAddress> a) {
      ASSERT_TRUE(a.ok()) << a.status();
      log_.push_back(absl::StrCat(a->address, " family ", a->family));
    }).ok());
  });
  EXPECT_THAT(log_, ElementsAre(AnyOf(Eq("127.0.0.1 family 4"), Eq("::1 family 6"))));
}

TEST_P(FilesOnBothPlatforms, BadArgumentsAreRefusedAndStartNothing) {
  auto any = [](auto) {};
  EXPECT_EQ(loop_->Open("a", "rw", any).status(),
            absl::InvalidArgumentError(
                "Loop::Open: ERR_INVALID_ARG_VALUE: The argument 'flags' is invalid. Received 'rw'"));
  EXPECT_EQ(loop_->Open(std::string("a\0b", 3), "r", any).status(),
            absl::InvalidArgumentError("Loop::Open: ERR_INVALID_ARG_VALUE: The argument 'path' "
                                       "must be a string without null bytes. Received 'a\\000b'"));
  EXPECT_EQ(loop_->Read(-1, 1, 0, any).status(),
            absl::InvalidArgumentError(
                "Loop::Read: ERR_OUT_OF_RANGE: The value of \"fd\" is out of range. It must be "
                ">= 0 && <= 2147483647. Received -1"));
  EXPECT_EQ(loop_->Read(3, platform::kMaxIoBytes + 1, 0, any).status(),
            absl::InvalidArgumentError(
                "Loop::Read: ERR_OUT_OF_RANGE: The value of \"length\" is out of range. It must "
                "be >= 0 && <= 1073741824. Received 1073741825"));
  EXPECT_EQ(loop_->Read(3, 1, -2, any).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loop_->Write(3, "x", -2, any).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loop_->CloseFile(-5, any).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loop_->Lookup("", any).status(),
            absl::InvalidArgumentError("Loop::Lookup: empty host name"));
  EXPECT_EQ(loop_->Stat("a", nullptr).status(),
            absl::InvalidArgumentError("Loop::Stat: empty callback"));
  EXPECT_FALSE(*loop_->Alive()) << "nothing was started";
}

TEST_P(FilesOnBothPlatforms, QueuedFileWorkCanBeCancelledAndChangesNothing) {
  platform_ = GetParam().make(1);
  loop_ = std::make_unique<Loop>(platform_.get());
  const std::string path = Path("never.txt");
  Run([&] {
    platform::PoolWork hold;
    hold.segments.push_back({platform::Segment::Kind::kWait, Duration::Millis(30)});
    ASSERT_TRUE(loop_->QueueWork(std::move(hold), [&](absl::Status) {
      ASSERT_TRUE(loop_->Stat(path, [&](absl::StatusOr<FileStat> st) {
        log_.push_back(st.status().ToString());
      }).ok());
    }).ok());
    absl::StatusOr<RequestId> write =
        loop_->WriteFile(path, "x", [&](absl::Status s) { log_.push_back(s.ToString()); });
    ASSERT_TRUE(write.ok());
    ASSERT_TRUE(loop_->CancelWork(*write).ok());
  });
  EXPECT_THAT(log_, ElementsAre("CANCELLED: work cancelled before it started",
                                "NOT_FOUND: ENOENT: no such file or directory, stat '" + path + "'"));
}

INSTANTIATE_TEST_SUITE_P(
    Platforms, FilesOnBothPlatforms,
    ::testing::Values(
        PlatformKind{"Simulated",
                     [](int pool) -> std::unique_ptr<platform::Platform> {
                       return std::move(
                           platform_sim::SimulatedPlatform::Create({.pool_size = pool}).value());
                     }},
        PlatformKind{"Real",
                     [](int pool) -> std::unique_ptr<platform::Platform> {
                       return std::move(
                           platform_real::RealPlatform::Create({.pool_size = pool}).value());
                     }}),
    [](const ::testing::TestParamInfo<PlatformKind>& info) { return info.param.name; });

}  // namespace
}  // namespace runtime

namespace runtime {
namespace {

// The real platform only: things a file system has that the simulated disk
// does not.
TEST(RealFilesTest, ProcFilesPipesAndTheDescriptorsPosition) {
  auto real = platform_real::RealPlatform::Create({}).value();
  Loop loop(real.get());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::vector<std::string> log;
  ASSERT_TRUE(loop.RunScript([&] {
    // /proc files say their size is 0 and still have bytes.
    ASSERT_TRUE(loop.ReadFile("/proc/self/status", [&](absl::StatusOr<std::string> b) {
      log.push_back(b.ok() && b->find("Pid:") != std::string::npos ? "proc read" : b.status().ToString());
    }).ok());
    // A pipe has no end to seek to and no offsets: write at -1, read at -1.
    ASSERT_TRUE(loop.Write(pipe_fds[1], "through a pipe", -1, [&](absl::StatusOr<int64_t> n) {
      log.push_back(n.ok() ? absl::StrCat("wrote ", *n) : n.status().ToString());
      ASSERT_TRUE(loop.Read(pipe_fds[0], 100, -1, [&](absl::StatusOr<std::string> b) {
        log.push_back(b.ok() ? "read '" + *b + "'" : b.status().ToString());
      }).ok());
    }).ok());
  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  std::sort(log.begin(), log.end());
  EXPECT_THAT(log, ElementsAre("proc read", "read 'through a pipe'", "wrote 14"));
}

}  // namespace
}  // namespace runtime
