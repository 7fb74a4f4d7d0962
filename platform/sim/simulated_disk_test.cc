#include "platform/sim/simulated_disk.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace platform_sim {
namespace {

using base::Duration;

std::unique_ptr<SimulatedDisk> Disk(DiskConfig config = {}) {
  auto d = SimulatedDisk::Create(config);
  EXPECT_TRUE(d.ok()) << d.status();
  return *std::move(d);
}

constexpr OpenFlags kWrite{.read = false, .write = true, .create = true};

TEST(SimulatedDiskTest, ReadAfterWriteAndCosts) {
  // 0.1 ms per operation, 100 bytes per ms: exact virtual costs.
  auto disk = Disk({.per_op = Duration::Micros(100), .bytes_per_ms = 100});
  SimulatedDisk::Result w = disk->WriteFile("a.txt", std::string(50, 'x'));
  ASSERT_TRUE(w.status.ok()) << w.status;
  EXPECT_EQ(w.value, 50);
  // open + write of 50 bytes (0.5 ms) + close.
  EXPECT_EQ(w.cost, Duration::Micros(100 * 3 + 500));
  SimulatedDisk::Result r = disk->ReadFile("a.txt");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.data, std::string(50, 'x'));
  EXPECT_EQ(r.cost, Duration::Micros(800));
  EXPECT_EQ(disk->Stat("a.txt").value, 50);
  EXPECT_EQ(disk->used_bytes(), 50);
  EXPECT_EQ(disk->open_descriptors(), 0u);
}

TEST(SimulatedDiskTest, DescriptorsOffsetsAndHoles) {
  auto disk = Disk();
  SimulatedDisk::Result a = disk->Open("f", {.read = true, .write = true, .create = true});
  SimulatedDisk::Result b = disk->Open("f", {.read = true});
  EXPECT_EQ(a.value, 3);  // the lowest free, from 3
  EXPECT_EQ(b.value, 4);
  ASSERT_TRUE(disk->Write(a.value, 2, "cd").status.ok());  // a hole of two zero bytes
  ASSERT_TRUE(disk->Write(a.value, -1, "e").status.ok());  // -1: at the end
  EXPECT_EQ(disk->Read(b.value, 0, 100).data, std::string("\0\0cde", 5));
  EXPECT_EQ(disk->Read(b.value, 3, 1).data, "d");
  EXPECT_EQ(disk->Read(b.value, 10, 5).value, 0);  // past the end: nothing, no error
  ASSERT_TRUE(disk->Close(a.value).status.ok());
  EXPECT_EQ(disk->Open("f", {}).value, 3);  // 3 is free again
}

TEST(SimulatedDiskTest, ErrorsAreNamedAfterErrnoAndChangeNothing) {
  auto disk = Disk();
  EXPECT_EQ(disk->Open("missing", {}).status,
            absl::NotFoundError("ENOENT: no such file or directory, open 'missing'"));
  EXPECT_EQ(disk->Stat("missing").status,
            absl::NotFoundError("ENOENT: no such file or directory, stat 'missing'"));
  EXPECT_EQ(disk->Unlink("missing").status,
            absl::NotFoundError("ENOENT: no such file or directory, unlink 'missing'"));
  EXPECT_EQ(disk->Read(99, 0, 1).status,
            absl::FailedPreconditionError("EBADF: bad file descriptor, read"));
  EXPECT_EQ(disk->Close(99).status,
            absl::FailedPreconditionError("EBADF: bad file descriptor, close"));
  ASSERT_TRUE(disk->WriteFile("x", "1").status.ok());
  EXPECT_EQ(disk->Open("x", {.write = true, .create = true, .exclusive = true}).status,
            absl::AlreadyExistsError("EEXIST: file already exists, open 'x'"));
  const int64_t ro = disk->Open("x", {}).value;
  EXPECT_EQ(disk->Write(ro, 0, "2").status,
            absl::FailedPreconditionError("EBADF: bad file descriptor, write"));
  EXPECT_EQ(disk->Read(ro, -2, 1).status, absl::InvalidArgumentError("EINVAL: invalid argument, read"));
  EXPECT_EQ(disk->Open(std::string(5000, 'p'), {}).status,
            absl::InvalidArgumentError("ENAMETOOLONG: name too long, open"));
  EXPECT_EQ(disk->ReadFile("x").data, "1");  // unchanged by the failures
  // A failed operation still costs its system call.
  EXPECT_EQ(disk->Stat("missing").cost, Duration::Micros(100));
}

TEST(SimulatedDiskTest, FullDiskIsEnospcAndUnlinkFreesSpaceAfterTheLastClose) {
  auto disk = Disk({.capacity_bytes = 10});
  ASSERT_TRUE(disk->WriteFile("a", std::string(8, 'a')).status.ok());
  SimulatedDisk::Result w = disk->WriteFile("b", std::string(3, 'b'));
  EXPECT_EQ(w.status, absl::ResourceExhaustedError("ENOSPC: no space left on device, write"));
  EXPECT_EQ(disk->used_bytes(), 8);
  EXPECT_EQ(disk->ReadFile("b").data, "");  // created, nothing written
  const int64_t fd = disk->Open("a", {}).value;
  ASSERT_TRUE(disk->Unlink("a").status.ok());
  EXPECT_EQ(disk->used_bytes(), 8);             // still open: its bytes stay
  EXPECT_EQ(disk->Read(fd, 0, 8).data, std::string(8, 'a'));
  EXPECT_EQ(disk->Stat("a").status.code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(disk->Close(fd).status.ok());
  EXPECT_EQ(disk->used_bytes(), 0);
  EXPECT_TRUE(disk->WriteFile("b", std::string(10, 'b')).status.ok());
  // An offset far past the end is a full disk, not an overflow.
  const int64_t b = disk->Open("b", {.read = false, .write = true}).value;
  EXPECT_EQ(disk->Write(b, std::numeric_limits<int64_t>::max() - 1, "zz").status.code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(SimulatedDiskTest, ForcedFaultHitsTheNextOperationOnly) {
  auto disk = Disk();
  ASSERT_TRUE(disk->WriteFile("a", "data").status.ok());
  disk->FailNext("EIO");
  EXPECT_EQ(disk->Stat("a").status, absl::UnavailableError("EIO: i/o error, stat 'a'"));
  EXPECT_EQ(disk->Stat("a").value, 4);
  disk->FailNext("ENOSPC");
  const int64_t fd = disk->Open("a", {.write = true}).value;
  EXPECT_EQ(fd, 0);  // the open itself failed
  EXPECT_EQ(disk->open_descriptors(), 0u);
}

// The same seed draws the same faults; another seed draws others; a rate
// of 0 draws none and 1 fails everything.
std::vector<bool> Outcomes(uint64_t seed, double rate) {
  auto disk = Disk({.eio_rate = rate, .seed = seed});
  std::vector<bool> ok;
  for (int i = 0; i < 200; ++i) ok.push_back(disk->WriteFile("f", "x").status.ok());
  return ok;
}

TEST(SimulatedDiskTest, FaultsComeFromTheSeed) {
  EXPECT_EQ(Outcomes(7, 0.2), Outcomes(7, 0.2));
  EXPECT_NE(Outcomes(7, 0.2), Outcomes(8, 0.2));
  const std::vector<bool> none = Outcomes(7, 0);
  EXPECT_EQ(std::count(none.begin(), none.end(), false), 0);
  const std::vector<bool> all = Outcomes(7, 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), true), 0);
  const std::vector<bool> some = Outcomes(7, 0.2);
  const auto failed = std::count(some.begin(), some.end(), false);
  EXPECT_GT(failed, 10);
  EXPECT_LT(failed, 190);
}

TEST(SimulatedDiskTest, BadConfigIsRefused) {
  EXPECT_EQ(SimulatedDisk::Create({.bytes_per_ms = 0}).status(),
            absl::InvalidArgumentError("SimulatedDisk: bytes_per_ms must be finite and > 0"));
  EXPECT_EQ(SimulatedDisk::Create({.eio_rate = 1.5}).status(),
            absl::InvalidArgumentError("SimulatedDisk: eio_rate must be in [0, 1]"));
  EXPECT_EQ(SimulatedDisk::Create({.capacity_bytes = -1}).status(),
            absl::InvalidArgumentError("SimulatedDisk: capacity_bytes must be in [0, 2^62]"));
  EXPECT_EQ(SimulatedDisk::Create({.per_op = Duration::Micros(-1)}).status(),
            absl::InvalidArgumentError("SimulatedDisk: per_op must be >= 0"));
}

}  // namespace
}  // namespace platform_sim

namespace platform_sim {
namespace {

TEST(SimulatedDiskPositionTest, AReadAtMinusOneReadsOnFromTheDescriptorsPosition) {
  auto disk = SimulatedDisk::Create({}).value();
  ASSERT_TRUE(disk->WriteFile("/tmp/p", "abcdef").status.ok());
  const int64_t fd = disk->Open("/tmp/p", {.read = true}).value;
  EXPECT_EQ(disk->Read(fd, -1, 4).data, "abcd");
  EXPECT_EQ(disk->Read(fd, 0, 2).data, "ab") << "an offset leaves the position alone";
  EXPECT_EQ(disk->Read(fd, -1, 4).data, "ef");
  EXPECT_EQ(disk->Read(fd, -1, 4).value, 0) << "then the end";
  EXPECT_EQ(disk->Read(fd, -2, 1).status.ToString(),
            "INVALID_ARGUMENT: EINVAL: invalid argument, read");
}

TEST(SimulatedDiskDirectoriesTest, FilesAreCreatedOnlyInDirectoriesThatExist) {
  auto disk = SimulatedDisk::Create({.directories = {"/", "/tmp", "/data"}}).value();
  const OpenFlags create{.read = false, .write = true, .create = true};
  EXPECT_TRUE(disk->Open("/tmp/a", create).status.ok());
  EXPECT_TRUE(disk->Open("/data/b", create).status.ok());
  EXPECT_TRUE(disk->Open("/c", create).status.ok());
  EXPECT_TRUE(disk->Open("relative", create).status.ok()) << "the working directory exists";
  EXPECT_EQ(disk->Open("/nope/d", create).status.ToString(),
            "NOT_FOUND: ENOENT: no such file or directory, open '/nope/d'");
  EXPECT_EQ(disk->Open("/tmp/sub/e", create).status.ToString(),
            "NOT_FOUND: ENOENT: no such file or directory, open '/tmp/sub/e'");
  EXPECT_EQ(disk->open_descriptors(), 4u) << "a failed open changes nothing";
}

}  // namespace
}  // namespace platform_sim
