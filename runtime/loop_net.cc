// TCP: Node's net.Server and net.Socket over the platform's streams
// (platform/net_op.h), with Node's write high-water mark and 'drain', its
// half-close rules (allowHalfOpen) and its error-then-close order.
#include <algorithm>
#include <deque>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

using platform::NetOp;

absl::Status CheckPort(const char* method, int port, int lowest) {
  if (port < lowest || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::", method, ": ERR_SOCKET_BAD_PORT: Port should be >= ", lowest,
        " and < 65536. Received ", port));
  }
  return absl::OkStatus();
}

absl::Status CheckHost(const char* method, const std::string& host) {
  if (host.empty() || host.size() > 255 || host.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("Loop::", method, ": the host must be 1 to 255 bytes with no NUL"));
  }
  return absl::OkStatus();
}

}  // namespace

template <typename F, typename... Args>
void Loop::RunSocketCallback(Socket* s, F Socket::*member, Args&&... args) {
  if (!(s->*member)) return;
  const SocketId id = s->id;
  // Moved out while it runs: it may set a new one for its socket (OnData
  // from inside on_data), which would destroy the running one in place.
  F cb = std::move(s->*member);
  const uint64_t erased = sockets_erased_;
  cb(std::forward<Args>(args)...);
  if (sockets_erased_ != erased) {  // `s` may be gone
    auto again = sockets_.find(id);
    if (again == sockets_.end()) return;
    s = again->second.get();
  }
  if (!(s->*member)) s->*member = std::move(cb);
}

RequestId Loop::SubmitNet(NetOp op, IoDone done, Request::Persist persist) {
  const RequestId id = requests_.Emplace(Request::Kind::kNet, "tcp", std::move(done), persist);
  platform_->SubmitNet(id, std::move(op));
  return id;
}

absl::StatusOr<Loop::Socket*> Loop::FindSocket(SocketId id, const char* method,
                                                bool creates_work) const {
  absl::Status s = CheckUsable(method, creates_work);
  if (!s.ok()) return s;
  auto it = sockets_.find(id);
  if (it == sockets_.end()) {
    return absl::NotFoundError(absl::StrCat("Loop::", method, ": no open socket ", id));
  }
  return it->second.get();
}

absl::StatusOr<Loop::Server*> Loop::FindServer(ServerId id, const char* method) const {
  absl::Status s = CheckUsable(method, /*creates_work=*/false);
  if (!s.ok()) return s;
  auto it = servers_.find(id);
  if (it == servers_.end()) {
    return absl::NotFoundError(absl::StrCat("Loop::", method, ": no server ", id));
  }
  return it->second.get();
}

absl::StatusOr<ServerId> Loop::Listen(std::string host, int port, ConnectionCallback on_connection,
                                      Done on_listening) {
  if (absl::Status s = CheckUsable("Listen"); !s.ok()) return s;
  if (!on_connection) return absl::InvalidArgumentError("Loop::Listen: empty connection callback");
  if (absl::Status s = CheckHost("Listen", host); !s.ok()) return s;
  if (absl::Status s = CheckPort("Listen", port, 0); !s.ok()) return s;
  const ServerId id = next_socket_id_++;
  auto server = std::make_unique<Server>();
  server->id = id;
  server->on_connection = std::move(on_connection);
  server->on_listening = std::move(on_listening);
  Server* sv = server.get();
  servers_.emplace(id, std::move(server));
  sv->listen_req = SubmitNet(
      {.op = NetOp::Op::kListen, .host = std::move(host), .port = port},
      [this, id](absl::Status status, platform::Result& r) {
        auto it = servers_.find(id);
        if (it == servers_.end() || (it->second->closing && it->second->port >= 0)) {
          // A connection accepted as the server closed: nobody will use it.
          if (status.ok() && (it == servers_.end() || r.value != it->second->stream)) {
            SubmitNet({.op = NetOp::Op::kClose, .stream = r.value},
                      [](absl::Status, platform::Result&) {});
          }
          if (it == servers_.end()) return;
        }
        Server* sv = it->second.get();
        if (!status.ok()) {
          // A listen that failed, or the listener closed (CANCELLED).
          sv->listen_req = 0;
          if (sv->port < 0) {
            Done on_listening = std::move(sv->on_listening);
            servers_.erase(it);
            if (on_listening) on_listening(std::move(status));
          }
          return;
        }
        if (sv->port < 0) {
          sv->stream = r.value;
          const size_t colon = r.data.rfind(':');
          sv->port = colon == std::string::npos ? 0 : std::atoi(r.data.c_str() + colon + 1);
          if (sv->on_listening) std::exchange(sv->on_listening, nullptr)(absl::OkStatus());
          return;
        }
        if (sv->closing) return;  // closed above
        if (state_ != State::kOpen) {
          // Delivered while shutting down: nobody will use it.
          SubmitNet({.op = NetOp::Op::kClose, .stream = r.value},
                    [](absl::Status, platform::Result&) {});
          return;
        }
        sv->on_connection(AddSocket(r.value, std::move(r.data), false));
      },
      Request::Persist::kUntilError);
  return id;
}

absl::StatusOr<int> Loop::LocalPort(ServerId server) const {
  absl::StatusOr<Server*> sv = FindServer(server, "LocalPort");
  if (!sv.ok()) return sv.status();
  if ((*sv)->port < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::LocalPort: server ", server, " is not listening yet"));
  }
  return (*sv)->port;
}

absl::Status Loop::CloseServer(ServerId server, Callback on_close) {
  absl::StatusOr<Server*> found = FindServer(server, "CloseServer");
  if (!found.ok()) return found.status();
  Server* sv = *found;
  if (sv->closing) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::CloseServer: ERR_SERVER_NOT_RUNNING: server ", server, " is closing"));
  }
  sv->closing = true;
  sv->on_close = std::move(on_close);
  if (sv->port < 0) {
    // Not listening yet: stop the listen; its CANCELLED ends it.
    if (sv->listen_req != 0) platform_->Cancel(sv->listen_req).IgnoreError();
  }
  SubmitNet({.op = NetOp::Op::kClose, .stream = sv->stream},
            [](absl::Status, platform::Result&) {});
  // Node emits the server's 'close' in a nextTick (emitCloseNT) once it is
  // drained; this one does not wait for its connections.
  return NextTick([this, server] {
    auto it = servers_.find(server);
    if (it == servers_.end()) return;
    Callback on_close = std::move(it->second->on_close);
    servers_.erase(it);
    if (on_close) on_close();
  });
}

SocketId Loop::AddSocket(int64_t stream, std::string remote, bool allow_half_open) {
  const SocketId id = next_socket_id_++;
  auto socket = std::make_unique<Socket>();
  socket->id = id;
  socket->stream = stream;
  socket->state = stream != 0 ? Socket::State::kOpen : Socket::State::kConnecting;
  socket->remote = std::move(remote);
  socket->allow_half_open = allow_half_open;
  sockets_.emplace(id, std::move(socket));
  return id;
}

absl::StatusOr<SocketId> Loop::Connect(std::string host, int port, Done on_connect,
                                       ConnectOptions options) {
  if (absl::Status s = CheckUsable("Connect"); !s.ok()) return s;
  if (absl::Status s = CheckHost("Connect", host); !s.ok()) return s;
  if (absl::Status s = CheckPort("Connect", port, 1); !s.ok()) return s;
  if (options.timeout < Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::Connect: timeout must be >= 0, got ", options.timeout.nanos(), " ns"));
  }
  const SocketId id = AddSocket(0, "", options.allow_half_open);
  Socket* s = sockets_.at(id).get();
  s->on_connect = std::move(on_connect);
  s->connect_req = SubmitNet(
      {.op = NetOp::Op::kConnect, .host = std::move(host), .port = port,
       .timeout = options.timeout},
      [this, id](absl::Status status, platform::Result& r) {
        auto it = sockets_.find(id);
        if (it == sockets_.end()) return;
        Socket* s = it->second.get();
        s->connect_req = 0;
        if (s->state == Socket::State::kClosing) {
          // Destroyed while connecting: close what did connect.
          if (status.ok()) {
            SubmitNet({.op = NetOp::Op::kClose, .stream = r.value},
                      [](absl::Status, platform::Result&) {});
          }
          CloseInCloseQueue([this, id] { FinishSocket(id); });
          return;
        }
        if (!status.ok()) {
          s->state = Socket::State::kClosing;
          s->error = status;
          if (s->on_connect) std::exchange(s->on_connect, nullptr)(std::move(status));
          FinishSocket(id);
          return;
        }
        s->stream = r.value;
        s->remote = std::move(r.data);
        OnConnected(s);
      });
  return id;
}

void Loop::OnConnected(Socket* s) {
  s->state = Socket::State::kOpen;
  std::vector<std::pair<std::string, Done>> early = std::move(s->early_writes);
  for (auto& [bytes, done] : early) SubmitWrite(s, std::move(bytes), std::move(done));
  if (s->end_requested) SubmitEnd(s);
  if (s->want_reading && !s->paused) StartReading(s);
  if (s->on_connect) std::exchange(s->on_connect, nullptr)(absl::OkStatus());
}

void Loop::StartReading(Socket* s) {
  if (s->read_req != 0 || s->state != Socket::State::kOpen || s->peer_ended) return;
  const SocketId id = s->id;
  s->read_req = SubmitNet(
      {.op = NetOp::Op::kRead, .stream = s->stream},
      [this, id](absl::Status status, platform::Result& r) {
        auto it = sockets_.find(id);
        if (it == sockets_.end()) return;
        Socket* s = it->second.get();
        if (status.ok() && !r.data.empty()) {
          s->bytes_read += static_cast<int64_t>(r.data.size());
          // Chunks the platform read before the pause took effect wait for
          // Resume, as Node's readable buffer holds them.
          if (s->paused) {
            s->paused_chunks.push_back(std::move(r.data));
            return;
          }
          RunSocketCallback(s, &Socket::on_data, std::move(r.data));
          return;
        }
        s->read_req = 0;
        if (absl::IsCancelled(status)) {
          // Paused (and maybe resumed meanwhile), or closing.
          if (!s->paused && s->want_reading) StartReading(s);
          return;
        }
        if (!status.ok()) {
          CloseSocket(s, std::move(status));
          return;
        }
        // The peer ended its side (EOF). Without allowHalfOpen Node ends
        // this side too, in a nextTick after 'end' (Duplex's onend ->
        // onEndNT), so the program's 'end' listener may still write.
        s->peer_ended = true;
        RunSocketCallback(s, &Socket::on_end);
        if (sockets_.count(id) == 0) return;
        s = sockets_.at(id).get();
        if (!s->allow_half_open && !s->end_requested) {
          s->end_requested = true;
          SubmitEnd(s);
        }
        MaybeFinish(s);
      },
      Request::Persist::kUntilEmpty);
}

void Loop::SubmitWrite(Socket* s, std::string&& bytes, Done&& done) {
  const int64_t n = static_cast<int64_t>(bytes.size());
  const RequestId req = requests_.Emplace(s->id, n, std::move(done));
  s->writes.push_back(req);
  platform_->SubmitNet(req, {.op = NetOp::Op::kWrite, .stream = s->stream, .data = std::move(bytes)});
}

void Loop::FinishWrite(SocketId id, int64_t n, RequestId req, absl::Status status, Done& done) {
  auto it = sockets_.find(id);
  if (it == sockets_.end()) {
    if (done) done(status);
    return;
  }
  Socket* s = it->second.get();
  s->queued_bytes -= n;
  if (status.ok()) s->bytes_written += n;
  s->writes.erase(std::remove(s->writes.begin(), s->writes.end(), req), s->writes.end());
  if (done) {
    const uint64_t erased = sockets_erased_;
    done(status);
    if (sockets_erased_ != erased && sockets_.count(id) == 0) return;  // it destroyed `s`
  }
  if (!status.ok()) {
    if (!absl::IsCancelled(status)) CloseSocket(s, std::move(status));
    return;
  }
  if (s->queued_bytes == 0 && s->need_drain) {
    s->need_drain = false;
    RunSocketCallback(s, &Socket::on_drain);
  }
}

void Loop::SubmitEnd(Socket* s) {
  if (s->ended || s->state != Socket::State::kOpen) return;
  s->ended = true;
  // The peer's end must be seen for the socket to close: read for it.
  s->want_reading = true;
  if (!s->paused) StartReading(s);
  const SocketId id = s->id;
  SubmitNet({.op = NetOp::Op::kShutdown, .stream = s->stream},
            [this, id](absl::Status status, platform::Result&) {
              auto it = sockets_.find(id);
              if (it == sockets_.end()) return;
              Socket* s = it->second.get();
              if (!status.ok()) {
                if (!absl::IsCancelled(status)) CloseSocket(s, std::move(status));
                return;
              }
              s->end_done = true;
              MaybeFinish(s);
            });
}

void Loop::MaybeFinish(Socket* s) {
  // Both sides ended and ours went out: Node destroys the socket.
  if (s->state == Socket::State::kOpen && s->peer_ended && s->end_done) {
    CloseSocket(s, absl::OkStatus());
  }
}

void Loop::CloseSocket(Socket* s, absl::Status why) {
  if (s->error.ok()) s->error = std::move(why);
  if (s->state == Socket::State::kClosing) return;
  const bool connecting = s->state == Socket::State::kConnecting;
  s->state = Socket::State::kClosing;
  if (connecting) {
    // The connect's completion closes what connected, then finishes.
    if (s->connect_req != 0) platform_->Cancel(s->connect_req).IgnoreError();
    return;
  }
  const SocketId id = s->id;
  const int64_t stream = std::exchange(s->stream, -1);
  // Writes still queued fail now, in a nextTick, before 'close' (Node's
  // destroy errors its buffered writes in a tick); their platform
  // completions, which come later, then find nothing left to do.
  for (RequestId w : std::exchange(s->writes, {})) {
    Request* write = requests_.Find(w);
    if (write == nullptr || write->kind != Request::Kind::kWrite) continue;
    // The write fails now; its platform completion, later, finds a no-op.
    Done write_done = std::move(std::get<Done>(write->cb));
    const int64_t n = write->bytes;
    write->kind = Request::Kind::kNet;
    write->cb = IoDone([](absl::Status, platform::Result&) {});
    auto fail = [this, id, n, w, write_done = std::move(write_done)]() mutable {
      FinishWrite(id, n, w,
                  absl::CancelledError("the socket was destroyed before the write finished"),
                  write_done);
    };
    if (state_ == State::kOpen) {
      NextTick(std::move(fail)).IgnoreError();  // the loop's thread, open: cannot fail
    } else {
      fail();  // shutting down: no new ticks, so now
    }
  }
  // The platform's close keeps the loop alive until it is done; 'close'
  // itself runs in this iteration's close phase, as Node emits it from the
  // handle's uv_close callback (net.js, Socket._destroy).
  SubmitNet({.op = NetOp::Op::kClose, .stream = stream}, [](absl::Status, platform::Result&) {});
  CloseInCloseQueue([this, id] { FinishSocket(id); });
}

void Loop::CloseInCloseQueue(Callback cb) {
  auto h = std::make_unique<Handle>();
  h->id = next_handle_id_++;
  h->internal = true;
  h->closing = true;
  h->close_cb = std::move(cb);
  // libuv pushes onto loop->closing_handles, so the last closed runs first.
  closing_.push_front(h.get());
  handles_.emplace(h->id, std::move(h));
}

void Loop::FinishSocket(SocketId id) {
  auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  std::unique_ptr<Socket> s = std::move(it->second);
  sockets_.erase(it);
  ++sockets_erased_;
  const absl::Status why =
      s->error.ok() ? absl::CancelledError("the socket closed before it connected") : s->error;
  for (auto& [bytes, done] : s->early_writes) {
    if (done) done(why);
  }
  if (s->on_close) s->on_close(s->error);
}

absl::Status Loop::OnData(SocketId socket, DataCallback on_data) {
  absl::StatusOr<Socket*> s = FindSocket(socket, "OnData");
  if (!s.ok()) return s.status();
  (*s)->on_data = std::move(on_data);
  (*s)->want_reading = true;
  if (!(*s)->paused) StartReading(*s);
  return absl::OkStatus();
}

absl::Status Loop::OnEnd(SocketId socket, Callback on_end) {
  absl::StatusOr<Socket*> s = FindSocket(socket, "OnEnd");
  if (!s.ok()) return s.status();
  (*s)->on_end = std::move(on_end);
  (*s)->want_reading = true;
  if (!(*s)->paused) StartReading(*s);
  return absl::OkStatus();
}

absl::Status Loop::OnDrain(SocketId socket, Callback on_drain) {
  absl::StatusOr<Socket*> s = FindSocket(socket, "OnDrain");
  if (!s.ok()) return s.status();
  (*s)->on_drain = std::move(on_drain);
  return absl::OkStatus();
}

absl::Status Loop::OnClose(SocketId socket, Done on_close) {
  absl::StatusOr<Socket*> s = FindSocket(socket, "OnClose");
  if (!s.ok()) return s.status();
  (*s)->on_close = std::move(on_close);
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::Write(SocketId socket, std::string bytes, Done done) {
  absl::StatusOr<Socket*> found = FindSocket(socket, "Write", /*creates_work=*/true);
  if (!found.ok()) return found.status();
  Socket* s = *found;
  if (s->end_requested || s->state == Socket::State::kClosing) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Loop::Write: ", s->end_requested ? "ERR_STREAM_WRITE_AFTER_END: write after end"
                                          : "ERR_STREAM_DESTROYED: the socket was destroyed",
        " (socket ", socket, ")"));
  }
  if (static_cast<int64_t>(bytes.size()) > platform::kMaxIoBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::Write: ERR_OUT_OF_RANGE: at most ", platform::kMaxIoBytes, " bytes per write"));
  }
  s->queued_bytes += static_cast<int64_t>(bytes.size());
  if (s->state == Socket::State::kConnecting) {
    s->early_writes.emplace_back(std::move(bytes), std::move(done));
  } else {
    SubmitWrite(s, std::move(bytes), std::move(done));
  }
  // Node's Writable.write: ret = length < highWaterMark.
  const bool below = s->queued_bytes < kSocketHighWaterMark;
  if (!below) s->need_drain = true;
  return below;
}

absl::Status Loop::End(SocketId socket) {
  absl::StatusOr<Socket*> found = FindSocket(socket, "End");
  if (!found.ok()) return found.status();
  Socket* s = *found;
  if (s->end_requested) return absl::OkStatus();  // Node: a second end() does nothing
  s->end_requested = true;
  if (s->state == Socket::State::kOpen) {
    SubmitEnd(s);
    MaybeFinish(s);
  }
  return absl::OkStatus();
}

absl::Status Loop::Destroy(SocketId socket) {
  absl::StatusOr<Socket*> found = FindSocket(socket, "Destroy");
  if (!found.ok()) return found.status();
  if ((*found)->state == Socket::State::kClosing) return absl::OkStatus();
  CloseSocket(*found, absl::OkStatus());
  return absl::OkStatus();
}

absl::Status Loop::Pause(SocketId socket) {
  absl::StatusOr<Socket*> found = FindSocket(socket, "Pause");
  if (!found.ok()) return found.status();
  Socket* s = *found;
  s->paused = true;
  if (s->read_req != 0) platform_->Cancel(s->read_req).IgnoreError();
  return absl::OkStatus();
}

absl::Status Loop::Resume(SocketId socket) {
  absl::StatusOr<Socket*> found = FindSocket(socket, "Resume");
  if (!found.ok()) return found.status();
  Socket* s = *found;
  s->paused = false;
  s->want_reading = true;
  if (!s->paused_chunks.empty()) {
    // Node's resume() flows what was buffered in a nextTick (resume_).
    NextTick([this, socket] {
      auto it = sockets_.find(socket);
      while (it != sockets_.end() && !it->second->paused && !it->second->paused_chunks.empty()) {
        std::string chunk = std::move(it->second->paused_chunks.front());
        it->second->paused_chunks.pop_front();
        RunSocketCallback(it->second.get(), &Socket::on_data, std::move(chunk));
        it = sockets_.find(socket);
      }
    }).IgnoreError();
  }
  StartReading(s);
  return absl::OkStatus();
}

absl::StatusOr<SocketStats> Loop::Stats(SocketId socket) const {
  absl::StatusOr<Socket*> found = FindSocket(socket, "Stats");
  if (!found.ok()) return found.status();
  const Socket* s = *found;
  return SocketStats{.bytes_read = s->bytes_read,
                     .bytes_written = s->bytes_written,
                     .bytes_queued = s->queued_bytes,
                     .remote = s->remote};
}

void Loop::CloseAllSockets() {
  // The platform closes every stream now. The requests this leaves are
  // cancelled with the rest (writes get CANCELLED), then FinishAllSockets
  // runs each socket's and server's close callback.
  auto close = [this](int64_t stream) {
    if (stream > 0) platform_->SubmitNet(requests_.Skip(), {.op = NetOp::Op::kClose, .stream = stream});
  };
  for (auto& [id, sv] : servers_) close(std::exchange(sv->stream, 0));
  for (auto& [id, s] : sockets_) {
    close(std::exchange(s->stream, -1));
    if (s->error.ok()) s->error = absl::CancelledError("the loop is shutting down");
    s->state = Socket::State::kClosing;
  }
}

void Loop::FinishAllSockets() {
  std::vector<uint64_t> ids;
  for (auto& [id, s] : sockets_) ids.push_back(id);
  for (auto& [id, sv] : servers_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (uint64_t id : ids) {
    Callback cb;
    if (sockets_.count(id) != 0) {
      cb = [this, id] { FinishSocket(id); };
    } else if (auto it = servers_.find(id); it != servers_.end()) {
      Callback on_close = std::move(it->second->on_close);
      Done on_listening = std::move(it->second->on_listening);
      servers_.erase(it);
      cb = [on_close = std::move(on_close), on_listening = std::move(on_listening)]() mutable {
        if (on_listening) on_listening(absl::CancelledError("the loop is shutting down"));
        if (on_close) on_close();
      };
    }
    RunMacrotask(Phase::kShutdown, "tcp", static_cast<int64_t>(id), cb);
    if (!error_.ok()) return;
  }
}

}  // namespace runtime
