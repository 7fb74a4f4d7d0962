#include "platform/real/tcp_streams.h"

#include <string.h>

#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "platform/pool_io.h"

namespace platform_real {
namespace {

// Node's default backlog (lib/net.js).
constexpr int kBacklog = 511;
constexpr size_t kReadBufferBytes = 64 * 1024;

bool ParseAddress(const std::string& host, int port, sockaddr_storage* out) {
  const std::string h = host == "localhost" ? "127.0.0.1" : host;
  memset(out, 0, sizeof *out);
  if (uv_ip4_addr(h.c_str(), port, reinterpret_cast<sockaddr_in*>(out)) == 0) return true;
  return uv_ip6_addr(h.c_str(), port, reinterpret_cast<sockaddr_in6*>(out)) == 0;
}

std::string Name(const sockaddr_storage& addr) {
  char ip[64] = {};
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    uv_ip4_name(a, ip, sizeof ip);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    uv_ip6_name(a, ip, sizeof ip);
    port = ntohs(a->sin6_port);
  }
  return platform::HostPort(ip, port);
}

std::string PeerName(const uv_tcp_t* tcp) {
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return Name(addr);
}

std::string SockName(const uv_tcp_t* tcp) {
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return Name(addr);
}

absl::Status UvError(int err, const char* syscall, const std::string& address) {
  return platform::NetError(uv_err_name(err), syscall, address);
}

}  // namespace

struct TcpStreams::Stream {
  uv_tcp_t tcp;  // first: libuv hands back the handle
  TcpStreams* owner = nullptr;
  int64_t id = 0;
  bool closing = false;
  uint64_t read_token = 0;
  uint64_t listen_token = 0;
  uint64_t close_token = 0;
  std::string buffer;
};

struct TcpStreams::WriteReq {
  uv_write_t req;
  TcpStreams* owner;
  uint64_t token;
  std::string data;
};

struct TcpStreams::ShutdownReq {
  uv_shutdown_t req;
  TcpStreams* owner;
  uint64_t token;
};

struct TcpStreams::ConnectReq {
  uv_connect_t req;
  TcpStreams* owner;
  uint64_t token;
  Stream* stream;
  std::string address;
  uv_timer_t* timer = nullptr;  // the connect timeout, if any
  bool timed_out = false;
  bool cancelled = false;
};

TcpStreams::~TcpStreams() {
  ABSL_RAW_CHECK(streams_.empty() && closing_ == 0 && connects_.empty(),
                 "TcpStreams destroyed with handles open: CloseAll and run libuv first");
}

void TcpStreams::Emit(uint64_t token, absl::Status&& status, int64_t value, std::string&& data) {
  if (dead_ || token == 0) return;
  post_(token, std::move(status), value, std::move(data));
}

TcpStreams::Stream* TcpStreams::NewStream() {
  auto* s = new Stream;
  s->owner = this;
  uv_tcp_init(uv_, &s->tcp);
  s->tcp.data = s;
  return s;
}

TcpStreams::Stream* TcpStreams::Find(int64_t id, uint64_t token, const char* syscall) {
  auto it = streams_.find(id);
  if (it == streams_.end() || it->second->closing) {
    Emit(token, platform::NetError("EBADF", syscall, ""));
    return nullptr;
  }
  return it->second;
}

void TcpStreams::Submit(uint64_t token, platform::NetOp&& op) {
  using Op = platform::NetOp::Op;
  switch (op.op) {
    case Op::kListen: return Listen(token, op);
    case Op::kConnect: return Connect(token, op);
    case Op::kRead:
      if (Stream* s = Find(op.stream, token, "read")) Read(token, s);
      return;
    case Op::kWrite:
      if (Stream* s = Find(op.stream, token, "write")) Write(token, s, std::move(op.data));
      return;
    case Op::kShutdown:
      if (Stream* s = Find(op.stream, token, "shutdown")) Shutdown(token, s);
      return;
    case Op::kClose:
      if (Stream* s = Find(op.stream, token, "close")) CloseStream(s, token);
      return;
  }
}

void TcpStreams::Listen(uint64_t token, const platform::NetOp& op) {
  const std::string address = platform::HostPort(op.host, op.port);
  sockaddr_storage addr;
  if (!ParseAddress(op.host, op.port, &addr)) {
    Emit(token, platform::ErrnoError("ENOTFOUND", "getaddrinfo", op.host));
    return;
  }
  Stream* s = NewStream();
  int r = uv_tcp_bind(&s->tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  // libuv reports some bind errors (EADDRINUSE) only at listen.
  if (r == 0) {
    r = uv_listen(reinterpret_cast<uv_stream_t*>(&s->tcp), kBacklog,
                  [](uv_stream_t* server, int status) {
                    auto* self = static_cast<Stream*>(server->data);
                    TcpStreams* owner = self->owner;
                    if (status < 0 || owner->dead_) return;  // libuv retries on the next event
                    Stream* client = owner->NewStream();
                    if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&client->tcp)) != 0) {
                      owner->CloseStream(client, 0);
                      return;
                    }
                    client->id = owner->next_id_++;
                    owner->streams_[client->id] = client;
                    owner->Emit(self->listen_token, absl::OkStatus(), client->id, PeerName(&client->tcp));
                  });
  }
  if (r != 0) {
    Emit(token, UvError(r, "listen", address));
    CloseStream(s, 0);
    return;
  }
  s->id = next_id_++;
  s->listen_token = token;
  streams_[s->id] = s;
  listens_[token] = s;
  Emit(token, absl::OkStatus(), s->id, SockName(&s->tcp));
}

void TcpStreams::Connect(uint64_t token, const platform::NetOp& op) {
  const std::string address = platform::HostPort(op.host, op.port);
  sockaddr_storage addr;
  if (!ParseAddress(op.host, op.port, &addr)) {
    Emit(token, platform::ErrnoError("ENOTFOUND", "getaddrinfo", op.host));
    return;
  }
  Stream* s = NewStream();
  auto* req = new ConnectReq{.owner = this, .token = token, .stream = s, .address = address};
  const int r = uv_tcp_connect(
      &req->req, &s->tcp, reinterpret_cast<const sockaddr*>(&addr),
      [](uv_connect_t* c, int status) {
        auto* req = reinterpret_cast<ConnectReq*>(c);
        TcpStreams* owner = req->owner;
        owner->connects_.erase(req->token);
        if (req->timer != nullptr) {
          req->timer->data = nullptr;
          uv_close(reinterpret_cast<uv_handle_t*>(req->timer),
                   [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
        }
        Stream* s = req->stream;
        if (status == 0 && !owner->dead_) {
          s->id = owner->next_id_++;
          owner->streams_[s->id] = s;
          owner->Emit(req->token, absl::OkStatus(), s->id, PeerName(&s->tcp));
        } else {
          if (req->timed_out) {
            owner->Emit(req->token, platform::NetError("ETIMEDOUT", "connect", req->address));
          } else if (req->cancelled || status == UV_ECANCELED) {
            owner->Emit(req->token, absl::CancelledError("connect cancelled"));
          } else {
            owner->Emit(req->token, UvError(status, "connect", req->address));
          }
          if (!s->closing) owner->CloseStream(s, 0);
        }
        delete req;
      });
  if (r != 0) {
    Emit(token, UvError(r, "connect", address));
    CloseStream(s, 0);
    delete req;
    return;
  }
  connects_[token] = req;
  if (op.timeout > base::Duration::Zero()) {
    req->timer = new uv_timer_t;
    uv_timer_init(uv_, req->timer);
    uv_update_time(uv_);  // from now, not from the last poll
    req->timer->data = req;
    const uint64_t ms = static_cast<uint64_t>((op.timeout.nanos() + 999'999) / 1'000'000);
    uv_timer_start(
        req->timer,
        [](uv_timer_t* t) {
          auto* req = static_cast<ConnectReq*>(t->data);
          if (req == nullptr || req->stream->closing) return;
          req->timed_out = true;
          req->owner->CloseStream(req->stream, 0);  // the connect callback gets ECANCELED
        },
        ms, 0);
  }
}

void TcpStreams::Read(uint64_t token, Stream* s) {
  if (s->read_token != 0 || s->listen_token != 0) {
    Emit(token, platform::NetError("EINVAL", "read", ""));
    return;
  }
  const int r = uv_read_start(
      reinterpret_cast<uv_stream_t*>(&s->tcp),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* s = static_cast<Stream*>(h->data);
        s->buffer.resize(kReadBufferBytes);
        *buf = uv_buf_init(s->buffer.data(), static_cast<unsigned>(s->buffer.size()));
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* s = static_cast<Stream*>(stream->data);
        TcpStreams* owner = s->owner;
        if (nread > 0) {
          owner->Emit(s->read_token, absl::OkStatus(), nread,
                      std::string(buf->base, static_cast<size_t>(nread)));
          return;
        }
        if (nread == 0) return;  // EAGAIN
        uv_read_stop(stream);
        const uint64_t token = std::exchange(s->read_token, 0);
        owner->reads_.erase(token);
        if (nread == UV_EOF) {
          owner->Emit(token, absl::OkStatus(), 0, "");
        } else {
          owner->Emit(token, UvError(static_cast<int>(nread), "read", ""));
        }
      });
  if (r != 0) {
    Emit(token, UvError(r, "read", ""));
    return;
  }
  s->read_token = token;
  reads_[token] = s;
}

void TcpStreams::Write(uint64_t token, Stream* s, std::string&& data) {
  auto* req = new WriteReq{.owner = this, .token = token, .data = std::move(data)};
  uv_buf_t buf = uv_buf_init(req->data.data(), static_cast<unsigned>(req->data.size()));
  const int r = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(&s->tcp), &buf, 1,
                         [](uv_write_t* w, int status) {
                           auto* req = reinterpret_cast<WriteReq*>(w);
                           if (status == UV_ECANCELED) {
                             req->owner->Emit(req->token, absl::CancelledError(
                                                              "the stream closed before the write finished"));
                           } else if (status < 0) {
                             req->owner->Emit(req->token, UvError(status, "write", ""));
                           } else {
                             req->owner->Emit(req->token, absl::OkStatus(),
                                              static_cast<int64_t>(req->data.size()));
                           }
                           delete req;
                         });
  if (r != 0) {
    Emit(token, UvError(r, "write", ""));
    delete req;
  }
}

void TcpStreams::Shutdown(uint64_t token, Stream* s) {
  auto* req = new ShutdownReq{.owner = this, .token = token};
  const int r = uv_shutdown(&req->req, reinterpret_cast<uv_stream_t*>(&s->tcp),
                            [](uv_shutdown_t* sh, int status) {
                              auto* req = reinterpret_cast<ShutdownReq*>(sh);
                              if (status == UV_ECANCELED) {
                                req->owner->Emit(req->token, absl::CancelledError(
                                                                 "the stream closed before it ended"));
                              } else if (status < 0) {
                                req->owner->Emit(req->token, UvError(status, "shutdown", ""));
                              } else {
                                req->owner->Emit(req->token, absl::OkStatus());
                              }
                              delete req;
                            });
  if (r != 0) {
    Emit(token, UvError(r, "shutdown", ""));
    delete req;
  }
}

void TcpStreams::CloseStream(Stream* s, uint64_t token) {
  if (s->read_token != 0) {
    reads_.erase(s->read_token);
    Emit(std::exchange(s->read_token, 0), absl::CancelledError("the stream closed"));
  }
  if (s->listen_token != 0) {
    listens_.erase(s->listen_token);
    Emit(std::exchange(s->listen_token, 0), absl::CancelledError("the listener closed"));
  }
  if (s->id != 0) streams_.erase(s->id);
  s->closing = true;
  s->close_token = token;
  ++closing_;
  uv_close(reinterpret_cast<uv_handle_t*>(&s->tcp), [](uv_handle_t* h) {
    auto* s = static_cast<Stream*>(h->data);
    TcpStreams* owner = s->owner;
    --owner->closing_;
    owner->Emit(s->close_token, absl::OkStatus());
    delete s;
  });
}

absl::Status TcpStreams::Cancel(uint64_t token) {
  if (auto it = reads_.find(token); it != reads_.end()) {
    Stream* s = it->second;
    reads_.erase(it);
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&s->tcp));
    s->read_token = 0;
    Emit(token, absl::CancelledError("reading stopped"));
    return absl::OkStatus();
  }
  if (auto it = listens_.find(token); it != listens_.end()) {
    CloseStream(it->second, 0);
    return absl::OkStatus();
  }
  if (auto it = connects_.find(token); it != connects_.end()) {
    ConnectReq* req = it->second;
    req->cancelled = true;
    if (!req->stream->closing) CloseStream(req->stream, 0);
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("no TCP request ", token, " to cancel"));
}

void TcpStreams::CloseAll() {
  dead_ = true;
  std::vector<Stream*> open;
  for (auto& [id, s] : streams_) open.push_back(s);
  for (auto& [token, req] : connects_) open.push_back(req->stream);
  for (Stream* s : open) {
    if (!s->closing) CloseStream(s, 0);
  }
  connects_.clear();
}

}  // namespace platform_real
