// The scenario that defines twinloop, on the simulated platform, and with
// --platform=real on this machine beside the simulation's prediction.
//
// A 2-core machine runs a pool of 4 threads. Each signup hashes a password
// (PBKDF2) costing 100 ms of CPU, so signups queue for pool threads and share
// cores; network requests hold no pool thread and all finish at their
// latency. Everything runs in virtual time, so the numbers are exact and the
// program finishes at once.
//
//   ./bazelw run //examples:signup
//   ./bazelw run //examples:signup -- --signups=8 --cores=4
//   ./bazelw run //examples:signup -- --platform=real
//
// With --platform=real the hash is real PBKDF2-HMAC-SHA512, its iteration
// count calibrated so that one costs about --hash_ms of CPU here; the run's
// threads are pinned to --cores CPUs and the pool has --pool_size real
// threads. Each count of signups runs --runs times; the median finish times
// are printed beside what the simulator predicts for the calibrated cost.
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "examples/pbkdf2_hasher.h"
#include "examples/real_signups.h"
#include "platform/real/cpu_affinity.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

ABSL_FLAG(std::string, platform, "sim",
          "sim: virtual time, exact numbers; real: this machine, measured beside the prediction");
ABSL_FLAG(int, runs, 5, "with --platform=real: runs per count of signups (1-100); the median is shown");
ABSL_FLAG(int, cores, 2, "CPU cores: simulated, or with --platform=real the CPUs the run is pinned to");
ABSL_FLAG(int, pool_size, 4, "thread pool size (1-1024)");
ABSL_FLAG(double, hash_ms, 100, "CPU cost of one password hash, in ms");
ABSL_FLAG(std::vector<std::string>, signups, std::vector<std::string>({"1", "2", "4", "6"}),
          "numbers of concurrent signups to try, comma-separated");
ABSL_FLAG(int, requests, 1000, "network requests for the last run");
ABSL_FLAG(double, latency_ms, 50, "latency of each network request, in ms");

namespace {

// PBKDF2-HMAC-SHA256 of a password. On the simulated platform this runs for
// real on the pool "thread", but what it costs in virtual time is the
// task's cpu segment, so the demo's numbers do not depend on this machine.
std::string HashPassword(const std::string& password) {
  unsigned char out[32];
  const std::string salt = "twinloop-demo-salt";
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), 1000, EVP_sha256(), sizeof out, out);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", out[0], out[1], out[2], out[3]);
  return hex;
}


// Runs `n` concurrent signups; returns each one's finish time in ms.
absl::StatusOr<std::vector<double>> Signups(int n, int cores, int pool, double hash_ms,
                                            std::string* first_hash) {
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get());
  std::vector<double> done;
  auto hashes = std::make_shared<std::vector<std::string>>(n);
  absl::Status script = loop.RunScript([&] {
    for (int i = 0; i < n; ++i) {
      platform::PoolWork work;
      work.segments.push_back(
          {platform::Segment::Kind::kCpu, base::Duration::MillisRounded(hash_ms)});
      work.body = [hashes, i] { (*hashes)[i] = HashPassword(absl::StrCat("password", i)); };
      absl::Status s = loop.QueueWork(std::move(work), [&](absl::Status st) {
                             if (!st.ok()) throw std::runtime_error(st.ToString());
                             done.push_back(loop.HrTime()->millis());
                           }).status();
      if (!s.ok()) throw std::runtime_error(s.ToString());
    }
  });
  if (!script.ok()) return script;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  if (n > 0) *first_hash = (*hashes)[0];
  return done;
}

absl::StatusOr<std::map<double, int>> Requests(int n, double latency_ms, int cores, int pool) {
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get());
  std::map<double, int> finished_at;
  absl::Status script = loop.RunScript([&] {
    for (int i = 0; i < n; ++i) {
      auto id = loop.StartNetwork(base::Duration::MillisRounded(latency_ms), [&](absl::Status) {
        ++finished_at[loop.HrTime()->millis()];
      });
      if (!id.ok()) throw std::runtime_error(id.status().ToString());
    }
  });
  if (!script.ok()) return script;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  return finished_at;
}

absl::StatusOr<std::vector<int>> SignupCounts() {
  std::vector<int> counts;
  for (const std::string& arg : absl::GetFlag(FLAGS_signups)) {
    int n = 0;
    if (!absl::SimpleAtoi(arg, &n) || n < 0 || n > 100000) {
      return absl::InvalidArgumentError(
          absl::StrCat("--signups takes counts in [0, 100000], got \"", arg, "\""));
    }
    counts.push_back(n);
  }
  return counts;
}

std::string Column(const std::vector<double>& ms, size_t width) {
  std::string s;
  for (double v : ms) absl::StrAppend(&s, s.empty() ? "" : " ", absl::StrFormat("%.1f", v));
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// --platform=real: measured beside predicted.
int RunOnTheMachine(int cores, int pool, double hash_ms) {
  const int runs = absl::GetFlag(FLAGS_runs);
  if (runs < 1 || runs > 100) {
    std::cerr << "signup: --runs must be in [1, 100], got " << runs << "\n";
    return 2;
  }
  if (pool < 1 || pool > 1024) {
    std::cerr << "signup: --pool_size must be in [1, 1024], got " << pool << "\n";
    return 2;
  }
  absl::StatusOr<std::vector<int>> counts = SignupCounts();
  if (!counts.ok()) {
    std::cerr << "signup: " << counts.status().message() << "\n";
    return 2;
  }
  // Before any thread starts: the pool's threads inherit the mask.
  if (absl::Status s = platform_real::PinToCpus(cores); !s.ok()) {
    std::cerr << "signup: --cores: " << s.message() << "\n";
    return 2;
  }
  absl::StatusOr<examples::Pbkdf2Hasher> hasher =
      examples::Pbkdf2Hasher::Calibrate(base::Duration::MillisRounded(hash_ms));
  if (!hasher.ok()) {
    std::cerr << "signup: --hash_ms: " << hasher.status().message() << "\n";
    return 2;
  }
  const double cost_ms = hasher->cost().millis();
  std::cout << "This machine, pinned to " << cores << " CPU" << (cores == 1 ? "" : "s")
            << ", a pool of " << pool << " real threads; PBKDF2-HMAC-SHA512 with "
            << hasher->iterations() << " iterations costs " << absl::StrFormat("%.1f", cost_ms)
            << " ms of CPU here.\n";
  std::cout << "Finish times in ms since the signups were queued; measured is the median of "
            << runs << " runs.\n\n";
  std::cout << absl::StrFormat("%-9s%-43s%-45s%s\n", "signups", "predicted (simulated)", "measured",
                               "error");
  std::vector<double> errors;
  for (int n : *counts) {
    std::string unused;
    absl::StatusOr<std::vector<double>> predicted = Signups(n, cores, pool, cost_ms, &unused);
    if (!predicted.ok()) {
      std::cerr << "signup: " << predicted.status().message() << "\n";
      return 1;
    }
    std::vector<std::vector<double>> measured_runs;
    for (int r = 0; r < runs; ++r) {
      absl::StatusOr<std::vector<double>> m = examples::RunRealSignups(n, pool, *hasher);
      if (!m.ok()) {
        std::cerr << "signup: " << m.status().message() << "\n";
        return 1;
      }
      measured_runs.push_back(*std::move(m));
    }
    const std::vector<double> measured = examples::MedianByRank(measured_runs);
    std::string error;
    for (size_t k = 0; k < measured.size() && k < predicted->size(); ++k) {
      const double e = (measured[k] - (*predicted)[k]) / (*predicted)[k] * 100;
      errors.push_back(std::abs(e));
      absl::StrAppend(&error, error.empty() ? "" : " ", absl::StrFormat("%+.0f%%", e));
    }
    std::cout << absl::StrCat(n) << std::string(9 - std::min<size_t>(8, absl::StrCat(n).size()), ' ')
              << Column(*predicted, 42) << " " << Column(measured, 44) << " " << error << "\n";
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    std::cout << "\nmedian |error| " << absl::StrFormat("%.1f", errors[errors.size() / 2])
              << "%, worst " << absl::StrFormat("%.1f", errors.back())
              << "% (platform/real/FIDELITY.md explains where the errors come from)\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("twinloop's defining scenario: password hashes on a small pool");
  absl::ParseCommandLine(argc, argv);
  const int cores = absl::GetFlag(FLAGS_cores);
  const int pool = absl::GetFlag(FLAGS_pool_size);
  const double hash_ms = absl::GetFlag(FLAGS_hash_ms);
  if (!(hash_ms >= 0 && hash_ms <= 1e9)) {
    std::cerr << "signup: --hash_ms must be in [0, 1e9], got " << hash_ms << "\n";
    return 2;
  }
  const std::string platform = absl::GetFlag(FLAGS_platform);
  if (platform == "real") return RunOnTheMachine(cores, pool, hash_ms);
  if (platform != "sim") {
    std::cerr << "signup: --platform must be sim or real, got \"" << platform << "\"\n";
    return 2;
  }
  const absl::StatusOr<std::vector<int>> counts = SignupCounts();
  if (!counts.ok()) {
    std::cerr << "signup: " << counts.status().message() << "\n";
    return 2;
  }
  std::cout << "A " << cores << "-core machine, a pool of " << pool
            << " threads; each signup hashes a password with " << hash_ms << " ms of CPU.\n\n";
  std::cout << "signups  finish times (virtual ms)\n";
  for (int n : *counts) {
    std::string hash;
    absl::StatusOr<std::vector<double>> done = Signups(n, cores, pool, hash_ms, &hash);
    if (!done.ok()) {
      std::cerr << "signup: " << done.status().message() << "\n";
      return 1;
    }
    std::cout << absl::StrCat(n) << std::string(9 - std::min<size_t>(8, absl::StrCat(n).size()), ' ')
              << absl::StrJoin(*done, " ") << (hash.empty() ? "" : "   (first hash " + hash + "…)")
              << "\n";
  }
  const int requests = absl::GetFlag(FLAGS_requests);
  const double latency = absl::GetFlag(FLAGS_latency_ms);
  if (requests < 0 || requests > 1000000 || !(latency >= 0 && latency <= 1e9)) {
    std::cerr << "signup: --requests must be in [0, 1000000] and --latency_ms in [0, 1e9]\n";
    return 2;
  }
  absl::StatusOr<std::map<double, int>> net = Requests(requests, latency, cores, pool);
  if (!net.ok()) {
    std::cerr << "signup: " << net.status().message() << "\n";
    return 1;
  }
  std::cout << "\n" << requests << " network requests of " << latency << " ms:";
  for (const auto& [t, count] : *net) std::cout << " " << count << " finished at " << t << " ms;";
  std::cout << " none used a pool thread.\n";
  return 0;
}
