// What every benchmark binary here shares: error reporting that turns a
// failure into a skipped benchmark (never a fast wrong number), a loop on a
// platform, a raw libuv loop that cleans up after itself, running a loop to
// its end, and the process's CPU time and heap in use.
//
// Threading: call from the benchmark's thread.
#ifndef TWINLOOP_BENCH_BENCH_UTIL_H_
#define TWINLOOP_BENCH_BENCH_UTIL_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "platform/platform.h"
#include "runtime/loop.h"

namespace bench {

bool Ok(benchmark::State& state, const absl::Status& s);
bool UvOk(benchmark::State& state, int rc, const char* what);
bool CountIs(benchmark::State& state, int64_t ran, int64_t want);

// Runs the loop until nothing keeps it alive, as node does before exiting.
bool RunToEnd(benchmark::State& state, runtime::Loop& loop);
// Runs a libuv loop until nothing keeps it alive.
bool UvRunToEnd(benchmark::State& state, uv_loop_t* loop);

// A raw libuv loop. Declare handles before it: the destructor closes every
// handle still open, so they must still exist then.
class UvLoop {
 public:
  UvLoop();
  ~UvLoop();
  UvLoop(const UvLoop&) = delete;
  UvLoop& operator=(const UvLoop&) = delete;

  int init_status() const { return rc_; }
  uv_loop_t* get() { return &loop_; }

 private:
  uv_loop_t loop_;
  int rc_;
};

// A platform and a loop on it, as a benchmark owns them. The loop is
// heap-allocated because it cannot move; it goes before its platform.
struct LoopOn {
  std::unique_ptr<platform::Platform> platform;
  std::unique_ptr<runtime::Loop> loop;
};

// A loop on a freshly created platform, or the platform's error.
template <typename P>
absl::StatusOr<LoopOn> MakeLoopOn(absl::StatusOr<std::unique_ptr<P>> platform) {
  if (!platform.ok()) return platform.status();
  LoopOn t{std::move(*platform), nullptr};
  t.loop = std::make_unique<runtime::Loop>(t.platform.get());
  return t;
}

// The same, or nullopt after skipping the benchmark with the error.
template <typename P>
std::optional<LoopOn> NewLoopOn(benchmark::State& state,
                                absl::StatusOr<std::unique_ptr<P>> platform) {
  absl::StatusOr<LoopOn> t = MakeLoopOn(std::move(platform));
  if (!Ok(state, t.status())) return std::nullopt;
  return std::move(*t);
}

// CPU time of the whole process (every thread), in seconds.
double ProcessCpuSeconds();
// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds();
// Bytes the program holds from malloc now (glibc's mallinfo2: arena bytes
// in use plus mmapped blocks), less the free chunks this thread's chunk
// cache keeps for its next loop (base/chunk_cache.h). Unlike resident
// memory, it does not miss memory that an earlier repetition freed and this
// one reuses.
int64_t HeapBytes();

}  // namespace bench

#endif  // TWINLOOP_BENCH_BENCH_UTIL_H_
