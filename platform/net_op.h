// NetOp: a TCP operation at the platform seam, after libuv's streams
// (uv_tcp_bind + uv_listen, uv_tcp_connect, uv_read_start, uv_write,
// uv_shutdown, uv_close), which Node's net module sits on.
//
// Streams are named by the platform: a listener or a connection gets an id
// (`stream`) in the completion that opens it. Most operations complete once.
// Two are streams of completions on one token, until a final one:
//   kListen  first: OK with value = the listener's id and data = the bound
//            "host:port" ('listening'), or the error (final). Then one OK per
//            accepted connection: value = its id, data = the peer's
//            "host:port". Final: CANCELLED when the listener closes.
//   kRead    one OK per chunk received (data, value = its size); final: an
//            OK with no data (the peer ended its side, EOF), an error
//            (ECONNRESET), or CANCELLED (reading stopped by Cancel, or the
//            stream closed).
// The others:
//   kConnect   OK with value = the connection's id, data = the peer's
//              "host:port"; or ECONNREFUSED, ETIMEDOUT (after `timeout`,
//              when given), ...
//   kWrite     OK with value = the bytes written, once the transport took
//              them all; an error (EPIPE, ECONNRESET), or CANCELLED when the
//              stream closed first.
//   kShutdown  OK once the writes before it are done and the end sent.
//   kClose     OK once the stream is closed; every request still open on it
//              (a read, a listen, pending writes) completes CANCELLED first.
//
// Errors are named after errno in Node's net words: "connect ECONNREFUSED
// 127.0.0.1:9", "listen EADDRINUSE: address already in use 127.0.0.1:80",
// "read ECONNRESET", "write EPIPE" (NetError; platform::ErrnoName reads the
// name back).
//
// Threading: plain values.
#ifndef TWINLOOP_PLATFORM_NET_OP_H_
#define TWINLOOP_PLATFORM_NET_OP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "base/time_units.h"

namespace platform {

struct NetOp {
  enum class Op : uint8_t { kListen, kConnect, kRead, kWrite, kShutdown, kClose };
  static constexpr Op kLastOp = Op::kClose;

  Op op = Op::kClose;
  std::string host;           // kListen, kConnect: a numeric address or "localhost"
  int port = 0;               // kListen (0: any free port), kConnect
  int64_t stream = 0;         // kRead, kWrite, kShutdown, kClose
  std::string data;           // kWrite
  base::Duration timeout;     // kConnect; zero: none

  bool operator==(const NetOp&) const = default;
};

const char* NetOpName(NetOp::Op op);
// One line, for records and divergence reports: `connect 127.0.0.1:80`,
// `write stream 3 (5 bytes, fnv ...)`.
std::string DescribeNetOp(const NetOp& op);

// Node's net errors: "connect ECONNREFUSED 127.0.0.1:9" (exceptionWithHostPort),
// "listen EADDRINUSE: address already in use 127.0.0.1:80"
// (uvExceptionWithHostPort, which adds libuv's text), "read ECONNRESET"
// (errnoException). `address` may be empty.
absl::Status NetError(std::string_view name, std::string_view syscall, std::string_view address);

// "host:port", with brackets around an IPv6 host ("[::1]:80").
std::string HostPort(std::string_view host, int port);

}  // namespace platform

#endif  // TWINLOOP_PLATFORM_NET_OP_H_
