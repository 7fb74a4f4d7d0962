#include "bench/bench_util.h"

#include <malloc.h>
#include <time.h>

#include <string>

#include "base/chunk_cache.h"

namespace bench {

bool Ok(benchmark::State& state, const absl::Status& s) {
  if (s.ok()) return true;
  state.SkipWithError(s.ToString().c_str());
  return false;
}

bool UvOk(benchmark::State& state, int rc, const char* what) {
  if (rc == 0) return true;
  state.SkipWithError((std::string(what) + ": " + uv_strerror(rc)).c_str());
  return false;
}

bool CountIs(benchmark::State& state, int64_t ran, int64_t want) {
  if (ran == want) return true;
  state.SkipWithError(("ran " + std::to_string(ran) + " callbacks, expected " +
                       std::to_string(want)).c_str());
  return false;
}

bool RunToEnd(benchmark::State& state, runtime::Loop& loop) {
  absl::StatusOr<bool> alive = loop.Run();
  if (!Ok(state, alive.status())) return false;
  if (*alive) {
    state.SkipWithError("twinloop: loop still alive after Run()");
    return false;
  }
  return true;
}

bool UvRunToEnd(benchmark::State& state, uv_loop_t* loop) {
  if (uv_run(loop, UV_RUN_DEFAULT) == 0) return true;
  state.SkipWithError("libuv: loop still alive after uv_run");
  return false;
}

UvLoop::UvLoop() : rc_(uv_loop_init(&loop_)) {}

UvLoop::~UvLoop() {
  if (rc_ != 0) return;
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

namespace {
double Seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

double ProcessCpuSeconds() { return Seconds(CLOCK_PROCESS_CPUTIME_ID); }
double ThreadCpuSeconds() { return Seconds(CLOCK_THREAD_CPUTIME_ID); }

int64_t HeapBytes() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd) -
         static_cast<int64_t>(base::CachedChunkBytes());
}

}  // namespace bench
