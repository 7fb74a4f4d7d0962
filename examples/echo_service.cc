#include "examples/echo_service.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

#include "platform/pool_io.h"

namespace examples {

absl::Status EchoServer::Start(const std::string& host, int port,
                               std::function<void(absl::Status, int port)> on_listening) {
  absl::StatusOr<runtime::ServerId> server = loop_->Listen(
      host, port, [this](runtime::SocketId s) { Serve(s); },
      [this, on_listening](absl::Status st) {
        if (!st.ok()) {
          on_listening(st, 0);
          return;
        }
        on_listening(st, *loop_->LocalPort(server_));
      });
  if (!server.ok()) return server.status();
  server_ = *server;
  return absl::OkStatus();
}

void EchoServer::Serve(runtime::SocketId s) {
  if (stopped_) {
    loop_->Destroy(s).IgnoreError();
    return;
  }
  ++connections_;
  open_.insert(s);
  // Every call below is on a socket this server just accepted: they cannot
  // fail but for a bug, and a bug here should be loud.
  auto check = [](absl::Status st) {
    if (!st.ok()) throw std::runtime_error(std::string(st.message()));
  };
  check(loop_->OnData(s, [this, s](std::string bytes) {
    const int64_t n = static_cast<int64_t>(bytes.size());
    absl::StatusOr<bool> below = loop_->Write(s, std::move(bytes));
    if (!below.ok()) return;  // ended or destroyed meanwhile: nothing to echo to
    bytes_echoed_ += n;
    // stream.pipe's rule: stop reading until the writes drain.
    if (!*below) loop_->Pause(s).IgnoreError();
  }));
  check(loop_->OnDrain(s, [this, s] { loop_->Resume(s).IgnoreError(); }));
  check(loop_->OnClose(s, [this, s](absl::Status st) {
    open_.erase(s);
    if (!st.ok() && !absl::IsCancelled(st)) {
      const std::string name = platform::ErrnoName(st);
      ++errors_[name.empty() ? std::string(absl::StatusCodeToString(st.code())) : name];
    }
  }));
}

void EchoServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  loop_->CloseServer(server_).IgnoreError();
  const std::set<runtime::SocketId> open = open_;
  for (runtime::SocketId s : open) loop_->Destroy(s).IgnoreError();
}

void RunEchoClient(runtime::Loop* loop, const std::string& host, int port, std::string payload,
                   int64_t chunk_bytes, int64_t vanish_after, runtime::Duration connect_timeout,
                   std::function<void(EchoClientResult)> done) {
  struct State {
    std::string payload;
    size_t sent = 0;
    std::string received;
    bool vanished = false;
  };
  auto state = std::make_shared<State>();
  state->payload = std::move(payload);
  absl::StatusOr<runtime::SocketId> c = loop->Connect(host, port, nullptr, {.timeout = connect_timeout});
  if (!c.ok()) {
    done({c.status(), ""});
    return;
  }
  const runtime::SocketId id = *c;
  // Writes until the queue is full, then waits for 'drain'.
  auto pump = std::make_shared<std::function<void()>>();
  *pump = [loop, id, state, chunk_bytes] {
    while (state->sent < state->payload.size()) {
      const size_t n = std::min<size_t>(static_cast<size_t>(chunk_bytes), state->payload.size() - state->sent);
      absl::StatusOr<bool> below = loop->Write(id, state->payload.substr(state->sent, n));
      if (!below.ok()) return;
      state->sent += n;
      if (!*below) return;  // 'drain' calls again
    }
    loop->End(id).IgnoreError();
  };
  loop->OnDrain(id, [pump] { (*pump)(); }).IgnoreError();
  loop->OnData(id, [loop, id, state, vanish_after](std::string bytes) {
    state->received += bytes;
    if (vanish_after >= 0 && !state->vanished &&
        static_cast<int64_t>(state->received.size()) >= vanish_after) {
      state->vanished = true;
      loop->Destroy(id).IgnoreError();
    }
  }).IgnoreError();
  loop->OnClose(id, [state, done, pump](absl::Status st) {
    *pump = nullptr;  // breaks the cycle through OnDrain's copy
    done({std::move(st), std::move(state->received)});
  }).IgnoreError();
  (*pump)();
}

}  // namespace examples
