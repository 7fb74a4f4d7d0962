#include "platform/sim/simulated_disk.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace platform_sim {
absl::StatusOr<std::unique_ptr<SimulatedDisk>> SimulatedDisk::Create(DiskConfig config) {
  if (config.per_op < base::Duration::Zero()) {
    return absl::InvalidArgumentError("SimulatedDisk: per_op must be >= 0");
  }
  if (!(config.bytes_per_ms > 0) || !std::isfinite(config.bytes_per_ms)) {
    return absl::InvalidArgumentError("SimulatedDisk: bytes_per_ms must be finite and > 0");
  }
  if (config.capacity_bytes < 0 || config.capacity_bytes > (int64_t{1} << 62)) {
    return absl::InvalidArgumentError("SimulatedDisk: capacity_bytes must be in [0, 2^62]");
  }
  if (!(config.eio_rate >= 0 && config.eio_rate <= 1)) {
    return absl::InvalidArgumentError("SimulatedDisk: eio_rate must be in [0, 1]");
  }
  return std::unique_ptr<SimulatedDisk>(new SimulatedDisk(config));
}

SimulatedDisk::SimulatedDisk(DiskConfig config) : config_(config), rng_(config.seed) {}

base::Duration SimulatedDisk::Cost(int64_t bytes) const {
  return config_.per_op +
         base::Duration::Nanos(static_cast<int64_t>(
             std::llround(static_cast<double>(bytes) / config_.bytes_per_ms * 1e6)));
}

void SimulatedDisk::FailNext(std::string errno_name) { forced_ = std::move(errno_name); }

absl::Status SimulatedDisk::Fault(const char* op, const std::string& path) {
  if (!forced_.empty()) {
    const std::string name = std::exchange(forced_, "");
    return platform::ErrnoError(name, op, path);
  }
  // One draw per operation whatever the rate, so a rate of 0 and of 0.1
  // leave later draws in the same places.
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  if (u < config_.eio_rate) return platform::ErrnoError("EIO", op, path);
  return absl::OkStatus();
}

SimulatedDisk::Result SimulatedDisk::Fail(const char* errno_name, const char* op,
                                          const std::string& path) {
  return {.status = platform::ErrnoError(errno_name, op, path), .cost = Cost(0)};
}

SimulatedDisk::Result SimulatedDisk::Open(const std::string& path, OpenFlags flags) {
  if (absl::Status f = Fault("open", path); !f.ok()) return {.status = f, .cost = Cost(0)};
  if (path.empty()) return Fail("ENOENT", "open", path);
  if (path.size() > kMaxPathBytes) return Fail("ENAMETOOLONG", "open", "");
  if (!flags.read && !flags.write) return Fail("EINVAL", "open", path);
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (!flags.create) return Fail("ENOENT", "open", path);
    const size_t slash = path.rfind('/');
    if (slash != std::string::npos) {
      const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
      if (std::find(config_.directories.begin(), config_.directories.end(), dir) ==
          config_.directories.end()) {
        return Fail("ENOENT", "open", path);
      }
    }
    it = files_.emplace(path, std::make_shared<File>()).first;
  } else if (flags.create && flags.exclusive) {
    return Fail("EEXIST", "open", path);
  }
  if (flags.truncate && flags.write) {
    used_bytes_ -= static_cast<int64_t>(it->second->bytes.size());
    it->second->bytes.clear();
  }
  int64_t fd = 3;
  while (fds_.count(fd) != 0) ++fd;  // the lowest free descriptor
  fds_[fd] = Descriptor{it->second, path, flags};
  return {.value = fd, .cost = Cost(0)};
}

SimulatedDisk::Result SimulatedDisk::Read(int64_t fd, int64_t offset, int64_t length) {
  if (absl::Status f = Fault("read", ""); !f.ok()) return {.status = f, .cost = Cost(0)};
  auto it = fds_.find(fd);
  if (it == fds_.end() || !it->second.flags.read) return Fail("EBADF", "read", "");
  if (offset < -1 || length < 0) return Fail("EINVAL", "read", "");
  const bool at_position = offset == -1;
  if (at_position) offset = it->second.position;
  const std::string& bytes = it->second.file->bytes;
  const int64_t size = static_cast<int64_t>(bytes.size());
  const int64_t n = offset >= size ? 0 : std::min(length, size - offset);
  Result r{.value = n, .cost = Cost(n)};
  r.data = bytes.substr(static_cast<size_t>(std::min(offset, size)), static_cast<size_t>(n));
  if (at_position) it->second.position = offset + n;
  return r;
}

SimulatedDisk::Result SimulatedDisk::Write(int64_t fd, int64_t offset, const std::string& data) {
  if (absl::Status f = Fault("write", ""); !f.ok()) return {.status = f, .cost = Cost(0)};
  auto it = fds_.find(fd);
  if (it == fds_.end() || !it->second.flags.write) return Fail("EBADF", "write", "");
  if (offset < -1) return Fail("EINVAL", "write", "");
  std::string& bytes = it->second.file->bytes;
  const int64_t size = static_cast<int64_t>(bytes.size());
  const int64_t at = offset == -1 || it->second.flags.append ? size : offset;
  const int64_t len = static_cast<int64_t>(data.size());
  // Checked before any arithmetic: an offset near INT64_MAX must not overflow.
  if (at > config_.capacity_bytes || len > config_.capacity_bytes) {
    return Fail("ENOSPC", "write", "");
  }
  // A write past the end fills the gap with zeros, as on POSIX.
  const int64_t growth = std::max<int64_t>(0, at + len - size);
  if (used_bytes_ + growth > config_.capacity_bytes) return Fail("ENOSPC", "write", "");
  if (at + len > size) bytes.resize(static_cast<size_t>(at + len), '\0');
  bytes.replace(static_cast<size_t>(at), data.size(), data);
  used_bytes_ += growth;
  return {.value = len, .cost = Cost(len)};
}

SimulatedDisk::Result SimulatedDisk::Stat(const std::string& path) {
  if (absl::Status f = Fault("stat", path); !f.ok()) return {.status = f, .cost = Cost(0)};
  auto it = files_.find(path);
  if (it == files_.end()) return Fail("ENOENT", "stat", path);
  return {.value = static_cast<int64_t>(it->second->bytes.size()), .cost = Cost(0)};
}

SimulatedDisk::Result SimulatedDisk::Fstat(int64_t fd) {
  if (absl::Status f = Fault("fstat", ""); !f.ok()) return {.status = f, .cost = Cost(0)};
  auto it = fds_.find(fd);
  if (it == fds_.end()) return Fail("EBADF", "fstat", "");
  return {.value = static_cast<int64_t>(it->second.file->bytes.size()), .cost = Cost(0)};
}

SimulatedDisk::Result SimulatedDisk::Close(int64_t fd) {
  if (absl::Status f = Fault("close", ""); !f.ok()) return {.status = f, .cost = Cost(0)};
  auto it = fds_.find(fd);
  if (it == fds_.end()) return Fail("EBADF", "close", "");
  std::shared_ptr<File> file = std::move(it->second.file);
  fds_.erase(it);
  if (file->unlinked && file.use_count() == 1) {
    used_bytes_ -= static_cast<int64_t>(file->bytes.size());
  }
  return {.cost = Cost(0)};
}

SimulatedDisk::Result SimulatedDisk::Unlink(const std::string& path) {
  if (absl::Status f = Fault("unlink", path); !f.ok()) return {.status = f, .cost = Cost(0)};
  auto it = files_.find(path);
  if (it == files_.end()) return Fail("ENOENT", "unlink", path);
  std::shared_ptr<File> file = std::move(it->second);
  files_.erase(it);
  file->unlinked = true;
  if (file.use_count() == 1) used_bytes_ -= static_cast<int64_t>(file->bytes.size());
  return {.cost = Cost(0)};
}

SimulatedDisk::Result SimulatedDisk::ReadFile(const std::string& path) {
  Result open = Open(path, {.read = true});
  if (!open.status.ok()) return open;
  Result read = Read(open.value, 0, std::numeric_limits<int64_t>::max());
  Result close = Close(open.value);
  read.cost = read.cost + open.cost + close.cost;
  if (read.status.ok() && !close.status.ok()) read.status = close.status;
  return read;
}

SimulatedDisk::Result SimulatedDisk::WriteFile(const std::string& path, const std::string& bytes) {
  Result open = Open(path, {.read = false, .write = true, .create = true, .truncate = true});
  if (!open.status.ok()) return open;
  Result write = Write(open.value, 0, bytes);
  Result close = Close(open.value);
  write.cost = write.cost + open.cost + close.cost;
  if (write.status.ok() && !close.status.ok()) write.status = close.status;
  return write;
}

}  // namespace platform_sim
