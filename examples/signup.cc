// The scenario that defines twinloop, told in full on the simulated
// platform, and with --platform=real on this machine beside the
// simulation's prediction.
//
// A 2-core machine runs a pool of 4 threads. Each signup hashes a password
// (PBKDF2) costing 100 ms of CPU, so signups queue for pool threads and share
// cores; network requests hold no pool thread and all finish at their
// latency. For 1, 2, 4 and 6 concurrent signups it prints each request's
// queue wait, start and finish, an ASCII timeline per pool thread, and why
// the numbers are what they are. Everything runs in virtual time, so the
// numbers are exact and the program finishes at once.
//
//   ./bazelw run //examples:signup
//   ./bazelw run //examples:signup -- --requests=8 --cores=4
//   ./bazelw run //examples:signup -- --svg=signup.svg --trace_chrome=signup.json
//   ./bazelw run //examples:signup -- --platform=real
//
// --svg and --trace_chrome draw the last count of --requests (6 by default),
// simulated, or with --platform=real its last measured run: open the SVG in
// a browser, the trace in ui.perfetto.dev.
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
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/example_files.h"
#include "examples/pbkdf2_hasher.h"
#include "examples/real_signups.h"
#include "platform/real/cpu_affinity.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"
#include "timeline/ascii_timeline.h"
#include "timeline/timeline.h"

ABSL_FLAG(std::vector<std::string>, requests, std::vector<std::string>({"1", "2", "4", "6"}),
          "numbers of concurrent signups to run, comma-separated");
ABSL_FLAG(int, cores, 2, "CPU cores: simulated, or with --platform=real the CPUs the run is pinned to");
ABSL_FLAG(int, pool_size, 4, "thread pool size (1-1024)");
ABSL_FLAG(double, hash_ms, 100, "CPU cost of one password hash, in ms");
ABSL_FLAG(std::string, platform, "sim",
          "sim: virtual time, exact numbers; real: this machine, measured beside the prediction");
ABSL_FLAG(std::string, svg, "", "draw the last run of --requests as an SVG timeline in this file");
ABSL_FLAG(std::string, trace_chrome, "",
          "write the last run of --requests as a Chrome trace (ui.perfetto.dev) to this file");
ABSL_FLAG(int, runs, 5, "with --platform=real: runs per count of signups (1-100); the median is shown");
ABSL_FLAG(int, network_requests, 1000, "network requests for the last line (0-1000000)");
ABSL_FLAG(double, latency_ms, 50, "latency of each network request, in ms");

namespace {

constexpr int kMaxSignups = 100000;

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

std::string Ms(int64_t ns) { return absl::StrFormat("%.6g", static_cast<double>(ns) / 1e6); }

struct SignupRun {
  timeline::Timeline timeline;  // the pool tasks are the signups, in order
  std::string first_hash;
};

// `n` concurrent signups on a simulated machine, traced into a timeline.
absl::StatusOr<SignupRun> Signups(int n, int cores, int pool, double hash_ms) {
  timeline::TimelineBuilder trace(pool);
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool, .trace = &trace});
  if (!sim.ok()) return sim.status();
  SignupRun out;
  {
    runtime::Loop loop(sim->get());
    auto hashes = std::make_shared<std::vector<std::string>>(n);
    absl::Status failed;
    absl::Status script = loop.RunScript([&] {
      for (int i = 0; i < n; ++i) {
        platform::PoolWork work;
        work.segments.push_back(
            {platform::Segment::Kind::kCpu, base::Duration::MillisRounded(hash_ms)});
        work.body = [hashes, i] { (*hashes)[i] = HashPassword(absl::StrCat("password", i)); };
        absl::StatusOr<runtime::RequestId> id =
            loop.QueueWork(std::move(work), [&, i](absl::Status st) {
              if (!st.ok() && failed.ok()) failed = st;
              loop.Log(absl::StrCat("signup ", i + 1)).IgnoreError();
            });
        if (!id.ok()) throw std::runtime_error(std::string(id.status().message()));
      }
    });
    if (!script.ok()) return script;
    absl::StatusOr<bool> run = loop.Run();
    if (!run.ok()) return run.status();
    if (!failed.ok()) return failed;
    if (n > 0) out.first_hash = (*hashes)[0];
  }
  out.timeline = trace.Finish();
  return out;
}

// Finish times in ms, in finish order.
std::vector<double> FinishTimes(const timeline::Timeline& t) {
  std::vector<double> ms;
  for (const timeline::PoolTask& task : t.tasks) {
    ms.push_back(static_cast<double>(task.finish_ns) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

// Each signup's row: when it was queued, how long it waited for a pool
// thread, when it started and finished, and on which thread.
std::string Table(const timeline::Timeline& t) {
  std::string out = absl::StrFormat("  %-8s%-8s%-8s%-9s%-10s%s\n", "signup", "queued", "waited",
                                    "started", "finished", "thread");
  for (size_t i = 0; i < t.tasks.size(); ++i) {
    const timeline::PoolTask& task = t.tasks[i];
    absl::StrAppend(&out, absl::StrFormat("  %-8d%-8s%-8s%-9s%-10s%s\n", i + 1,
                                          Ms(task.enqueue_ns), Ms(task.queue_wait_ns()),
                                          Ms(task.start_ns), Ms(task.finish_ns),
                                          task.lane >= 0 ? t.lanes[task.lane] : "-"));
  }
  return out;
}

// One line on why the largest run's numbers are what they are, read from
// its timeline: how many hashes ran at once on how many cores, and who
// waited in the queue until when.
std::string Why(const timeline::Timeline& t, int cores, int pool, double hash_ms) {
  if (t.tasks.empty()) return "";
  int64_t first_finish = t.tasks[0].finish_ns;
  int at_once = 0, waited = 0, first_waiter = 0;
  int64_t wait_until = 0, last_finish = 0;
  for (size_t i = 0; i < t.tasks.size(); ++i) {
    const timeline::PoolTask& task = t.tasks[i];
    first_finish = std::min(first_finish, task.finish_ns);
    last_finish = std::max(last_finish, task.finish_ns);
    if (task.queue_wait_ns() == 0) {
      ++at_once;
    } else if (waited++ == 0) {
      first_waiter = static_cast<int>(i) + 1;
      wait_until = task.start_ns;
    }
  }
  std::string why = absl::StrCat("Why: ", t.tasks.size(), " signup",
                                 t.tasks.size() == 1 ? "" : "s", " on ", pool, " pool thread",
                                 pool == 1 ? "" : "s", " and ", cores, " core",
                                 cores == 1 ? "" : "s", ": ");
  if (at_once <= cores) {
    absl::StrAppend(&why, "the first ", at_once, " hash", at_once == 1 ? " has" : "es have",
                    " a core each and take", at_once == 1 ? "s " : " ", absl::StrFormat("%g", hash_ms),
                    " ms");
  } else {
    absl::StrAppend(&why, "the first ", at_once, " hashes share the cores, ",
                    absl::StrFormat("%g", static_cast<double>(at_once) / cores),
                    " to a core, so each takes ", Ms(first_finish), " ms");
  }
  if (waited > 0) {
    absl::StrAppend(&why, "; signup", waited == 1 ? " " : "s ", first_waiter,
                    waited == 1 ? "" : absl::StrCat("-", first_waiter + waited - 1),
                    " wait", waited == 1 ? "s" : "", " in the queue for a free pool thread until ",
                    Ms(wait_until), " ms and finish", waited == 1 ? "es" : "", " by ",
                    Ms(last_finish), " ms");
  }
  return why + ".\n";
}

absl::StatusOr<std::map<double, int>> NetworkRequests(int n, double latency_ms, int cores,
                                                      int pool) {
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
  for (const std::string& arg : absl::GetFlag(FLAGS_requests)) {
    int n = 0;
    if (!absl::SimpleAtoi(arg, &n) || n < 0 || n > kMaxSignups) {
      return absl::InvalidArgumentError(absl::StrCat("--requests takes counts in [0, ",
                                                     kMaxSignups, "], got \"", arg, "\""));
    }
    counts.push_back(n);
  }
  if (counts.empty()) return absl::InvalidArgumentError("--requests is empty");
  return counts;
}

std::string Column(const std::vector<double>& ms, size_t width) {
  std::string s;
  for (double v : ms) absl::StrAppend(&s, s.empty() ? "" : " ", absl::StrFormat("%.1f", v));
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// --platform=real: measured beside predicted.
int RunOnTheMachine(const std::vector<int>& counts, int cores, int pool, double hash_ms) {
  const int runs = absl::GetFlag(FLAGS_runs);
  if (runs < 1 || runs > 100) {
    std::cerr << "signup: --runs must be in [1, 100], got " << runs << "\n";
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
  timeline::TimelineBuilder picture(pool);
  for (size_t k = 0; k < counts.size(); ++k) {
    const int n = counts[k];
    absl::StatusOr<SignupRun> sim = Signups(n, cores, pool, cost_ms);
    if (!sim.ok()) {
      std::cerr << "signup: " << sim.status().message() << "\n";
      return 1;
    }
    const std::vector<double> predicted = FinishTimes(sim->timeline);
    std::vector<std::vector<double>> measured_runs;
    for (int r = 0; r < runs; ++r) {
      // The pictures show the last run of the last count.
      const bool drawn = k + 1 == counts.size() && r == runs - 1;
      absl::StatusOr<std::vector<double>> m =
          examples::RunRealSignups(n, pool, *hasher, drawn ? &picture : nullptr);
      if (!m.ok()) {
        std::cerr << "signup: " << m.status().message() << "\n";
        return 1;
      }
      measured_runs.push_back(*std::move(m));
    }
    const std::vector<double> measured = examples::MedianByRank(measured_runs);
    std::string error;
    for (size_t k = 0; k < measured.size() && k < predicted.size(); ++k) {
      const double e = (measured[k] - predicted[k]) / predicted[k] * 100;
      errors.push_back(std::abs(e));
      absl::StrAppend(&error, error.empty() ? "" : " ", absl::StrFormat("%+.0f%%", e));
    }
    std::cout << absl::StrFormat("%-9d", n) << Column(predicted, 42) << " "
              << Column(measured, 44) << " " << error << "\n";
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    std::cout << "\nmedian |error| " << absl::StrFormat("%.1f", errors[errors.size() / 2])
              << "%, worst " << absl::StrFormat("%.1f", errors.back())
              << "% (platform/real/FIDELITY.md explains where the errors come from)\n";
  }
  if (absl::Status s = examples::WritePictures(
          picture.Finish(),
          absl::StrCat(counts.back(), " signups on this machine: ", cores, " CPUs, a pool of ",
                       pool, ", PBKDF2 of ", absl::StrFormat("%.0f", cost_ms), " ms"),
          "ms", absl::GetFlag(FLAGS_svg), absl::GetFlag(FLAGS_trace_chrome));
      !s.ok()) {
    std::cerr << "signup: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

int RunSimulated(const std::vector<int>& counts, int cores, int pool, double hash_ms) {
  const int requests = absl::GetFlag(FLAGS_network_requests);
  const double latency = absl::GetFlag(FLAGS_latency_ms);
  if (requests < 0 || requests > 1000000 || !(latency >= 0 && latency <= 1e9)) {
    std::cerr << "signup: --network_requests must be in [0, 1000000] and --latency_ms in "
                 "[0, 1e9]\n";
    return 2;
  }
  std::cout << "A " << cores << "-core machine, a pool of " << pool
            << " threads; each signup hashes a password with " << absl::StrFormat("%g", hash_ms)
            << " ms of CPU.\nTimes are virtual ms since the signups were queued.\n";
  std::optional<SignupRun> last;
  for (int n : counts) {
    absl::StatusOr<SignupRun> run = Signups(n, cores, pool, hash_ms);
    if (!run.ok()) {
      std::cerr << "signup: " << run.status().message() << "\n";
      return 1;
    }
    const std::vector<double> done = FinishTimes(run->timeline);
    std::cout << "\n" << n << " signup" << (n == 1 ? "" : "s") << " at once";
    if (n > 0) std::cout << ": all done at " << absl::StrFormat("%g", done.back()) << " ms";
    std::cout << "\n";
    if (n > 0 && n <= 64) {
      std::cout << Table(run->timeline) << "\n"
                << timeline::AsciiTimeline(run->timeline, {.columns = 60});
    } else if (n > 64) {
      std::cout << "  (" << n << " rows: too many to show; try --svg)\n";
    }
    last = *std::move(run);
  }
  std::cout << "\n" << Why(last->timeline, cores, pool, hash_ms);
  if (!last->first_hash.empty()) {
    std::cout << "Each hash is real PBKDF2 (the first begins " << last->first_hash
              << "); what it costs in virtual time is the modelled " << absl::StrFormat("%g", hash_ms)
              << " ms.\n";
  }
  absl::StatusOr<std::map<double, int>> net = NetworkRequests(requests, latency, cores, pool);
  if (!net.ok()) {
    std::cerr << "signup: " << net.status().message() << "\n";
    return 1;
  }
  std::cout << "\n" << requests << " network requests of " << absl::StrFormat("%g", latency)
            << " ms at once:";
  for (const auto& [t, count] : *net) std::cout << " " << count << " finished at " << t << " ms;";
  std::cout << " none used a pool thread.\n";
  if (absl::Status s = examples::WritePictures(
          last->timeline,
          absl::StrCat(counts.back(), " signups: ", cores, " cores, a pool of ", pool, ", ",
                       absl::StrFormat("%g", hash_ms), " ms hashes"),
          "virtual ms", absl::GetFlag(FLAGS_svg), absl::GetFlag(FLAGS_trace_chrome));
      !s.ok()) {
    std::cerr << "signup: " << s.message() << "\n";
    return 1;
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
  if (pool < 1 || pool > 1024) {
    std::cerr << "signup: --pool_size must be in [1, 1024], got " << pool << "\n";
    return 2;
  }
  if (cores < 1 || cores > 1024) {
    std::cerr << "signup: --cores must be in [1, 1024], got " << cores << "\n";
    return 2;
  }
  const absl::StatusOr<std::vector<int>> counts = SignupCounts();
  if (!counts.ok()) {
    std::cerr << "signup: " << counts.status().message() << "\n";
    return 2;
  }
  const std::string platform = absl::GetFlag(FLAGS_platform);
  if (platform == "real") return RunOnTheMachine(*counts, cores, pool, hash_ms);
  if (platform != "sim") {
    std::cerr << "signup: --platform must be sim or real, got \"" << platform << "\"\n";
    return 2;
  }
  return RunSimulated(*counts, cores, pool, hash_ms);
}
