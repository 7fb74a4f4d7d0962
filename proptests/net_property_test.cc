// Properties of TCP in simulation, for random fault seeds and rates: an echo
// server and a few clients in one world. No byte is delivered out of order
// or twice; a connection that was not reset gets every byte back; every
// failure reaches the program as an errno-named status; and the run ends
// (nothing hangs, every socket closes).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace proptests {
namespace {

using base::Duration;

struct ClientResult {
  bool done = false;
  absl::Status status;
  std::string received;
};

RC_GTEST_PROP(NetProperty, EchoUnderFaultsKeepsOrderAndReportsEveryFailure, ()) {
  platform_sim::NetworkConfig net;
  net.latency = Duration::Micros(*rc::gen::inRange(0, 2000));
  net.bytes_per_ms = *rc::gen::inRange(1000, 1'000'000);
  net.chunk_bytes = *rc::gen::inRange(1, 4096);
  net.window_bytes = *rc::gen::inRange(1, 65536);
  net.refuse_rate = *rc::gen::inRange(0, 50) / 100.0;
  net.reset_rate = *rc::gen::inRange(0, 50) / 100.0;
  net.reset_within_bytes = *rc::gen::inRange(0, 30000);
  net.jitter = Duration::Micros(*rc::gen::inRange(0, 2000));
  net.partitions_per_s = *rc::gen::inRange(0, 300) / 100.0;
  net.partition_length = Duration::Millis(*rc::gen::inRange(0, 500));
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
  auto sim = platform_sim::SimulatedPlatform::Create({.seed = seed, .network = net});
  RC_ASSERT(sim.ok());
  runtime::Loop loop(sim->get());

  const int n = *rc::gen::inRange(1, 7);
  std::vector<std::string> payloads;
  for (int i = 0; i < n; ++i) {
    std::string p(static_cast<size_t>(*rc::gen::inRange(0, 20000)), '\0');
    for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<char>('a' + (k * 7 + i) % 26);
    payloads.push_back(std::move(p));
  }
  const int64_t write_bytes = *rc::gen::inRange(1, 8192);
  std::vector<ClientResult> results(n);
  std::set<runtime::SocketId> server_sockets;
  runtime::ServerId server = 0;
  int finished = 0;

  RC_ASSERT(loop.RunScript([&] {
    absl::StatusOr<runtime::ServerId> sv = loop.Listen(
        "127.0.0.1", 0,
        [&](runtime::SocketId s) {
          server_sockets.insert(s);
          loop.OnData(s, [&, s](std::string b) {
            absl::StatusOr<bool> below = loop.Write(s, std::move(b));
            if (below.ok() && !*below) loop.Pause(s).IgnoreError();
          }).IgnoreError();
          loop.OnDrain(s, [&, s] { loop.Resume(s).IgnoreError(); }).IgnoreError();
          loop.OnClose(s, [&, s](absl::Status) { server_sockets.erase(s); }).IgnoreError();
        },
        [&](absl::Status st) {
          if (!st.ok()) throw std::runtime_error("listen");
          const int port = *loop.LocalPort(server);
          for (int i = 0; i < n; ++i) {
            absl::StatusOr<runtime::SocketId> c =
                loop.Connect("127.0.0.1", port, nullptr, {.timeout = Duration::Seconds(1)});
            if (!c.ok()) throw std::runtime_error("connect");
            for (size_t at = 0; at < payloads[i].size(); at += static_cast<size_t>(write_bytes)) {
              if (!loop.Write(*c, payloads[i].substr(at, static_cast<size_t>(write_bytes))).ok()) {
                throw std::runtime_error("write");
              }
            }
            loop.End(*c).IgnoreError();
            loop.OnData(*c, [&, i](std::string b) { results[i].received += b; }).IgnoreError();
            loop.OnClose(*c, [&, i](absl::Status st) {
              results[i].done = true;
              results[i].status = st;
              if (++finished == n) loop.CloseServer(server).IgnoreError();
            }).IgnoreError();
          }
        });
    if (!sv.ok()) throw std::runtime_error("listen");
    server = *sv;
  }).ok());
  const absl::StatusOr<bool> run = loop.Run();
  RC_ASSERT(run.ok());
  RC_ASSERT(!*run);
  RC_ASSERT(server_sockets.empty());
  const std::set<std::string> allowed = {"ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"};
  for (int i = 0; i < n; ++i) {
    const ClientResult& r = results[i];
    RC_ASSERT(r.done);
    // In order and once: what came back is a prefix of what was sent.
    RC_ASSERT(payloads[i].compare(0, r.received.size(), r.received) == 0);
    if (r.status.ok()) {
      RC_ASSERT(r.received == payloads[i]);
    } else {
      RC_ASSERT(allowed.count(platform::ErrnoName(r.status)) == 1u);
    }
  }
}

}  // namespace
}  // namespace proptests
