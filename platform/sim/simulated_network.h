// SimulatedNetwork: TCP (platform/net_op.h) between the programs of one
// simulated world, in virtual time, with faults drawn from a seed. The model
// and its faults are described in platform/sim/NETWORK.md.
//
// Every connection is a pair of endpoints. Each direction is a link with a
// one-way latency and a bandwidth; writes leave in chunks of at most
// `chunk_bytes`, one after another at the link's rate, and arrive a latency
// later (plus jitter, never overtaking an earlier chunk). A receiver that is
// not reading keeps what arrived; a sender stops sending while
// `window_bytes` are in flight or unread, so its writes complete late:
// backpressure reaches the writing program as it does through a kernel's
// buffers.
//
// Threading: single-threaded, driven by its EventQueue.
#ifndef TWINLOOP_PLATFORM_SIM_SIMULATED_NETWORK_H_
#define TWINLOOP_PLATFORM_SIM_SIMULATED_NETWORK_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/time_units.h"
#include "fakeclock/event_queue.h"
#include "platform/net_op.h"

namespace platform_sim {

struct NetworkConfig {
  base::Duration latency = base::Duration::Micros(50);  // one way, >= 0
  // One-way latency of the links to particular hosts (by the address a
  // connect names, "localhost" as "127.0.0.1"); others use `latency`.
  std::map<std::string, base::Duration> host_latency;
  double bytes_per_ms = 125'000;                         // per direction (1 Gbit/s), > 0
  int64_t chunk_bytes = 64 * 1024;                       // >= 1
  int64_t window_bytes = 256 * 1024;                     // >= 1
  // A connect whose SYN is never answered (a partition) fails with
  // ETIMEDOUT after this, unless the program gave a shorter timeout
  // (Linux's default of 6 SYN retries gives about 127 s).
  base::Duration syn_timeout = base::Duration::Seconds(127);
  // Faults, each drawn from the seed.
  double refuse_rate = 0;     // [0, 1]: a connect to a listening port is refused
  double reset_rate = 0;      // [0, 1]: a connection is reset mid-stream...
  int64_t reset_within_bytes = 64 * 1024;  // ...after a byte count drawn in [0, this]
  base::Duration jitter;      // extra latency per chunk, uniform in [0, jitter]
  double partitions_per_s = 0;  // partitions start at this rate (Poisson, virtual time)
  base::Duration partition_length = base::Duration::Seconds(1);
};

// What happened, for summaries.
struct NetworkStats {
  int64_t connections = 0;  // established
  int64_t refused = 0;      // connects refused (no listener, or the fault)
  int64_t timed_out = 0;    // connects that timed out
  int64_t resets = 0;       // connections reset by the fault
  int64_t bytes_delivered = 0;
};

class SimulatedNetwork {
 public:
  using Emit = absl::AnyInvocable<void(uint64_t token, absl::Status status, int64_t value,
                                       std::string data)>;
  using OnFault = absl::AnyInvocable<void(absl::Status)>;

  // INVALID_ARGUMENT for a setting out of range.
  static absl::Status Validate(const NetworkConfig& config);
  SimulatedNetwork(fakeclock::EventQueue* events, NetworkConfig config, uint64_t seed, Emit emit,
                   OnFault on_fault);
  SimulatedNetwork(const SimulatedNetwork&) = delete;
  SimulatedNetwork& operator=(const SimulatedNetwork&) = delete;

  void Submit(uint64_t token, platform::NetOp&& op);
  // A read, listen or connect in progress: stopped, and CANCELLED posted.
  // NOT_FOUND for a token that is none of those; FAILED_PRECONDITION for a
  // write or shutdown in progress.
  absl::Status Cancel(uint64_t token);

  const NetworkStats& stats() const { return stats_; }
  // Whether virtual time `t` falls in a partition.
  bool Partitioned(base::Instant t);

 private:
  struct Write {
    uint64_t token;
    std::string data;
    size_t sent = 0;
  };
  struct Endpoint {
    int64_t id = 0;
    bool listener = false;
    std::string local;   // "host:port"
    std::string remote;
    int64_t peer = 0;    // the other endpoint's id (0: gone)
    base::Duration latency;  // one way, of this connection's link
    uint64_t listen_token = 0;
    uint64_t read_token = 0;
    // Receiving.
    std::deque<std::string> inbox;
    int64_t inbox_bytes = 0;
    bool fin_arrived = false;
    bool eof_delivered = false;
    absl::Status reset;  // ECONNRESET once reset
    // Sending.
    std::deque<Write> out;
    uint64_t shutdown_token = 0;
    bool fin_sent = false;
    int64_t in_flight = 0;
    base::Instant link_free;
    base::Instant last_arrival;
    // The connection's reset fault, if drawn: after this many bytes.
    std::shared_ptr<int64_t> reset_after;
  };

  Endpoint* Find(int64_t id);
  void Listen(uint64_t token, const platform::NetOp& op);
  void Connect(uint64_t token, const platform::NetOp& op);
  Endpoint* FindListener(const std::string& host, int port);
  // An event of a pending connect (Cancel cancels it).
  void Schedule(uint64_t token, base::Instant t, fakeclock::EventQueue::Callback cb);
  void FailConnect(uint64_t token, base::Instant t, absl::Status status,
                   int64_t NetworkStats::*counter);
  void Read(uint64_t token, Endpoint* e);
  void Close(uint64_t token, Endpoint* e);
  // Sends what the window and the link allow.
  void Pump(Endpoint* e);
  // Hands what arrived to a reader.
  void Deliver(Endpoint* e);
  void Arrive(int64_t to, std::string chunk, int64_t from);
  void ArriveFin(int64_t to);
  void ArriveRst(int64_t to);
  // Fails everything in progress on `e` with ECONNRESET.
  void Reset(Endpoint* e);
  // When a chunk leaving at `t` really leaves: after any partition.
  base::Instant Departure(base::Instant t);
  base::Instant Arrival(Endpoint* from, base::Instant departed);
  void At(base::Instant t, fakeclock::EventQueue::Callback cb);
  double Uniform();
  std::string Normalize(const std::string& host) const;
  base::Duration LatencyTo(const std::string& host) const;

  fakeclock::EventQueue* events_;
  NetworkConfig config_;
  std::mt19937_64 rng_;
  Emit emit_;
  OnFault on_fault_;
  NetworkStats stats_;
  int64_t next_id_ = 1;
  // Linux's and IANA's dynamic range.
  static constexpr int kFirstEphemeralPort = 49152;
  static constexpr int kLastEphemeralPort = 65535;
  int NextEphemeralPort();
  int next_ephemeral_port_ = kFirstEphemeralPort;
  std::map<int64_t, std::unique_ptr<Endpoint>> endpoints_;
  std::map<std::string, int64_t> listeners_;  // "host:port" -> listener id
  absl::flat_hash_map<uint64_t, int64_t> reads_;    // token -> endpoint
  absl::flat_hash_map<uint64_t, int64_t> listens_;  // token -> listener
  struct PendingConnect {
    std::vector<fakeclock::EventId> events;
    int64_t client = 0;  // the client's endpoint, once the server accepted
  };
  absl::flat_hash_map<uint64_t, PendingConnect> connects_;
  absl::flat_hash_map<uint64_t, int64_t> writes_;   // write or shutdown token -> endpoint
  // Partitions drawn so far: [start, end), in order.
  std::vector<std::pair<base::Instant, base::Instant>> partitions_;
};

}  // namespace platform_sim

#endif  // TWINLOOP_PLATFORM_SIM_SIMULATED_NETWORK_H_
