// The scenario that defines twinloop, on the simulated platform.
//
// A 2-core machine runs a pool of 4 threads. Each signup hashes a password
// (PBKDF2) costing 100 ms of CPU, so signups queue for pool threads and share
// cores; network requests hold no pool thread and all finish at their
// latency. Everything runs in virtual time, so the numbers are exact and the
// program finishes at once.
//
//   ./bazelw run //examples:signup
//   ./bazelw run //examples:signup -- --signups=8 --cores=4
#include <openssl/evp.h>

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
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

ABSL_FLAG(int, cores, 2, "simulated CPU cores (1-1024)");
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
  std::cout << "A " << cores << "-core machine, a pool of " << pool
            << " threads; each signup hashes a password with " << hash_ms << " ms of CPU.\n\n";
  std::cout << "signups  finish times (virtual ms)\n";
  for (const std::string& arg : absl::GetFlag(FLAGS_signups)) {
    int n = 0;
    if (!absl::SimpleAtoi(arg, &n) || n < 0 || n > 100000) {
      std::cerr << "signup: --signups takes counts in [0, 100000], got \"" << arg << "\"\n";
      return 2;
    }
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
