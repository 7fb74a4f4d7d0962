// Files and dns.lookup: Node's fs and dns on the pool, as libuv's uv_fs_*
// and uv_getaddrinfo requests (src/unix/fs.c, src/unix/getaddrinfo.c).
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

using platform::PoolIo;

// Node refuses these before any system call (lib/internal/fs/utils.js,
// lib/internal/validators.js), with these words.
absl::Status CheckPath(const char* method, const std::string& path, const char* what) {
  if (path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::", method, ": ERR_INVALID_ARG_VALUE: The argument '", what,
        "' must be a string without null bytes. Received '", absl::CEscape(path), "'"));
  }
  return absl::OkStatus();
}

absl::Status CheckFd(const char* method, int64_t fd) {
  if (fd < 0 || fd > 2147483647) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::", method, ": ERR_OUT_OF_RANGE: The value of \"fd\" is out of range. It must be "
        ">= 0 && <= 2147483647. Received ", fd));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(const char* method, const char* name, int64_t value, int64_t lo,
                        int64_t hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::", method, ": ERR_OUT_OF_RANGE: The value of \"", name,
        "\" is out of range. It must be >= ", lo, " && <= ", hi, ". Received ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RequestId> Loop::SubmitIo(PoolIo io, IoDone done) {
  const RequestId id = next_request_id_++;
  requests_.emplace(id, Request{.kind = Request::Kind::kIo,
                                .io_done = std::move(done),
                                .name = platform::IsSlowIo(io) ? "dns" : "fs"});
  platform_->SubmitIo(id, std::move(io));
  return id;
}

absl::StatusOr<RequestId> Loop::Open(std::string path, std::string_view flags, OpenDone done) {
  if (absl::Status s = CheckUsable("Open"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::Open: empty callback");
  if (absl::Status s = CheckPath("Open", path, "path"); !s.ok()) return s;
  absl::StatusOr<platform::OpenFlags> parsed = platform::ParseOpenFlags(flags);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat("Loop::Open: ", parsed.status().message()));
  return SubmitIo({.op = PoolIo::Op::kOpen, .path = std::move(path), .flags = *parsed},
                  [done = std::move(done)](absl::Status s, platform::Result& r) mutable {
                    if (!s.ok()) return done(std::move(s));
                    done(r.value);
                  });
}

absl::StatusOr<RequestId> Loop::Read(int64_t fd, int64_t length, int64_t offset, BytesDone done) {
  if (absl::Status s = CheckUsable("Read"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::Read: empty callback");
  if (absl::Status s = CheckFd("Read", fd); !s.ok()) return s;
  if (absl::Status s = CheckRange("Read", "length", length, 0, platform::kMaxIoBytes); !s.ok()) return s;
  if (absl::Status s = CheckRange("Read", "position", offset, 0, INT64_MAX); !s.ok()) return s;
  return SubmitIo({.op = PoolIo::Op::kRead, .fd = fd, .offset = offset, .length = length},
                  [done = std::move(done)](absl::Status s, platform::Result& r) mutable {
                    if (!s.ok()) return done(std::move(s));
                    done(std::move(r.data));
                  });
}

absl::StatusOr<RequestId> Loop::Write(int64_t fd, std::string bytes, int64_t offset,
                                      CountDone done) {
  if (absl::Status s = CheckUsable("Write"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::Write: empty callback");
  if (absl::Status s = CheckFd("Write", fd); !s.ok()) return s;
  if (absl::Status s = CheckRange("Write", "length", static_cast<int64_t>(bytes.size()), 0,
                                  platform::kMaxIoBytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("Write", "position", offset, -1, INT64_MAX); !s.ok()) return s;
  return SubmitIo(
                  {.op = PoolIo::Op::kWrite, .fd = fd, .offset = offset, .data = std::move(bytes)},
                  [done = std::move(done)](absl::Status s, platform::Result& r) mutable {
                    if (!s.ok()) return done(std::move(s));
                    done(r.value);
                  });
}

absl::StatusOr<RequestId> Loop::Stat(std::string path, StatDone done) {
  if (absl::Status s = CheckUsable("Stat"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::Stat: empty callback");
  if (absl::Status s = CheckPath("Stat", path, "path"); !s.ok()) return s;
  return SubmitIo({.op = PoolIo::Op::kStat, .path = std::move(path)},
                  [done = std::move(done)](absl::Status s, platform::Result& r) mutable {
                    if (!s.ok()) return done(std::move(s));
                    done(FileStat{.size = r.value});
                  });
}

absl::StatusOr<RequestId> Loop::CloseFile(int64_t fd, Done done) {
  if (absl::Status s = CheckUsable("CloseFile"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::CloseFile: empty callback");
  if (absl::Status s = CheckFd("CloseFile", fd); !s.ok()) return s;
  return SubmitIo({.op = PoolIo::Op::kClose, .fd = fd},
                  [done = std::move(done)](absl::Status s, platform::Result&) mutable {
                    done(std::move(s));
                  });
}

absl::StatusOr<RequestId> Loop::Unlink(std::string path, Done done) {
  if (absl::Status s = CheckUsable("Unlink"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::Unlink: empty callback");
  if (absl::Status s = CheckPath("Unlink", path, "path"); !s.ok()) return s;
  return SubmitIo({.op = PoolIo::Op::kUnlink, .path = std::move(path)},
                  [done = std::move(done)](absl::Status s, platform::Result&) mutable {
                    done(std::move(s));
                  });
}

absl::StatusOr<RequestId> Loop::ReadFile(std::string path, BytesDone done) {
  if (absl::Status s = CheckUsable("ReadFile"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::ReadFile: empty callback");
  if (absl::Status s = CheckPath("ReadFile", path, "path"); !s.ok()) return s;
  return SubmitIo({.op = PoolIo::Op::kReadFile, .path = std::move(path)},
                  [done = std::move(done)](absl::Status s, platform::Result& r) mutable {
                    if (!s.ok()) return done(std::move(s));
                    done(std::move(r.data));
                  });
}

absl::StatusOr<RequestId> Loop::WriteFile(std::string path, std::string bytes, Done done) {
  if (absl::Status s = CheckUsable("WriteFile"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::WriteFile: empty callback");
  if (absl::Status s = CheckPath("WriteFile", path, "path"); !s.ok()) return s;
  if (absl::Status s = CheckRange("WriteFile", "length", static_cast<int64_t>(bytes.size()), 0,
                                  platform::kMaxIoBytes);
      !s.ok()) {
    return s;
  }
  return SubmitIo(
      {.op = PoolIo::Op::kWriteFile, .path = std::move(path), .data = std::move(bytes)},
      [done = std::move(done)](absl::Status s, platform::Result&) mutable { done(std::move(s)); });
}

absl::StatusOr<RequestId> Loop::Lookup(std::string host, LookupDone done) {
  if (absl::Status s = CheckUsable("Lookup"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::Lookup: empty callback");
  if (host.empty()) return absl::InvalidArgumentError("Loop::Lookup: empty host name");
  if (absl::Status s = CheckPath("Lookup", host, "hostname"); !s.ok()) return s;
  return SubmitIo({.op = PoolIo::Op::kLookup, .path = std::move(host)},
                  [done = std::move(done)](absl::Status s, platform::Result& r) mutable {
                    if (!s.ok()) return done(std::move(s));
                    done(LookupAddress{.address = std::move(r.data),
                                       .family = static_cast<int>(r.value)});
                  });
}

}  // namespace runtime
