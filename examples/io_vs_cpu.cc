// "Node does all I/O in the thread pool", checked with numbers: on a 2-core
// machine, N network requests all finish at their latency whatever N and the
// pool size, while N file reads and N password hashes queue for the pool.
//
//   ./bazelw run //examples:io_vs_cpu
//   ./bazelw run //examples:io_vs_cpu -- --requests=1,10,100 --pool_sizes=4,16
//
// Why: libuv waits for sockets on the loop thread itself (epoll, kqueue,
// IOCP), so a network request holds nothing while it waits; file system
// calls, dns.lookup and crypto have no such kernel interface in libuv, so
// each one occupies a pool thread (UV_THREADPOOL_SIZE, 4 by default) until it
// is done, and a hash also needs a core. Virtual time: the numbers are exact.
#include <algorithm>
#include <iostream>
#include <memory>
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

ABSL_FLAG(std::vector<std::string>, requests, std::vector<std::string>({"1", "4", "8", "16", "100"}),
          "numbers of concurrent requests, comma-separated (each 1-100000)");
ABSL_FLAG(std::vector<std::string>, pool_sizes, std::vector<std::string>({"4", "8"}),
          "pool sizes to compare, comma-separated (each 1-1024)");
ABSL_FLAG(int, cores, 2, "simulated CPU cores (1-1024)");
ABSL_FLAG(double, latency_ms, 50, "latency of each network request");
ABSL_FLAG(double, read_ms, 10, "disk time of each file read, on a pool thread");
ABSL_FLAG(double, hash_ms, 10, "CPU time of each hash, on a pool thread");

namespace {

enum class Op { kNetwork, kFileRead, kHash };

// Runs `n` requests of one kind at once; returns when the last one finished,
// in virtual ms.
absl::StatusOr<double> LastFinish(Op op, int n, int cores, int pool) {
  auto sim = platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get());
  double last_ms = 0;
  absl::Status failed;
  auto done = [&](absl::Status s) {
    if (!s.ok() && failed.ok()) failed = s;
    last_ms = std::max(last_ms, loop.HrTime()->millis());
  };
  absl::Status script = loop.RunScript([&] {
    for (int i = 0; i < n; ++i) {
      absl::Status s;
      if (op == Op::kNetwork) {
        s = loop.StartNetwork(base::Duration::MillisRounded(absl::GetFlag(FLAGS_latency_ms)), done)
                .status();
      } else {
        platform::PoolWork work;
        if (op == Op::kFileRead) {  // fs.readFile: a pool thread waits on the disk
          work.kind = platform::PoolWork::Kind::kFastIo;
          work.segments.push_back({platform::Segment::Kind::kWait,
                                   base::Duration::MillisRounded(absl::GetFlag(FLAGS_read_ms))});
        } else {  // crypto.pbkdf2: a pool thread computes
          work.segments.push_back({platform::Segment::Kind::kCpu,
                                   base::Duration::MillisRounded(absl::GetFlag(FLAGS_hash_ms))});
        }
        s = loop.QueueWork(std::move(work), done).status();
      }
      if (!s.ok()) throw std::runtime_error(std::string(s.message()));
    }
  });
  if (!script.ok()) return script;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  if (!failed.ok()) return failed;
  return last_ms;
}

absl::StatusOr<std::vector<int>> Counts(const char* flag, const std::vector<std::string>& args,
                                        int max) {
  std::vector<int> out;
  for (const std::string& a : args) {
    int n = 0;
    if (!absl::SimpleAtoi(a, &n) || n < 1 || n > max) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " takes numbers in [1, ", max, "], got \"", a, "\""));
    }
    out.push_back(n);
  }
  if (out.empty()) return absl::InvalidArgumentError(absl::StrCat("--", flag, " is empty"));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "network requests against file reads and hashes: which ones queue for the pool");
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<std::vector<int>> counts =
      Counts("requests", absl::GetFlag(FLAGS_requests), 100000);
  absl::StatusOr<std::vector<int>> pools = Counts("pool_sizes", absl::GetFlag(FLAGS_pool_sizes), 1024);
  const int cores = absl::GetFlag(FLAGS_cores);
  for (const absl::StatusOr<std::vector<int>>* c : {&counts, &pools}) {
    if (!c->ok()) {
      std::cerr << "io_vs_cpu: " << c->status().message() << "\n";
      return 2;
    }
  }
  if (cores < 1 || cores > 1024) {
    std::cerr << "io_vs_cpu: --cores must be in [1, 1024], got " << cores << "\n";
    return 2;
  }
  for (const char* flag : {"latency_ms", "read_ms", "hash_ms"}) {
    const double v = flag[0] == 'l'   ? absl::GetFlag(FLAGS_latency_ms)
                     : flag[0] == 'r' ? absl::GetFlag(FLAGS_read_ms)
                                      : absl::GetFlag(FLAGS_hash_ms);
    if (!(v >= 0 && v <= 1e6)) {
      std::cerr << "io_vs_cpu: --" << flag << " must be in [0, 1e6], got " << v << "\n";
      return 2;
    }
  }
  std::cout << absl::StrFormat(
      "A %d-core machine. N requests of one kind start at once; each cell is when the last\n"
      "one finished, in virtual ms. A network request waits %g ms for its reply; a file read\n"
      "holds a pool thread for %g ms of disk; a hash holds a pool thread for %g ms of CPU.\n\n",
      cores, absl::GetFlag(FLAGS_latency_ms), absl::GetFlag(FLAGS_read_ms),
      absl::GetFlag(FLAGS_hash_ms));
  std::string header = absl::StrFormat("%-8s", "");
  std::string sub = absl::StrFormat("%-8s", "N");
  for (int pool : *pools) {
    absl::StrAppend(&header, absl::StrFormat("%-30s", absl::StrCat("pool of ", pool)));
    absl::StrAppend(&sub, absl::StrFormat("%-9s%-11s%-10s", "network", "file read", "hash"));
  }
  auto trimmed = [](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    return line;
  };
  std::cout << trimmed(header) << "\n" << trimmed(sub) << "\n";
  for (int n : *counts) {
    std::string row = absl::StrFormat("%-8d", n);
    for (int pool : *pools) {
      for (Op op : {Op::kNetwork, Op::kFileRead, Op::kHash}) {
        absl::StatusOr<double> ms = LastFinish(op, n, cores, pool);
        if (!ms.ok()) {
          std::cerr << "io_vs_cpu: " << ms.status().message() << "\n";
          return 1;
        }
        absl::StrAppend(&row, absl::StrFormat(op == Op::kNetwork    ? "%-9g"
                                              : op == Op::kFileRead ? "%-11g"
                                                                    : "%-10g",
                                              *ms));
      }
    }
    std::cout << trimmed(row) << "\n";
  }
  std::cout << "\nNetwork requests never use the pool: libuv waits for sockets on the loop\n"
               "thread (epoll), so any number of them finish at their latency, whatever the\n"
               "pool size. File reads queue for the pool: ceil(N / pool) rounds of disk time.\n"
               "Hashes queue for the pool and then share the cores: a bigger pool lets more of\n"
               "them start, but the cores finish the same work no sooner.\n";
  return 0;
}
