// SimulatedDisk: the simulated platform's file system, in memory, with a
// latency model and faults drawn from a seed. The loop's file API runs on
// it through the simulated pool (SimulatedPlatform::SubmitIo).
//
// Each operation returns what POSIX would (a descriptor, a byte count, the
// bytes read, a size) and what it costs: `per_op` plus the bytes moved at
// `bytes_per_ms`, a wait segment for the pool task that runs it, as libuv
// runs fs calls on the pool. Errors are statuses named after errno, in
// Node's words ("ENOENT: no such file or directory, open 'a.txt'"), and
// change nothing:
//   ENOENT  a path that does not exist (open without create, stat, unlink),
//           or a file created in a directory not in DiskConfig::directories
//   EEXIST  create + exclusive on an existing path
//   EBADF   a descriptor that is not open, or not open for the operation
//   EISDIR / ENAMETOOLONG / EINVAL  an empty or over-long path, a negative
//           offset or length
//   ENOSPC  a write that would take the disk past `capacity_bytes` (or
//           starts past it)
//   EIO     drawn per operation with probability `eio_rate` from `seed`
//           (mt19937_64, whose output the standard fixes), or forced by a
//           test with FailNext
// Descriptors are the lowest free number from 3, as on POSIX. The same
// seed and the same operations give the same results and costs.
//
// Threading: not thread-safe; the simulated platform calls it from the
// thread that drives the simulation.
#ifndef TWINLOOP_PLATFORM_SIM_SIMULATED_DISK_H_
#define TWINLOOP_PLATFORM_SIM_SIMULATED_DISK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/time_units.h"
#include "platform/pool_io.h"

namespace platform_sim {

struct DiskConfig {
  base::Duration per_op = base::Duration::Micros(100);
  double bytes_per_ms = 100'000;            // 100 MB/s
  int64_t capacity_bytes = int64_t{1} << 30;
  double eio_rate = 0;                      // [0, 1]
  uint64_t seed = 1;
  // The directories that exist: a file may be created only in one of them
  // (or, for a relative path, in the working directory); elsewhere open
  // fails with ENOENT, as it does on a real disk. There is no mkdir.
  std::vector<std::string> directories = {"/", "/tmp"};
};

using OpenFlags = platform::OpenFlags;

class SimulatedDisk {
 public:
  // What an operation gave, and what it cost.
  struct Result {
    absl::Status status;  // OK, or the errno-named error
    int64_t value = 0;    // a descriptor (Open), bytes moved (Read/Write), a size (Stat)
    std::string data;     // bytes read
    base::Duration cost;  // the wait segment for the pool task
  };

  static constexpr size_t kMaxPathBytes = 4096;

  // INVALID_ARGUMENT for a config out of range (a negative or non-finite
  // rate or size).
  static absl::StatusOr<std::unique_ptr<SimulatedDisk>> Create(DiskConfig config);

  Result Open(const std::string& path, OpenFlags flags);
  Result Read(int64_t fd, int64_t offset, int64_t length);
  // offset -1: at the end of the file (and always so with OpenFlags::append).
  Result Write(int64_t fd, int64_t offset, const std::string& bytes);
  Result Stat(const std::string& path);
  Result Fstat(int64_t fd);
  Result Close(int64_t fd);
  Result Unlink(const std::string& path);
  // fs.readFile / fs.writeFile: open, read or write everything, close, as
  // one operation (libuv runs them as several requests; their cost adds up).
  Result ReadFile(const std::string& path);
  Result WriteFile(const std::string& path, const std::string& bytes);

  // The next operation fails with this errno name ("EIO", "ENOSPC", ...)
  // whatever it is, and changes nothing. For tests of error paths.
  void FailNext(std::string errno_name);

  int64_t used_bytes() const { return used_bytes_; }
  size_t open_descriptors() const { return fds_.size(); }

 private:
  struct File {
    std::string bytes;
    bool unlinked = false;  // its bytes count until the last descriptor closes
  };
  struct Descriptor {
    std::shared_ptr<File> file;  // an unlinked file lives while it is open
    std::string path;
    OpenFlags flags;
    int64_t position = 0;  // where a read at offset -1 reads
  };
  explicit SimulatedDisk(DiskConfig config);
  base::Duration Cost(int64_t bytes) const;
  // A drawn or forced fault for this operation, or OK.
  absl::Status Fault(const char* op, const std::string& path);
  Result Fail(const char* errno_name, const char* op, const std::string& path);

  DiskConfig config_;
  std::mt19937_64 rng_;
  std::string forced_;
  std::map<std::string, std::shared_ptr<File>> files_;
  std::map<int64_t, Descriptor> fds_;
  int64_t used_bytes_ = 0;
};

}  // namespace platform_sim

#endif  // TWINLOOP_PLATFORM_SIM_SIMULATED_DISK_H_
