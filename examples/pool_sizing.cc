// What should UV_THREADPOOL_SIZE be? A sweep of pool sizes against core
// counts for a service whose requests each read a file (disk time on a pool
// thread) and then hash a password (CPU on a pool thread), arriving at a
// steady rate. For each size: throughput and p50/p99 latency, exact, in
// virtual time.
//
//   ./bazelw run //examples:pool_sizing
//   ./bazelw run //examples:pool_sizing -- --cores=2,8 --interval_ms=1
//
// What it shows: too small a pool queues requests even while cores are idle
// (file reads hold threads without using a core); once the pool covers the
// disk waits and the cores, more threads change nothing but memory. Node's
// default of 4 is right for some mixes and wrong for others; measure yours.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

ABSL_FLAG(std::vector<std::string>, cores, std::vector<std::string>({"2", "4"}),
          "core counts to compare, comma-separated (each 1-1024)");
ABSL_FLAG(int, max_pool_size, 16, "pool sizes 1..this are tried (1-1024)");
ABSL_FLAG(int, requests, 1000, "requests per run (1-100000)");
ABSL_FLAG(double, interval_ms, 4,
          "mean time between arrivals, in ms (0.001-1e6); arrivals are a Poisson process");
ABSL_FLAG(uint64_t, seed, 1, "seed of the arrival times");
ABSL_FLAG(double, read_ms, 8, "disk time of each request's file read, on a pool thread");
ABSL_FLAG(double, hash_ms, 6, "CPU time of each request's password hash, on a pool thread");

namespace {

struct Result {
  double throughput = 0;  // requests per second, from the first arrival to the last finish
  double p50_ms = 0, p99_ms = 0;
};

double Percentile(const std::vector<double>& sorted, double p) {
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];  // nearest rank
}

// Arrival times of a Poisson process with the given mean gap, from `seed`:
// exponential gaps by inversion, from mt19937_64 (whose output the standard
// fixes), so every platform and library draws the same times.
std::vector<double> Arrivals(int n, double mean_gap_ms, uint64_t seed) {
  std::mt19937_64 bits(seed);
  std::vector<double> at;
  double t = 1;
  for (int i = 0; i < n; ++i) {
    at.push_back(t);
    const double u = static_cast<double>(bits() >> 11) * 0x1.0p-53;  // [0, 1)
    t += -std::log1p(-u) * mean_gap_ms;
  }
  return at;
}

absl::StatusOr<Result> Run(int cores, int pool, const std::vector<double>& arrivals_ms,
                           double read_ms, double hash_ms) {
  const int requests = static_cast<int>(arrivals_ms.size());
  auto sim = platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get());
  std::vector<double> latencies_ms;
  double first_ms = -1, last_ms = 0;
  auto now = [&] { return loop.HrTime()->millis(); };
  auto must = [](const absl::Status& s) {
    if (!s.ok()) throw std::runtime_error(s.ToString());
  };
  auto work = [](platform::Segment::Kind kind, double ms) {
    platform::PoolWork w;
    w.kind = kind == platform::Segment::Kind::kWait ? platform::PoolWork::Kind::kFastIo
                                                   : platform::PoolWork::Kind::kCpu;
    w.segments.push_back({kind, base::Duration::MillisRounded(ms)});
    return w;
  };
  absl::Status script = loop.RunScript([&] {
    for (int i = 0; i < requests; ++i) {
      must(loop.SetTimeout(
                   [&] {
                     const double arrived = now();
                     if (first_ms < 0) first_ms = arrived;
                     must(loop.QueueWork(work(platform::Segment::Kind::kWait, read_ms),
                                         [&, arrived](absl::Status s) {
                                           must(s);
                                           must(loop.QueueWork(
                                                        work(platform::Segment::Kind::kCpu, hash_ms),
                                                        [&, arrived](absl::Status s) {
                                                          must(s);
                                                          last_ms = now();
                                                          latencies_ms.push_back(last_ms - arrived);
                                                        })
                                                    .status());
                                         })
                              .status());
                   },
                   arrivals_ms[i])
               .status());
    }
  });
  if (!script.ok()) return script;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  Result r;
  // With no time between the first arrival and the last finish (no work
  // at all), a rate is not defined: shown as 0.
  r.throughput = last_ms > first_ms
                     ? static_cast<double>(requests) / ((last_ms - first_ms) / 1000)
                     : 0;
  r.p50_ms = Percentile(latencies_ms, 0.50);
  r.p99_ms = Percentile(latencies_ms, 0.99);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("throughput and latency against pool size and cores");
  absl::ParseCommandLine(argc, argv);
  std::vector<int> cores;
  for (const std::string& a : absl::GetFlag(FLAGS_cores)) {
    int c = 0;
    if (!absl::SimpleAtoi(a, &c) || c < 1 || c > 1024) {
      std::cerr << "pool_sizing: --cores takes numbers in [1, 1024], got \"" << a << "\"\n";
      return 2;
    }
    cores.push_back(c);
  }
  const int max_pool = absl::GetFlag(FLAGS_max_pool_size);
  const int requests = absl::GetFlag(FLAGS_requests);
  const double interval = absl::GetFlag(FLAGS_interval_ms);
  const double read_ms = absl::GetFlag(FLAGS_read_ms), hash_ms = absl::GetFlag(FLAGS_hash_ms);
  if (cores.empty() || max_pool < 1 || max_pool > 1024 || requests < 1 || requests > 100000 ||
      !(interval >= 0.001 && interval <= 1e6) || !(read_ms >= 0 && read_ms <= 1e6) ||
      !(hash_ms >= 0 && hash_ms <= 1e6)) {
    std::cerr << "pool_sizing: flags out of range (--cores 1-1024 each, --max_pool_size "
                 "1-1024, --requests 1-100000, --interval_ms 0.001-1e6, --read_ms and "
                 "--hash_ms 0-1e6)\n";
    return 2;
  }
  const double rate = 1000 / interval;
  const std::vector<double> arrivals = Arrivals(requests, interval, absl::GetFlag(FLAGS_seed));
  std::cout << absl::StrFormat(
      "%d requests, at random (Poisson), one every %g ms on average (%g/s). Each reads\n"
      "a file (%g ms of disk on a pool thread), then hashes a password (%g ms of CPU on\n"
      "a pool thread). Latency is from arrival to the hash's callback, in virtual ms.\n"
      "Offered load: %g pool threads busy at the least (rate x (read + hash)), %g cores.\n\n",
      requests, interval, rate, read_ms, hash_ms, rate * (read_ms + hash_ms) / 1000,
      rate * hash_ms / 1000);
  std::string head1 = absl::StrFormat("%-6s", "pool");
  std::string head2 = absl::StrFormat("%-6s", "size");
  for (int c : cores) {
    absl::StrAppend(&head1, absl::StrFormat("%-30s", absl::StrCat(c, " core", c == 1 ? "" : "s")));
    absl::StrAppend(&head2, absl::StrFormat("%-8s%-10s%-12s", "req/s", "p50 ms", "p99 ms"));
  }
  auto trimmed = [](std::string s) {
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  std::cout << trimmed(head1) << "\n" << trimmed(head2) << "\n";
  std::vector<int> best(cores.size(), 0);
  std::vector<double> best_p99(cores.size(), 0);
  std::vector<std::vector<Result>> results(cores.size());
  for (int pool = 1; pool <= max_pool; ++pool) {
    std::string row = absl::StrFormat("%-6d", pool);
    for (size_t k = 0; k < cores.size(); ++k) {
      absl::StatusOr<Result> r = Run(cores[k], pool, arrivals, read_ms, hash_ms);
      if (!r.ok()) {
        std::cerr << "pool_sizing: " << r.status().message() << "\n";
        return 1;
      }
      absl::StrAppend(&row, absl::StrFormat("%-8.0f%-10.1f%-12.1f", r->throughput, r->p50_ms,
                                            r->p99_ms));
      results[k].push_back(*r);
    }
    std::cout << trimmed(row) << "\n";
  }
  // The smallest pool whose p99 is within 10% of the best any size reached.
  std::cout << "\n";
  for (size_t k = 0; k < cores.size(); ++k) {
    double min_p99 = results[k][0].p99_ms;
    for (const Result& r : results[k]) min_p99 = std::min(min_p99, r.p99_ms);
    int enough = 1;
    while (results[k][enough - 1].p99_ms > min_p99 * 1.1) ++enough;
    std::cout << absl::StrFormat(
        "%d core%s: a pool of %d is enough (p99 %.1f ms, within 10%% of the best, %.1f ms);\n"
        "  Node's default of 4 gives p99 %s.\n",
        cores[k], cores[k] == 1 ? "" : "s", enough, results[k][enough - 1].p99_ms, min_p99,
        max_pool >= 4 ? absl::StrFormat("%.1f ms", results[k][3].p99_ms) : "(not tried)");
  }
  std::cout << "\nA pool must cover the file reads' waits (threads that hold no core) and the\n"
               "hashes' cores; past that, a bigger pool only shares the same cores among more\n"
               "threads. Set UV_THREADPOOL_SIZE before the first pool task: Node reads it once.\n";
  return 0;
}
