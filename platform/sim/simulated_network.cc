#include "platform/sim/simulated_network.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fakeclock/virtual_clock.h"

namespace platform_sim {
namespace {

using base::Duration;
using base::Instant;
using platform::NetError;
using platform::NetOp;

}  // namespace

absl::Status SimulatedNetwork::Validate(const NetworkConfig& c) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat("network: ", parts...)); };
  if (c.latency < Duration::Zero()) return bad("latency must be >= 0");
  for (const auto& [host, latency] : c.host_latency) {
    if (latency < Duration::Zero()) return bad("host_latency for ", host, " must be >= 0");
  }
  if (!(c.bytes_per_ms > 0) || !std::isfinite(c.bytes_per_ms)) return bad("bytes_per_ms must be finite and > 0");
  if (c.chunk_bytes < 1) return bad("chunk_bytes must be >= 1");
  if (c.window_bytes < 1) return bad("window_bytes must be >= 1");
  if (c.syn_timeout <= Duration::Zero()) return bad("syn_timeout must be > 0");
  if (!(c.refuse_rate >= 0 && c.refuse_rate <= 1)) return bad("refuse_rate must be in [0, 1]");
  if (!(c.reset_rate >= 0 && c.reset_rate <= 1)) return bad("reset_rate must be in [0, 1]");
  if (c.reset_within_bytes < 0) return bad("reset_within_bytes must be >= 0");
  if (c.jitter < Duration::Zero()) return bad("jitter must be >= 0");
  if (!(c.partitions_per_s >= 0) || !std::isfinite(c.partitions_per_s)) {
    return bad("partitions_per_s must be finite and >= 0");
  }
  if (c.partition_length < Duration::Zero()) return bad("partition_length must be >= 0");
  return absl::OkStatus();
}

SimulatedNetwork::SimulatedNetwork(fakeclock::EventQueue* events, NetworkConfig config,
                                   uint64_t seed, Emit emit, OnFault on_fault)
    : events_(events),
      config_(config),
      rng_(seed),
      emit_(std::move(emit)),
      on_fault_(std::move(on_fault)) {}

int SimulatedNetwork::NextEphemeralPort() {
  const int port = next_ephemeral_port_;
  next_ephemeral_port_ = port == kLastEphemeralPort ? kFirstEphemeralPort : port + 1;
  return port;
}

double SimulatedNetwork::Uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

std::string SimulatedNetwork::Normalize(const std::string& host) const {
  return host == "localhost" ? "127.0.0.1" : host;
}

Duration SimulatedNetwork::LatencyTo(const std::string& host) const {
  auto it = config_.host_latency.find(Normalize(host));
  return it == config_.host_latency.end() ? config_.latency : it->second;
}

void SimulatedNetwork::At(Instant t, fakeclock::EventQueue::Callback cb) {
  if (t < events_->Now()) t = events_->Now();
  absl::StatusOr<fakeclock::EventId> id = events_->ScheduleAt(t, std::move(cb));
  if (!id.ok()) on_fault_(fakeclock::TimeLimitError("a TCP event"));
}

bool SimulatedNetwork::Partitioned(Instant t) {
  if (config_.partitions_per_s <= 0 || config_.partition_length <= Duration::Zero()) return false;
  // Draw partitions (a Poisson process of starts) up to past `t`.
  while (partitions_.empty() || partitions_.back().first <= t) {
    const Instant from = partitions_.empty() ? Instant::Epoch() : partitions_.back().second;
    const double gap_s = -std::log(1 - Uniform()) / config_.partitions_per_s;
    const Instant start = from + Duration::Nanos(static_cast<int64_t>(
                                     std::min(gap_s * 1e9, 1e18)));
    partitions_.emplace_back(start, start + config_.partition_length);
    if (start >= fakeclock::kMaxVirtualTime) break;
  }
  for (auto it = partitions_.rbegin(); it != partitions_.rend(); ++it) {
    if (it->first <= t) return t < it->second;
  }
  return false;
}

Instant SimulatedNetwork::Departure(Instant t) {
  while (Partitioned(t)) {
    for (const auto& [start, end] : partitions_) {
      if (start <= t && t < end) {
        t = end;
        break;
      }
    }
  }
  return t;
}

Instant SimulatedNetwork::Arrival(Endpoint* from, Instant departed) {
  Duration extra = from->latency;
  if (config_.jitter > Duration::Zero()) {
    extra = extra + Duration::Nanos(static_cast<int64_t>(Uniform() * static_cast<double>(config_.jitter.nanos())));
  }
  // A chunk never overtakes the one before it: TCP delivers in order.
  Instant t = std::max(departed + extra, from->last_arrival);
  from->last_arrival = t;
  return t;
}

SimulatedNetwork::Endpoint* SimulatedNetwork::Find(int64_t id) {
  auto it = endpoints_.find(id);
  return it == endpoints_.end() ? nullptr : it->second.get();
}

void SimulatedNetwork::Submit(uint64_t token, NetOp&& op) {
  switch (op.op) {
    case NetOp::Op::kListen: return Listen(token, op);
    case NetOp::Op::kConnect: return Connect(token, op);
    default: break;
  }
  Endpoint* e = Find(op.stream);
  const char* syscall = platform::NetOpName(op.op);
  if (e == nullptr || (e->listener && op.op != NetOp::Op::kClose)) {
    emit_(token, NetError("EBADF", syscall, ""), 0, "");
    return;
  }
  switch (op.op) {
    case NetOp::Op::kRead:
      Read(token, e);
      return;
    case NetOp::Op::kWrite:
      if (!e->reset.ok() || e->shutdown_token != 0 || e->fin_sent) {
        emit_(token, NetError("EPIPE", "write", ""), 0, "");
        return;
      }
      writes_[token] = e->id;
      e->out.push_back({token, std::move(op.data)});
      Pump(e);
      return;
    case NetOp::Op::kShutdown:
      if (!e->reset.ok()) {
        emit_(token, NetError("EPIPE", "shutdown", ""), 0, "");
        return;
      }
      if (e->shutdown_token != 0 || e->fin_sent) {
        emit_(token, NetError("ENOTCONN", "shutdown", ""), 0, "");
        return;
      }
      writes_[token] = e->id;
      e->shutdown_token = token;
      Pump(e);
      return;
    case NetOp::Op::kClose:
      Close(token, e);
      return;
    case NetOp::Op::kListen:
    case NetOp::Op::kConnect:
      return;
  }
}

void SimulatedNetwork::Listen(uint64_t token, const NetOp& op) {
  const std::string host = Normalize(op.host);
  int port = op.port;
  if (port == 0) {
    // The next free port of the ephemeral range, wrapping around.
    for (int tries = 0; tries <= kLastEphemeralPort - kFirstEphemeralPort; ++tries) {
      const int candidate = NextEphemeralPort();
      if (listeners_.count(platform::HostPort(host, candidate)) == 0) {
        port = candidate;
        break;
      }
    }
    if (port == 0) {
      emit_(token, NetError("EADDRINUSE", "listen", platform::HostPort(host, 0)), 0, "");
      return;
    }
  }
  const std::string key = platform::HostPort(host, port);
  if (listeners_.count(key) != 0) {
    emit_(token, NetError("EADDRINUSE", "listen", key), 0, "");
    return;
  }
  auto e = std::make_unique<Endpoint>();
  e->id = next_id_++;
  e->listener = true;
  e->local = key;
  e->listen_token = token;
  listeners_[key] = e->id;
  listens_[token] = e->id;
  const int64_t id = e->id;
  endpoints_[id] = std::move(e);
  emit_(token, absl::OkStatus(), id, key);
}

void SimulatedNetwork::Connect(uint64_t token, const NetOp& op) {
  const std::string host = Normalize(op.host);
  const std::string address = platform::HostPort(op.host, op.port);
  const Instant now = events_->Now();
  const Duration timeout = op.timeout > Duration::Zero() ? op.timeout : config_.syn_timeout;
  const Duration latency = LatencyTo(host);
  const Duration rtt = latency + latency;
  // This connect's draws, whatever happens to it: a rate of 0 and of 0.1
  // leave the later draws in the same places.
  const bool refused_by_fault = Uniform() < config_.refuse_rate;
  const bool reset_fault = Uniform() < config_.reset_rate;
  const int64_t reset_after =
      static_cast<int64_t>(Uniform() * static_cast<double>(config_.reset_within_bytes));
  connects_[token] = PendingConnect{};
  if (Partitioned(now) || timeout < rtt) {
    // The SYN (or its answer) is lost: the connect times out.
    FailConnect(token, now + timeout, NetError("ETIMEDOUT", "connect", address),
                &NetworkStats::timed_out);
    return;
  }
  if (FindListener(host, op.port) == nullptr || refused_by_fault) {
    FailConnect(token, now + rtt, NetError("ECONNREFUSED", "connect", address),
                &NetworkStats::refused);
    return;
  }
  // The SYN arrives a latency later and the server accepts; the client
  // hears back a latency after that.
  Schedule(token, now + latency,
           [this, token, host, port = op.port, address, now, rtt, latency, reset_fault,
            reset_after] {
             Endpoint* l = FindListener(host, port);
             if (l == nullptr) {  // it closed meanwhile
               FailConnect(token, now + rtt, NetError("ECONNREFUSED", "connect", address),
                           &NetworkStats::refused);
               return;
             }
             auto server = std::make_unique<Endpoint>();
             auto client = std::make_unique<Endpoint>();
             server->id = next_id_++;
             client->id = next_id_++;
             client->local = platform::HostPort("127.0.0.1", NextEphemeralPort());
             client->remote = address;
             server->local = l->local;
             server->remote = client->local;
             server->peer = client->id;
             client->peer = server->id;
             server->latency = latency;
             client->latency = latency;
             if (reset_fault) {
               auto left = std::make_shared<int64_t>(reset_after);
               server->reset_after = left;
               client->reset_after = left;
             }
             const int64_t server_id = server->id;
             const int64_t client_id = client->id;
             const std::string client_name = client->local;
             endpoints_[server_id] = std::move(server);
             endpoints_[client_id] = std::move(client);
             connects_[token].client = client_id;
             emit_(l->listen_token, absl::OkStatus(), server_id, client_name);
             Schedule(token, now + rtt, [this, token, client_id, address] {
               connects_.erase(token);
               if (Find(client_id) == nullptr) return;
               ++stats_.connections;
               emit_(token, absl::OkStatus(), client_id, address);
             });
           });
}

SimulatedNetwork::Endpoint* SimulatedNetwork::FindListener(const std::string& host, int port) {
  for (const std::string& h : {host, std::string("0.0.0.0"), std::string("::")}) {
    auto it = listeners_.find(platform::HostPort(h, port));
    if (it != listeners_.end()) return Find(it->second);
  }
  return nullptr;
}

void SimulatedNetwork::Schedule(uint64_t token, Instant t, fakeclock::EventQueue::Callback cb) {
  absl::StatusOr<fakeclock::EventId> id = events_->ScheduleAt(t, std::move(cb));
  if (!id.ok()) {
    on_fault_(fakeclock::TimeLimitError(absl::StrCat("TCP connect ", token)));
    return;
  }
  connects_[token].events.push_back(*id);
}

void SimulatedNetwork::FailConnect(uint64_t token, Instant t, absl::Status status,
                                   int64_t NetworkStats::*counter) {
  Schedule(token, t, [this, token, status = std::move(status), counter] {
    connects_.erase(token);
    ++(stats_.*counter);
    emit_(token, status, 0, "");
  });
}

void SimulatedNetwork::Read(uint64_t token, Endpoint* e) {
  if (!e->reset.ok()) {
    emit_(token, e->reset, 0, "");
    return;
  }
  if (e->eof_delivered) {  // the end again, as libuv reports UV_EOF again
    emit_(token, absl::OkStatus(), 0, "");
    return;
  }
  if (e->read_token != 0) {
    emit_(token, NetError("EINVAL", "read", ""), 0, "");
    return;
  }
  e->read_token = token;
  reads_[token] = e->id;
  Deliver(e);
}

void SimulatedNetwork::Pump(Endpoint* e) {
  if (!e->reset.ok()) return;
  Endpoint* peer = Find(e->peer);
  const Instant now = events_->Now();
  while (!e->out.empty()) {
    Write& w = e->out.front();
    const int64_t left = static_cast<int64_t>(w.data.size() - w.sent);
    if (left > 0) {
      const int64_t room =
          config_.window_bytes - e->in_flight - (peer != nullptr ? peer->inbox_bytes : 0);
      if (room <= 0) return;  // the peer's reading frees room and pumps again
      const int64_t n = std::min({left, config_.chunk_bytes, room});
      const Instant start = Departure(std::max(now, e->link_free));
      const Duration tx = Duration::Nanos(static_cast<int64_t>(
          std::ceil(static_cast<double>(n) / config_.bytes_per_ms * 1e6)));
      e->link_free = start + tx;
      const Instant arrive = Arrival(e, e->link_free);
      std::string chunk = w.data.substr(w.sent, static_cast<size_t>(n));
      w.sent += static_cast<size_t>(n);
      e->in_flight += n;
      At(arrive, [this, to = e->peer, from = e->id, chunk = std::move(chunk)]() mutable {
        Arrive(to, std::move(chunk), from);
      });
      if (w.sent < w.data.size()) continue;
    }
    // Its last byte left: the write is done then.
    const uint64_t token = w.token;
    const int64_t size = static_cast<int64_t>(w.data.size());
    e->out.pop_front();
    At(std::max(now, e->link_free), [this, token, size] {
      if (writes_.erase(token) == 0) return;  // failed meanwhile
      emit_(token, absl::OkStatus(), size, "");
    });
  }
  if (e->shutdown_token != 0 && !e->fin_sent) {
    e->fin_sent = true;
    const Instant departs = Departure(std::max(now, e->link_free));
    At(Arrival(e, departs), [this, to = e->peer] { ArriveFin(to); });
    At(departs, [this, token = e->shutdown_token] {
      if (writes_.erase(token) == 0) return;
      emit_(token, absl::OkStatus(), 0, "");
    });
    e->shutdown_token = 0;
  }
}

void SimulatedNetwork::Arrive(int64_t to, std::string chunk, int64_t from) {
  const int64_t n = static_cast<int64_t>(chunk.size());
  Endpoint* sender = Find(from);
  if (sender != nullptr) sender->in_flight -= n;
  Endpoint* e = Find(to);
  if (e == nullptr || !e->reset.ok()) {
    // Data for a closed socket: the kernel answers with a reset.
    if (sender != nullptr && sender->reset.ok()) {
      At(Arrival(sender, events_->Now()), [this, from] { ArriveRst(from); });
    }
    return;
  }
  stats_.bytes_delivered += n;
  e->inbox_bytes += n;
  e->inbox.push_back(std::move(chunk));
  if (e->reset_after != nullptr) {
    *e->reset_after -= n;
    if (*e->reset_after < 0) {
      // The reset fault: a middlebox resets the connection, both ends at once.
      ++stats_.resets;
      e->reset_after = nullptr;
      if (sender != nullptr) {
        sender->reset_after = nullptr;
        Reset(sender);
      }
      Reset(e);
      return;
    }
  }
  Deliver(e);
}

void SimulatedNetwork::Deliver(Endpoint* e) {
  if (e->read_token == 0) return;
  bool freed = false;
  while (!e->inbox.empty() && e->read_token != 0) {
    std::string chunk = std::move(e->inbox.front());
    e->inbox.pop_front();
    const int64_t n = static_cast<int64_t>(chunk.size());
    e->inbox_bytes -= n;
    freed = true;
    emit_(e->read_token, absl::OkStatus(), n, std::move(chunk));
  }
  if (e->inbox.empty() && e->fin_arrived && !e->eof_delivered && e->read_token != 0) {
    e->eof_delivered = true;
    reads_.erase(e->read_token);
    emit_(std::exchange(e->read_token, 0), absl::OkStatus(), 0, "");
  }
  if (freed) {
    if (Endpoint* peer = Find(e->peer)) Pump(peer);
  }
}

void SimulatedNetwork::ArriveFin(int64_t to) {
  Endpoint* e = Find(to);
  if (e == nullptr || !e->reset.ok()) return;
  e->fin_arrived = true;
  Deliver(e);
}

void SimulatedNetwork::ArriveRst(int64_t to) {
  Endpoint* e = Find(to);
  if (e == nullptr || !e->reset.ok()) return;
  Reset(e);
}

void SimulatedNetwork::Reset(Endpoint* e) {
  e->reset = NetError("ECONNRESET", "read", "");
  e->inbox.clear();
  e->inbox_bytes = 0;
  if (e->read_token != 0) {
    reads_.erase(e->read_token);
    emit_(std::exchange(e->read_token, 0), e->reset, 0, "");
  }
  for (Write& w : e->out) {
    writes_.erase(w.token);
    emit_(w.token, NetError("ECONNRESET", "write", ""), 0, "");
  }
  e->out.clear();
  if (e->shutdown_token != 0) {
    writes_.erase(e->shutdown_token);
    emit_(std::exchange(e->shutdown_token, 0), NetError("ECONNRESET", "shutdown", ""), 0, "");
  }
}

void SimulatedNetwork::Close(uint64_t token, Endpoint* e) {
  const int64_t id = e->id;
  if (e->listener) {
    listeners_.erase(e->local);
    if (e->listen_token != 0) {
      listens_.erase(e->listen_token);
      emit_(e->listen_token, absl::CancelledError("the listener closed"), 0, "");
    }
    endpoints_.erase(id);
    if (token != 0) emit_(token, absl::OkStatus(), 0, "");
    return;
  }
  if (e->read_token != 0) {
    reads_.erase(e->read_token);
    emit_(std::exchange(e->read_token, 0), absl::CancelledError("the stream closed"), 0, "");
  }
  for (Write& w : e->out) {
    writes_.erase(w.token);
    emit_(w.token, absl::CancelledError("the stream closed before the write finished"), 0, "");
  }
  e->out.clear();
  if (e->shutdown_token != 0) {
    writes_.erase(e->shutdown_token);
    emit_(std::exchange(e->shutdown_token, 0),
          absl::CancelledError("the stream closed before it ended"), 0, "");
  }
  if (Endpoint* peer = Find(e->peer); peer != nullptr && e->reset.ok()) {
    // Unread data makes a close abortive (RST), as on Linux; else a FIN.
    const Instant departs = Departure(std::max(events_->Now(), e->link_free));
    const Instant arrives = Arrival(e, departs);
    const int64_t to = e->peer;
    if (e->inbox_bytes > 0) {
      At(arrives, [this, to] { ArriveRst(to); });
    } else if (!e->fin_sent) {
      At(arrives, [this, to] { ArriveFin(to); });
    }
  }
  endpoints_.erase(id);
  if (token != 0) emit_(token, absl::OkStatus(), 0, "");
}

absl::Status SimulatedNetwork::Cancel(uint64_t token) {
  if (auto it = reads_.find(token); it != reads_.end()) {
    Endpoint* e = Find(it->second);
    reads_.erase(it);
    if (e != nullptr) e->read_token = 0;
    emit_(token, absl::CancelledError("reading stopped"), 0, "");
    return absl::OkStatus();
  }
  if (auto it = listens_.find(token); it != listens_.end()) {
    if (Endpoint* l = Find(it->second)) Close(0, l);
    return absl::OkStatus();
  }
  if (auto it = connects_.find(token); it != connects_.end()) {
    PendingConnect pending = std::move(it->second);
    connects_.erase(it);
    for (fakeclock::EventId id : pending.events) events_->Cancel(id);
    if (Endpoint* c = Find(pending.client)) Close(0, c);
    emit_(token, absl::CancelledError("connect cancelled"), 0, "");
    return absl::OkStatus();
  }
  if (writes_.count(token) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("TCP request ", token, " is a write or shutdown in progress"));
  }
  return absl::NotFoundError(absl::StrCat("no TCP request ", token, " to cancel"));
}

}  // namespace platform_sim
