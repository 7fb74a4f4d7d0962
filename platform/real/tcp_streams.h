// TcpStreams: the real platform's TCP (platform/net_op.h) on libuv streams.
//
// Listeners and connections are uv_tcp_t handles on the platform's own
// uv_loop_t, named by ids from 1. libuv's callbacks (connection, read,
// write, shutdown, connect, close) only post completions; every user
// callback runs later in the loop core's phases. Reads use one 64 KiB
// buffer per stream, copied into the completion.
//
// Addresses are numeric (IPv4 or IPv6) or "localhost" (127.0.0.1), as
// Node's net is given them once dns.lookup has run; any other name is
// "getaddrinfo ENOTFOUND name" (use Loop::Lookup first).
//
// Destruction closes every handle; the owner then runs the libuv loop so
// that the close callbacks run (RealPlatform's destructor does). Nothing is
// posted from then on.
//
// Threading: the loop thread only (libuv's rule for its handles).
#ifndef TWINLOOP_PLATFORM_REAL_TCP_STREAMS_H_
#define TWINLOOP_PLATFORM_REAL_TCP_STREAMS_H_

#include <uv.h>

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "platform/net_op.h"

namespace platform_real {

class TcpStreams {
 public:
  // Delivers a completion (loop thread, inside libuv callbacks or Submit).
  // By rvalue reference: a read's chunk and status pass through without a
  // copy (the ping-pong's profile showed a string move at every layer).
  using Post = absl::AnyInvocable<void(uint64_t token, absl::Status&& status, int64_t value,
                                       std::string&& data)>;

  TcpStreams(uv_loop_t* uv, Post post) : uv_(uv), post_(std::move(post)) {}
  // CloseAll, and a libuv run for the close callbacks, must come first.
  ~TcpStreams();
  TcpStreams(const TcpStreams&) = delete;
  TcpStreams& operator=(const TcpStreams&) = delete;

  void Submit(uint64_t token, platform::NetOp&& op);
  // A read, a listen or a connect in progress: stops it and posts CANCELLED
  // (a cancelled listen closes its listener). NOT_FOUND if `token` is none
  // of those; FAILED_PRECONDITION for a write or shutdown (libuv cannot
  // take those back).
  absl::Status Cancel(uint64_t token);
  // Whether any handle is open or closing: then a zero-timeout poll must
  // still run libuv, as data may be waiting.
  bool active() const { return !streams_.empty() || !connects_.empty() || closing_ > 0; }
  // Closes every handle without posting anything more.
  void CloseAll();

 private:
  struct Stream;
  struct WriteReq;
  struct ShutdownReq;
  struct ConnectReq;

  Stream* NewStream();
  Stream* Find(int64_t id, uint64_t token, const char* syscall);
  void Listen(uint64_t token, const platform::NetOp& op);
  void Connect(uint64_t token, const platform::NetOp& op);
  void Read(uint64_t token, Stream* s);
  void Write(uint64_t token, Stream* s, std::string&& data);
  void Shutdown(uint64_t token, Stream* s);
  void Close(uint64_t token, Stream* s);
  // Ends the stream's open read and listen requests with CANCELLED, then
  // closes its handle; `token` (if any) completes once it is closed.
  void CloseStream(Stream* s, uint64_t token);
  void Emit(uint64_t token, absl::Status&& status, int64_t value = 0, std::string&& data = {});

  uv_loop_t* const uv_;
  Post post_;
  bool dead_ = false;
  int64_t next_id_ = 1;
  int64_t closing_ = 0;
  absl::flat_hash_map<int64_t, Stream*> streams_;
  absl::flat_hash_map<uint64_t, Stream*> reads_;      // read token -> stream
  absl::flat_hash_map<uint64_t, Stream*> listens_;    // listen token -> listener
  absl::flat_hash_map<uint64_t, ConnectReq*> connects_;
};

}  // namespace platform_real

#endif  // TWINLOOP_PLATFORM_REAL_TCP_STREAMS_H_
