// A TCP echo server, on the real platform or in a simulated world.
//
//   ./bazelw run //examples:echo_server -- --platform=real --port=0
//   ./bazelw run //examples:echo_server -- --platform=sim --clients=100 --seed=7
//       --faults=refuse=0.05,reset=0.05,partitions_per_s=0.5   (one line)
//
// Real: prints exactly one first line, `listening on 127.0.0.1:PORT`, and
// echoes every byte on every connection until the peer ends, then ends its
// side. It respects backpressure (examples/echo_service.h), so a client that
// sends megabytes without reading, or vanishes mid-stream, costs only its
// own socket. SIGINT or SIGTERM closes the listener and every socket, and it
// exits 0.
//
// Sim: the same server and `--clients` clients in one simulated world, with
// the network's faults drawn from `--seed` (platform/sim/NETWORK.md). Each
// client sends a seeded payload, ends, and checks what came back. One seed
// gives byte-identical output.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "examples/echo_service.h"
#include "platform/real/real_platform.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

ABSL_FLAG(std::string, platform, "real", "real (serve on this machine) or sim (a simulated world)");
ABSL_FLAG(std::string, host, "127.0.0.1", "address to listen on (real)");
ABSL_FLAG(int, port, 0, "port to listen on; 0 picks a free one (real)");
ABSL_FLAG(int, clients, 100, "clients in the simulated world (sim, 1-100000)");
ABSL_FLAG(uint64_t, seed, 1, "seed of the simulated world (sim)");
ABSL_FLAG(std::string, faults, "",
          "network faults (sim), comma-separated key=value: refuse (rate), reset (rate), "
          "reset_within_bytes, jitter_ms, partitions_per_s, partition_ms, latency_ms");
ABSL_FLAG(int64_t, max_payload_bytes, 64 * 1024, "largest client payload (sim, 1-16777216)");

namespace {

int Usage(const std::string& message) {
  std::cerr << "echo_server: " << message << "\n";
  return 2;
}

// Blocks SIGINT and SIGTERM in this thread (and so in every thread started
// after), and waits for them on a thread of its own, which sets `stop` and
// wakes the loop.
void WatchSignals(std::atomic<bool>* stop, std::shared_ptr<platform::Waker> waker) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  std::thread([set, stop, waker] {
    int sig = 0;
    sigwait(&set, &sig);
    stop->store(true);
    waker->Wake();
  }).detach();
}

int RunReal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the pool's threads start
  absl::StatusOr<std::unique_ptr<platform_real::RealPlatform>> real =
      platform_real::RealPlatform::Create({});
  if (!real.ok()) return Usage(std::string(real.status().message()));
  std::atomic<bool> stop{false};
  runtime::Loop loop(real->get());
  WatchSignals(&stop, loop.waker());
  examples::EchoServer server(&loop);
  int exit_code = 0;
  absl::Status s = loop.RunScript([&] {
    absl::Status started = server.Start(absl::GetFlag(FLAGS_host), absl::GetFlag(FLAGS_port),
                                        [&](absl::Status st, int port) {
                                          if (!st.ok()) {
                                            std::cerr << "echo_server: " << st.message() << "\n";
                                            exit_code = 1;
                                            return;
                                          }
                                          std::printf("listening on %s\n",
                                                      platform::HostPort(absl::GetFlag(FLAGS_host), port).c_str());
                                          std::fflush(stdout);
                                        });
    if (!started.ok()) throw std::runtime_error(std::string(started.message()));
    // Each iteration's prepare phase looks for a signal (the Waker ended the
    // poll). Unref'd: it does not keep the loop alive by itself.
    absl::StatusOr<runtime::HandleId> watch = loop.NewHandle(runtime::HandleType::kPrepare);
    if (!watch.ok()) throw std::runtime_error("prepare handle");
    loop.UnrefHandle(*watch).IgnoreError();
    loop.StartHandle(*watch, [&, h = *watch] {
      if (!stop.load()) return;
      server.Stop();
      loop.CloseHandle(h).IgnoreError();
    }).IgnoreError();
  });
  if (!s.ok()) return Usage(std::string(s.message()));
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) {
    std::cerr << "echo_server: " << run.status().message() << "\n";
    return 1;
  }
  if (exit_code == 0) {
    std::printf("closed after %lld connections, %lld bytes echoed\n",
                static_cast<long long>(server.connections()),
                static_cast<long long>(server.bytes_echoed()));
  }
  return exit_code;
}

absl::StatusOr<platform_sim::NetworkConfig> ParseFaults(const std::string& text) {
  platform_sim::NetworkConfig c;
  if (text.empty()) return c;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    double v = 0;
    if (!absl::SimpleAtod(kv.second, &v) || !std::isfinite(v) || v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--faults: \"", item, "\" is not key=value with a number >= 0"));
    }
    auto ms = [](double x) { return base::Duration::Nanos(static_cast<int64_t>(std::min(x, 1e9) * 1e6)); };
    if (kv.first == "refuse") {
      c.refuse_rate = v;
    } else if (kv.first == "reset") {
      c.reset_rate = v;
    } else if (kv.first == "reset_within_bytes") {
      c.reset_within_bytes = static_cast<int64_t>(std::min(v, 1e15));
    } else if (kv.first == "jitter_ms") {
      c.jitter = ms(v);
    } else if (kv.first == "partitions_per_s") {
      c.partitions_per_s = v;
    } else if (kv.first == "partition_ms") {
      c.partition_length = ms(v);
    } else if (kv.first == "latency_ms") {
      c.latency = ms(v);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--faults: unknown key \"", kv.first,
          "\" (refuse, reset, reset_within_bytes, jitter_ms, partitions_per_s, partition_ms, "
          "latency_ms)"));
    }
  }
  return c;
}

int RunSim() {
  const int clients = absl::GetFlag(FLAGS_clients);
  if (clients < 1 || clients > 100000) return Usage("--clients must be in [1, 100000]");
  const int64_t max_payload = absl::GetFlag(FLAGS_max_payload_bytes);
  if (max_payload < 1 || max_payload > (1 << 24)) {
    return Usage("--max_payload_bytes must be in [1, 16777216]");
  }
  absl::StatusOr<platform_sim::NetworkConfig> net = ParseFaults(absl::GetFlag(FLAGS_faults));
  if (!net.ok()) return Usage(std::string(net.status().message()));
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.seed = seed, .network = *net});
  if (!sim.ok()) return Usage(std::string(sim.status().message()));
  runtime::Loop loop(sim->get());
  examples::EchoServer server(&loop);
  std::mt19937_64 rng(seed);
  int finished = 0;
  int intact = 0;
  int corrupted = 0;
  int64_t bytes_back = 0;
  std::map<std::string, int> failed;
  absl::Status s = loop.RunScript([&] {
    absl::Status started = server.Start("127.0.0.1", 7, [&](absl::Status st, int port) {
      if (!st.ok()) throw std::runtime_error(std::string(st.message()));
      for (int i = 0; i < clients; ++i) {
        // Arrivals spread over the first second; seeded payloads.
        const double at_ms = static_cast<double>(rng() % 1'000'000) / 1000.0;
        std::string payload(1 + rng() % static_cast<uint64_t>(max_payload), '\0');
        for (char& c : payload) c = static_cast<char>('a' + rng() % 26);
        auto run = [&, port, payload = std::move(payload)]() mutable {
          const std::string sent = payload;
          examples::RunEchoClient(
              &loop, "127.0.0.1", port, std::move(payload), 16 * 1024, -1,
              base::Duration::Seconds(3), [&, sent](examples::EchoClientResult r) {
                ++finished;
                bytes_back += static_cast<int64_t>(r.received.size());
                if (sent.compare(0, r.received.size(), r.received) != 0) ++corrupted;
                if (r.status.ok() && r.received == sent) {
                  ++intact;
                } else {
                  const std::string name = platform::ErrnoName(r.status);
                  ++failed[r.status.ok() ? "short" : name.empty() ? r.status.ToString() : name];
                }
                if (finished == clients) server.Stop();
              });
        };
        if (!loop.SetTimeout(std::move(run), at_ms).ok()) throw std::runtime_error("timer");
      }
    });
    if (!started.ok()) throw std::runtime_error(std::string(started.message()));
  });
  if (!s.ok()) return Usage(std::string(s.message()));
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) {
    std::cerr << "echo_server: " << run.status().message() << "\n";
    return 1;
  }
  const platform_sim::NetworkStats& stats = (*sim)->network_stats();
  std::vector<std::string> why;
  int failed_total = 0;
  for (const auto& [name, n] : failed) {
    why.push_back(absl::StrCat(name, " ", n));
    failed_total += n;
  }
  std::printf("echo_server in a simulated world: %d clients, seed %llu%s\n", clients,
              static_cast<unsigned long long>(seed),
              absl::GetFlag(FLAGS_faults).empty() ? "" : absl::StrCat(", faults ", absl::GetFlag(FLAGS_faults)).c_str());
  std::printf("clients echoed intact:      %d\n", intact);
  std::printf("connections failed by fault: %d%s\n", failed_total,
              why.empty() ? "" : absl::StrCat(" (", absl::StrJoin(why, ", "), ")").c_str());
  std::printf("bytes echoed:               %lld (server sent %lld)\n",
              static_cast<long long>(bytes_back), static_cast<long long>(server.bytes_echoed()));
  std::printf("bytes out of order or twice: %d clients\n", corrupted);
  std::printf("network: %lld connected, %lld refused, %lld timed out, %lld reset\n",
              static_cast<long long>(stats.connections), static_cast<long long>(stats.refused),
              static_cast<long long>(stats.timed_out), static_cast<long long>(stats.resets));
  std::printf("virtual time taken:         %.3f ms\n",
              static_cast<double>((*loop.HrTime()).nanos()) / 1e6);
  return corrupted == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("A TCP echo server, real or in a simulated world with faults.");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) return Usage(absl::StrCat("unexpected argument \"", rest[1], "\""));
  const std::string platform = absl::GetFlag(FLAGS_platform);
  if (platform == "real") return RunReal();
  if (platform == "sim") return RunSim();
  return Usage(absl::StrCat("--platform must be real or sim, got \"", platform, "\""));
}
