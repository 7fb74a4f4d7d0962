#include "platform/net_op.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/pool_io.h"

namespace platform {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

const char* NetOpName(NetOp::Op op) {
  switch (op) {
    case NetOp::Op::kListen: return "listen";
    case NetOp::Op::kConnect: return "connect";
    case NetOp::Op::kRead: return "read";
    case NetOp::Op::kWrite: return "write";
    case NetOp::Op::kShutdown: return "shutdown";
    case NetOp::Op::kClose: return "close";
  }
  return "?";
}

std::string HostPort(std::string_view host, int port) {
  if (host.find(':') != std::string_view::npos) return absl::StrCat("[", Av(host), "]:", port);
  return absl::StrCat(Av(host), ":", port);
}

std::string DescribeNetOp(const NetOp& op) {
  const char* name = NetOpName(op.op);
  switch (op.op) {
    case NetOp::Op::kListen:
      return absl::StrCat(name, " ", absl::CEscape(HostPort(op.host, op.port)));
    case NetOp::Op::kConnect:
      return absl::StrCat(name, " ", absl::CEscape(HostPort(op.host, op.port)),
                          op.timeout > base::Duration::Zero()
                              ? absl::StrCat(" timeout ", op.timeout.nanos(), " ns")
                              : "");
    case NetOp::Op::kWrite:
      return absl::StrCat(name, " stream ", op.stream, " ", DescribeBytes(op.data));
    case NetOp::Op::kRead:
    case NetOp::Op::kShutdown:
    case NetOp::Op::kClose:
      return absl::StrCat(name, " stream ", op.stream);
  }
  return name;
}

absl::Status NetError(std::string_view name, std::string_view syscall, std::string_view address) {
  // The code and libuv's text come from the errno table ErrnoError keeps.
  const absl::Status base = ErrnoError(name, "x", "");
  const std::string detail = address.empty() ? "" : absl::StrCat(" ", Av(address));
  if (syscall == "listen") {
    // "EADDRINUSE: address already in use, x" -> the text between.
    absl::string_view m = base.message();
    m.remove_prefix(name.size() + 2);
    m.remove_suffix(3);
    return absl::Status(base.code(), absl::StrCat(Av(syscall), " ", Av(name), ": ", m, detail));
  }
  return absl::Status(base.code(), absl::StrCat(Av(syscall), " ", Av(name), detail));
}

}  // namespace platform
