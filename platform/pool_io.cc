#include "platform/pool_io.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace platform {
namespace {

struct FlagName {
  const char* name;
  OpenFlags flags;
};

// Node's stringToFlags (lib/internal/fs/utils.js), as open(2) flags.
constexpr FlagName kFlagNames[] = {
    {"r", {.read = true}},
    {"r+", {.read = true, .write = true}},
    {"rs+", {.read = true, .write = true}},  // O_SYNC is not modelled
    {"w", {.read = false, .write = true, .create = true, .truncate = true}},
    {"wx", {.read = false, .write = true, .create = true, .exclusive = true, .truncate = true}},
    {"xw", {.read = false, .write = true, .create = true, .exclusive = true, .truncate = true}},
    {"w+", {.read = true, .write = true, .create = true, .truncate = true}},
    {"wx+", {.read = true, .write = true, .create = true, .exclusive = true, .truncate = true}},
    {"xw+", {.read = true, .write = true, .create = true, .exclusive = true, .truncate = true}},
    {"a", {.read = false, .write = true, .create = true, .append = true}},
    {"ax", {.read = false, .write = true, .create = true, .exclusive = true, .append = true}},
    {"xa", {.read = false, .write = true, .create = true, .exclusive = true, .append = true}},
    {"a+", {.read = true, .write = true, .create = true, .append = true}},
    {"ax+", {.read = true, .write = true, .create = true, .exclusive = true, .append = true}},
    {"xa+", {.read = true, .write = true, .create = true, .exclusive = true, .append = true}},
};

struct Errno {
  const char* name;
  const char* text;  // libuv's uv_strerror, which Node's messages use
  absl::StatusCode code;
};

constexpr Errno kErrnos[] = {
    {"ENOENT", "no such file or directory", absl::StatusCode::kNotFound},
    {"EEXIST", "file already exists", absl::StatusCode::kAlreadyExists},
    {"EBADF", "bad file descriptor", absl::StatusCode::kFailedPrecondition},
    {"EINVAL", "invalid argument", absl::StatusCode::kInvalidArgument},
    {"ENAMETOOLONG", "name too long", absl::StatusCode::kInvalidArgument},
    {"EISDIR", "illegal operation on a directory", absl::StatusCode::kFailedPrecondition},
    {"ENOTDIR", "not a directory", absl::StatusCode::kFailedPrecondition},
    {"EACCES", "permission denied", absl::StatusCode::kPermissionDenied},
    {"EPERM", "operation not permitted", absl::StatusCode::kPermissionDenied},
    {"EMFILE", "too many open files", absl::StatusCode::kResourceExhausted},
    {"ENOSPC", "no space left on device", absl::StatusCode::kResourceExhausted},
    {"EIO", "i/o error", absl::StatusCode::kUnavailable},
    {"ECONNREFUSED", "connection refused", absl::StatusCode::kUnavailable},
    {"ECONNRESET", "connection reset by peer", absl::StatusCode::kUnavailable},
    {"ETIMEDOUT", "connection timed out", absl::StatusCode::kDeadlineExceeded},
    {"EADDRINUSE", "address already in use", absl::StatusCode::kAlreadyExists},
    {"EPIPE", "broken pipe", absl::StatusCode::kFailedPrecondition},
    {"ENOTCONN", "socket is not connected", absl::StatusCode::kFailedPrecondition},
    {"ENOTFOUND", "host not found", absl::StatusCode::kNotFound},
};

// Debian's Abseil has its own string_view.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

const Errno* FindErrno(std::string_view name) {
  for (const Errno& e : kErrnos) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<OpenFlags> ParseOpenFlags(std::string_view flags) {
  for (const FlagName& f : kFlagNames) {
    if (flags == f.name) return f.flags;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("ERR_INVALID_ARG_VALUE: The argument 'flags' is invalid. Received '",
                   absl::CEscape(Av(flags)), "'"));
}

std::string OpenFlagsName(const OpenFlags& flags) {
  for (const FlagName& f : kFlagNames) {
    if (flags == f.flags) return f.name;
  }
  return absl::StrFormat("{read %d write %d create %d exclusive %d truncate %d append %d}",
                         flags.read, flags.write, flags.create, flags.exclusive,
                         flags.truncate, flags.append);
}

const char* PoolIoOpName(PoolIo::Op op) {
  switch (op) {
    case PoolIo::Op::kOpen: return "open";
    case PoolIo::Op::kRead: return "read";
    case PoolIo::Op::kWrite: return "write";
    case PoolIo::Op::kStat: return "stat";
    case PoolIo::Op::kClose: return "close";
    case PoolIo::Op::kUnlink: return "unlink";
    case PoolIo::Op::kReadFile: return "readFile";
    case PoolIo::Op::kWriteFile: return "writeFile";
    case PoolIo::Op::kLookup: return "lookup";
    case PoolIo::Op::kFstat: return "fstat";
  }
  return "?";
}

std::string DescribeBytes(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325u;
  for (unsigned char ch : bytes) h = (h ^ ch) * 0x100000001b3u;
  return absl::StrFormat("(%d bytes, fnv %016x)", bytes.size(), h);
}

std::string DescribePoolIo(const PoolIo& io) {
  auto quoted = [](const std::string& s) { return absl::StrCat("'", absl::CEscape(s), "'"); };
  const char* name = PoolIoOpName(io.op);
  switch (io.op) {
    case PoolIo::Op::kOpen:
      return absl::StrCat(name, " ", quoted(io.path), " ", OpenFlagsName(io.flags));
    case PoolIo::Op::kRead:
      return absl::StrCat(name, " fd ", io.fd, " at ", io.offset, " up to ", io.length, " bytes");
    case PoolIo::Op::kWrite:
      return absl::StrCat(name, " fd ", io.fd, " at ", io.offset, " ", DescribeBytes(io.data));
    case PoolIo::Op::kClose:
    case PoolIo::Op::kFstat:
      return absl::StrCat(name, " fd ", io.fd);
    case PoolIo::Op::kWriteFile:
      return absl::StrCat(name, " ", quoted(io.path), " ", DescribeBytes(io.data));
    case PoolIo::Op::kStat:
    case PoolIo::Op::kUnlink:
    case PoolIo::Op::kReadFile:
    case PoolIo::Op::kLookup:
      return absl::StrCat(name, " ", quoted(io.path));
  }
  return name;
}

absl::Status ErrnoError(std::string_view name, std::string_view op, std::string_view path) {
  const Errno* e = FindErrno(name);
  return ErrnoError(name, e != nullptr ? e->text : "unknown error", op, path);
}

absl::Status ErrnoError(std::string_view name, std::string_view text, std::string_view op,
                        std::string_view path) {
  const Errno* e = FindErrno(name);
  const absl::StatusCode code = e != nullptr ? e->code : absl::StatusCode::kUnknown;
  // getaddrinfo's errors read as Node's dns errors: "getaddrinfo ENOTFOUND host".
  if (op == "getaddrinfo") {
    return absl::Status(code, absl::StrCat(Av(op), " ", Av(name), " ", Av(path)));
  }
  return absl::Status(code, absl::StrCat(Av(name), ": ", Av(text), ", ", Av(op),
                                         path.empty() ? "" : absl::StrCat(" '", Av(path), "'")));
}

std::string ErrnoName(const absl::Status& status) {
  const absl::string_view message = status.message();
  std::string_view m(message.data(), message.size());
  // Node's net and dns errors name the call first: "connect ECONNREFUSED
  // 127.0.0.1:9", "getaddrinfo ENOTFOUND host".
  size_t word = 0;
  while (word < m.size() && absl::ascii_islower(m[word])) ++word;
  const bool after_call = word > 0 && word + 1 < m.size() && m[word] == ' ';
  if (after_call) m.remove_prefix(word + 1);
  size_t n = 0;
  while (n < m.size() && (absl::ascii_isupper(m[n]) || absl::ascii_isdigit(m[n]) || m[n] == '_')) ++n;
  if (n < 2 || m[0] != 'E') return {};
  if (n == m.size() ? !after_call : (m[n] != ':' && m[n] != ' ')) return {};
  return std::string(m.substr(0, n));
}

}  // namespace platform
