// Files and dns.lookup: Node's fs and dns on the pool, as libuv's uv_fs_*
// and uv_getaddrinfo requests (src/unix/fs.c, src/unix/getaddrinfo.c).
#include <algorithm>
#include <memory>
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

RequestId Loop::SubmitIo(PoolIo io, IoDone done) {
  const RequestId id = requests_.Emplace(Request::Kind::kIo,
                                         platform::IsSlowIo(io) ? "dns" : "fs", std::move(done));
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
  if (absl::Status s = CheckRange("Read", "position", offset, -1, INT64_MAX); !s.ok()) return s;
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

// Node's fs.readFile (lib/internal/fs/read/context.js) is a chain of pool
// requests: open, fstat, reads until the size is read (or a read returns
// nothing), close; the callback runs after the close. Each step completes in
// its own poll phase, so the callback comes as many loop iterations after
// the call as in Node (four for a file that fits one read).
struct Loop::ReadFileChain {
  BytesDone done;
  int64_t fd = -1;
  int64_t size = 0;
  std::string data;
  absl::Status error;
};

// Node's kReadFileBufferLength and kReadFileUnknownBufferLength.
constexpr int64_t kReadFileChunk = 512 * 1024;
constexpr int64_t kReadFileUnknownChunk = 64 * 1024;

absl::StatusOr<RequestId> Loop::ReadFile(std::string path, BytesDone done) {
  if (absl::Status s = CheckUsable("ReadFile"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::ReadFile: empty callback");
  if (absl::Status s = CheckPath("ReadFile", path, "path"); !s.ok()) return s;
  auto chain = std::make_shared<ReadFileChain>();
  chain->done = std::move(done);
  return SubmitIo({.op = PoolIo::Op::kOpen, .path = std::move(path), .flags = {.read = true}},
                  [this, chain](absl::Status s, platform::Result& r) {
                    if (!s.ok()) return chain->done(std::move(s));
                    chain->fd = r.value;
                    if (state_ != State::kOpen) return ReadFileClose(chain);
                    SubmitIo({.op = PoolIo::Op::kFstat, .fd = chain->fd},
                             [this, chain](absl::Status s, platform::Result& r) {
                               if (!s.ok()) {
                                 chain->error = std::move(s);
                               } else if (r.value > platform::kMaxIoBytes) {
                                 chain->error = absl::OutOfRangeError(absl::StrCat(
                                     "ERR_FS_FILE_TOO_LARGE: File size (", r.value,
                                     ") is greater than ", platform::kMaxIoBytes, " bytes"));
                               } else {
                                 chain->size = r.value;
                               }
                               ReadFileRead(chain);
                             });
                  });
}

void Loop::ReadFileRead(std::shared_ptr<ReadFileChain> chain) {
  const int64_t have = static_cast<int64_t>(chain->data.size());
  if (!chain->error.ok() || state_ != State::kOpen || (chain->size > 0 && have >= chain->size)) {
    return ReadFileClose(std::move(chain));
  }
  const int64_t want = chain->size > 0 ? std::min(kReadFileChunk, chain->size - have)
                                       : kReadFileUnknownChunk;
  // At the descriptor's position, as Node's ReadFileContext reads: a pipe
  // or a device has no offsets.
  SubmitIo({.op = PoolIo::Op::kRead, .fd = chain->fd, .offset = -1, .length = want},
           [this, chain](absl::Status s, platform::Result& r) {
             if (!s.ok()) {
               chain->error = std::move(s);
             } else if (r.data.empty()) {
               return ReadFileClose(chain);  // the end, whatever fstat said
             } else if (static_cast<int64_t>(chain->data.size() + r.data.size()) >
                        platform::kMaxIoBytes) {
               chain->error = absl::OutOfRangeError(absl::StrCat(
                   "ERR_FS_FILE_TOO_LARGE: the file grew past ", platform::kMaxIoBytes, " bytes"));
             } else {
               chain->data += r.data;
             }
             ReadFileRead(chain);
           });
}

void Loop::ReadFileClose(std::shared_ptr<ReadFileChain> chain) {
  if (state_ != State::kOpen) {
    // Shutting down: no new request can start; the descriptor is left to
    // the platform (the real one's process keeps it until it exits).
    chain->done(chain->error.ok() ? absl::CancelledError("the loop is shutting down") : chain->error);
    return;
  }
  SubmitIo({.op = PoolIo::Op::kClose, .fd = chain->fd},
           [chain](absl::Status s, platform::Result&) {
             if (!chain->error.ok()) return chain->done(chain->error);
             if (!s.ok()) return chain->done(std::move(s));
             chain->done(std::move(chain->data));
           });
}

// Node's fs.writeFile: open with "w", write everything (writeAll), close;
// the callback runs after the close: three pool requests.
absl::StatusOr<RequestId> Loop::WriteFile(std::string path, std::string bytes, Done done) {
  if (absl::Status s = CheckUsable("WriteFile"); !s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::WriteFile: empty callback");
  if (absl::Status s = CheckPath("WriteFile", path, "path"); !s.ok()) return s;
  if (absl::Status s = CheckRange("WriteFile", "length", static_cast<int64_t>(bytes.size()), 0,
                                  platform::kMaxIoBytes);
      !s.ok()) {
    return s;
  }
  auto cb = std::make_shared<Done>(std::move(done));
  return SubmitIo(
      {.op = PoolIo::Op::kOpen, .path = std::move(path), .flags = *platform::ParseOpenFlags("w")},
      [this, cb, bytes = std::move(bytes)](absl::Status s, platform::Result& r) mutable {
        if (!s.ok()) return (*cb)(std::move(s));
        const int64_t fd = r.value;
        if (state_ != State::kOpen) return (*cb)(absl::CancelledError("the loop is shutting down"));
        SubmitIo({.op = PoolIo::Op::kWrite, .fd = fd, .offset = -1, .data = std::move(bytes)},
                 [this, cb, fd](absl::Status s, platform::Result&) {
                   if (state_ != State::kOpen) {
                     return (*cb)(s.ok() ? absl::CancelledError("the loop is shutting down") : s);
                   }
                   SubmitIo({.op = PoolIo::Op::kClose, .fd = fd},
                            [cb, written = std::move(s)](absl::Status s, platform::Result&) {
                              (*cb)(!written.ok() ? written : s);
                            });
                 });
      });
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
