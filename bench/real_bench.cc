// real_bench: twinloop's *real* platform next to raw libuv doing the same
// work, in one binary, so both sides of a pair share the machine's state.
// bench/compare.sh runs it and prints the ratios (twinloop throughput over
// libuv's; above 1 means twinloop is faster).
//
// Pairs (issue #12):
// - MillionTimers: after libuv's benchmark-million-timers: 1,000,000 timers
//   whose timeouts step by 1 ms every 1000 timers, all fired, then closed.
//   The time reported is the process's CPU time for start + dispatch +
//   close (the timeouts themselves take about a second of wall time that is
//   nobody's cost); counters give each part per timer and the heap bytes
//   held per pending timer (bench::HeapBytes).
// - LoopCount: empty loop iterations with an idle handle on both sides.
// - ImmediateChain: a setImmediate that queues the next one, N deep, against
//   the same chain on Node's libuv design (a check handle runs one queued
//   callback per iteration, an idle handle keeps poll from blocking).
// - QueueWorkRoundTrip: one pool round trip at a time (submit, the pool runs
//   an empty task, `after` runs on the loop), pool of 4 on both sides;
//   counters give p50/p99 submit-to-after latency.
// - QueueWorkBatch: N submitted at once, then run to the end.
//   Both pool pairs run twinloop's side on one loop kept for the process
//   (ProcessWidePoolLoop), as libuv's pool is process-wide.
// - Async: cross-thread wakeups as a ping-pong from 1 and 4 sender threads
//   (the platform's Waker and Poll against uv_async_send and uv_run).
// - PingPong: TCP round trips on loopback, after libuv's benchmark-ping-pongs:
//   a client sends 4 bytes, the server echoes them, the client sends again
//   when the 4 came back; one connection, N round trips.
// - NextTickMicrotask: N nextTicks and N microtasks drained after one
//   callback (there is no libuv counterpart; compare.sh holds it against
//   Node).
//
// Every benchmark checks that all its callbacks ran and skips with an error
// otherwise.
#include <uv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "base/chunk_cache.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "platform/real/real_platform.h"
#include "runtime/loop.h"

namespace {

using bench::CountIs;
using bench::Ok;
using bench::RunToEnd;
using bench::UvLoop;
using bench::UvOk;
using bench::UvRunToEnd;

constexpr int kPoolSize = 4;  // libuv's default, so both pools match

std::optional<bench::LoopOn> NewRealTwin(benchmark::State& state) {
  return bench::NewLoopOn(state, platform_real::RealPlatform::Create({.pool_size = kPoolSize}));
}

// --- MillionTimers ------------------------------------------------------------

constexpr int64_t kMillion = 1'000'000;

// Timeout of timer i: 1 ms more every 1000 timers, as benchmark-million-timers.
int64_t MillionTimeoutMs(int64_t i) { return 1 + i / 1000; }

struct MillionParts {
  double start_s = 0, dispatch_s = 0, close_s = 0;
  int64_t heap_bytes = 0;
};

void ReportMillion(benchmark::State& state, const MillionParts& p) {
  state.SetIterationTime(p.start_s + p.dispatch_s + p.close_s);
  state.counters["start_ns_per_timer"] = p.start_s * 1e9 / kMillion;
  state.counters["dispatch_ns_per_timer"] = p.dispatch_s * 1e9 / kMillion;
  state.counters["close_ns_per_timer"] = p.close_s * 1e9 / kMillion;
  state.counters["heap_bytes_per_timer"] = static_cast<double>(p.heap_bytes) / kMillion;
}

void BM_Twinloop_MillionTimers(benchmark::State& state) {
  for (auto _ : state) {
    // As libuv's side gets fresh memory for its timers on every repetition,
    // so does this one: not the previous loop's chunks, cached (none should
    // be: the close below releases them, timed).
    base::ReleaseCachedChunks();
    std::optional<bench::LoopOn> twin = NewRealTwin(state);
    if (!twin) return;
    runtime::Loop& loop = *twin->loop;
    int64_t fired = 0;
    MillionParts p;
    const int64_t heap0 = bench::HeapBytes();
    double t0 = bench::ProcessCpuSeconds();
    absl::Status script = loop.RunScript([&] {
      for (int64_t i = 0; i < kMillion; ++i) {
        absl::StatusOr<runtime::Timer> t =
            loop.SetTimeout([&fired] { ++fired; }, static_cast<double>(MillionTimeoutMs(i)));
        if (!t.ok()) throw std::runtime_error(std::string(t.status().message()));
      }
    });
    if (!Ok(state, script)) return;
    double t1 = bench::ProcessCpuSeconds();
    p.heap_bytes = bench::HeapBytes() - heap0;
    p.start_s = t1 - t0;
    if (!RunToEnd(state, loop) || !CountIs(state, fired, kMillion)) return;
    double t2 = bench::ProcessCpuSeconds();
    p.dispatch_s = t2 - t1;
    twin->loop.reset();  // the timers' memory goes with the loop
    // ... back to malloc, as libuv's timers.reset() does, not to the cache.
    base::ReleaseCachedChunks();
    p.close_s = bench::ProcessCpuSeconds() - t2;
    ReportMillion(state, p);
  }
}

void BM_Libuv_MillionTimers(benchmark::State& state) {
  for (auto _ : state) {
    int64_t fired = 0;
    MillionParts p;
    const int64_t heap0 = bench::HeapBytes();
    double t0 = bench::ProcessCpuSeconds();
    auto timers = std::make_unique<uv_timer_t[]>(kMillion);
    UvLoop uv;
    if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
    for (int64_t i = 0; i < kMillion; ++i) {
      uv_timer_init(uv.get(), &timers[i]);
      timers[i].data = &fired;
      uv_timer_start(
          &timers[i], [](uv_timer_t* t) { ++*static_cast<int64_t*>(t->data); },
          static_cast<uint64_t>(MillionTimeoutMs(i)), 0);
    }
    double t1 = bench::ProcessCpuSeconds();
    p.heap_bytes = bench::HeapBytes() - heap0;
    p.start_s = t1 - t0;
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, fired, kMillion)) return;
    double t2 = bench::ProcessCpuSeconds();
    p.dispatch_s = t2 - t1;
    for (int64_t i = 0; i < kMillion; ++i) uv_close(reinterpret_cast<uv_handle_t*>(&timers[i]), nullptr);
    uv_run(uv.get(), UV_RUN_DEFAULT);
    timers.reset();
    p.close_s = bench::ProcessCpuSeconds() - t2;
    ReportMillion(state, p);
  }
}

// --- LoopCount ------------------------------------------------------------------

constexpr int64_t kIterations = 200'000;

void BM_Twinloop_LoopCount(benchmark::State& state) {
  std::optional<bench::LoopOn> twin = NewRealTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  absl::StatusOr<runtime::HandleId> idle = loop.NewHandle(runtime::HandleType::kIdle);
  if (!Ok(state, idle.status())) return;
  int64_t count = 0;
  for (auto _ : state) {
    count = 0;
    if (!Ok(state, loop.StartHandle(*idle, [&] {
          if (++count == kIterations) loop.StopHandle(*idle).IgnoreError();
        }))) {
      return;
    }
    if (!RunToEnd(state, loop) || !CountIs(state, count, kIterations)) return;
  }
  state.SetItemsProcessed(state.iterations() * kIterations);
}

void BM_Libuv_LoopCount(benchmark::State& state) {
  struct Ctx {
    int64_t count = 0;
  } ctx;
  uv_idle_t idle;
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  uv_idle_init(uv.get(), &idle);
  idle.data = &ctx;
  for (auto _ : state) {
    ctx.count = 0;
    uv_idle_start(&idle, [](uv_idle_t* h) {
      if (++static_cast<Ctx*>(h->data)->count == kIterations) uv_idle_stop(h);
    });
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ctx.count, kIterations)) return;
  }
  state.SetItemsProcessed(state.iterations() * kIterations);
}

// --- ImmediateChain ------------------------------------------------------------

void BM_Twinloop_ImmediateChain(benchmark::State& state) {
  std::optional<bench::LoopOn> twin = NewRealTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t ran = 0;
  // Each link is a lambda holding a reference, as C++ code would write it
  // (it fits AnyInvocable's inline storage; a copied std::function would
  // not, and would cost an allocation per link that is the benchmark's own).
  std::function<void()> next = [&] {
    if (++ran < kIterations) loop.SetImmediate([&next] { next(); }).IgnoreError();
  };
  for (auto _ : state) {
    ran = 0;
    if (!Ok(state, loop.SetImmediate([&next] { next(); }).status())) return;
    if (!RunToEnd(state, loop) || !CountIs(state, ran, kIterations)) return;
  }
  state.SetItemsProcessed(state.iterations() * kIterations);
}

// Node's setImmediate on libuv: a check handle runs the immediates queued
// before the phase began; an idle handle, active while any are queued,
// makes poll return at once. Here the queue holds a count of one link.
void BM_Libuv_ImmediateChain(benchmark::State& state) {
  struct Ctx {
    int64_t ran = 0;
    int64_t queued = 0;
    uv_idle_t idle;
  } ctx;
  uv_check_t check;
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  uv_check_init(uv.get(), &check);
  uv_idle_init(uv.get(), &ctx.idle);
  check.data = &ctx;
  for (auto _ : state) {
    ctx.ran = 0;
    ctx.queued = 1;
    uv_idle_start(&ctx.idle, [](uv_idle_t*) {});
    uv_check_start(&check, [](uv_check_t* h) {
      Ctx& c = *static_cast<Ctx*>(h->data);
      for (int64_t n = std::exchange(c.queued, 0); n > 0; --n) {
        if (++c.ran < kIterations) ++c.queued;  // the callback queues the next
      }
      if (c.queued == 0) {
        uv_idle_stop(&c.idle);
        uv_check_stop(h);
      }
    });
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ctx.ran, kIterations)) return;
  }
  state.SetItemsProcessed(state.iterations() * kIterations);
}

// --- QueueWork ------------------------------------------------------------------

constexpr int64_t kRoundTrips = 20'000;

void ReportLatency(benchmark::State& state, std::vector<double>& latency_us) {
  std::sort(latency_us.begin(), latency_us.end());
  if (latency_us.empty()) return;
  state.counters["p50_us"] = latency_us[latency_us.size() / 2];
  state.counters["p99_us"] = latency_us[latency_us.size() * 99 / 100];
}

double NowUs() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The pool pairs' loop on the real platform, made once per process. libuv
// starts its pool once per process (init_once in src/threadpool.c) and its
// threads live on between repetitions; a platform made per repetition
// started four threads inside every repetition's timing, on cores the
// scheduler had no wakeup history for. Pool round trips read 0.57-0.92x
// that way, and 1.05-1.13x in the same alternation with the loop kept (15
// interleaved repetitions per process; bench/RESULTS.md).
runtime::Loop* ProcessWidePoolLoop(benchmark::State& state) {
  static absl::StatusOr<bench::LoopOn> kept =
      bench::MakeLoopOn(platform_real::RealPlatform::Create({.pool_size = kPoolSize}));
  if (!Ok(state, kept.status())) return nullptr;
  return kept->loop.get();
}

void BM_Twinloop_QueueWorkRoundTrip(benchmark::State& state) {
  runtime::Loop* pool_loop = ProcessWidePoolLoop(state);
  if (pool_loop == nullptr) return;
  runtime::Loop& loop = *pool_loop;
  std::vector<double> latency_us;
  latency_us.reserve(kRoundTrips * 8);
  int64_t done = 0;
  double submitted_at = 0;
  std::function<void()> submit = [&] {
    submitted_at = NowUs();
    loop.QueueWork(platform::PoolWork{}, [&](absl::Status s) {
          if (!s.ok()) return;
          latency_us.push_back(NowUs() - submitted_at);
          if (++done < kRoundTrips) submit();
        }).IgnoreError();
  };
  for (auto _ : state) {
    done = 0;
    if (!Ok(state, loop.RunScript([&] { submit(); }))) return;
    if (!RunToEnd(state, loop) || !CountIs(state, done, kRoundTrips)) return;
  }
  state.SetItemsProcessed(state.iterations() * kRoundTrips);
  ReportLatency(state, latency_us);
}

struct UvRoundTrips {
  uv_work_t req;
  int64_t done = 0;
  double submitted_at = 0;
  std::vector<double> latency_us;
  uv_loop_t* loop = nullptr;
  void Submit() {
    submitted_at = NowUs();
    uv_queue_work(loop, &req, [](uv_work_t*) {}, [](uv_work_t* r, int status) {
      UvRoundTrips& self = *static_cast<UvRoundTrips*>(r->data);
      if (status != 0) return;
      self.latency_us.push_back(NowUs() - self.submitted_at);
      if (++self.done < kRoundTrips) self.Submit();
    });
  }
};

void BM_Libuv_QueueWorkRoundTrip(benchmark::State& state) {
  UvRoundTrips trips;
  trips.req.data = &trips;
  trips.latency_us.reserve(kRoundTrips * 8);
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  trips.loop = uv.get();
  for (auto _ : state) {
    trips.done = 0;
    trips.Submit();
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, trips.done, kRoundTrips)) return;
  }
  state.SetItemsProcessed(state.iterations() * kRoundTrips);
  ReportLatency(state, trips.latency_us);
}

constexpr int64_t kBatch = 10'000;

void BM_Twinloop_QueueWorkBatch(benchmark::State& state) {
  runtime::Loop* pool_loop = ProcessWidePoolLoop(state);
  if (pool_loop == nullptr) return;
  runtime::Loop& loop = *pool_loop;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    absl::Status script = loop.RunScript([&] {
      for (int64_t i = 0; i < kBatch; ++i) {
        loop.QueueWork(platform::PoolWork{}, [&ran](absl::Status s) { ran += s.ok(); })
            .IgnoreError();
      }
    });
    if (!Ok(state, script) || !RunToEnd(state, loop) || !CountIs(state, ran, kBatch)) return;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Libuv_QueueWorkBatch(benchmark::State& state) {
  int64_t ran = 0;
  std::vector<uv_work_t> reqs(kBatch);
  for (uv_work_t& r : reqs) r.data = &ran;
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  for (auto _ : state) {
    ran = 0;
    for (uv_work_t& r : reqs) {
      uv_queue_work(uv.get(), &r, [](uv_work_t*) {}, [](uv_work_t* r, int status) {
        *static_cast<int64_t*>(r->data) += status == 0;
      });
    }
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ran, kBatch)) return;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// --- Async ------------------------------------------------------------------------
//
// Cross-thread wakeups as a ping-pong, after libuv's benchmark-async: each of
// S sender threads sets its ping number and wakes the loop, then waits until
// the loop has acknowledged that number; the loop thread, woken, acknowledges
// every sender it sees ahead. Every counted wakeup is observed, so the number
// is wakeups per second, not how well sends coalesce. Both sides share the
// acknowledgement (C++20 atomic wait/notify); they differ only in the wake
// path: the platform's Waker and Poll against uv_async_send and uv_run.

constexpr int64_t kPings = 20'000;

struct PingSender {
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> acked{0};
};

// The loop side's work after each wakeup: acknowledge whoever is ahead.
void AckAll(std::vector<PingSender>& senders) {
  for (PingSender& s : senders) {
    const int64_t sent = s.sent.load(std::memory_order_acquire);
    if (s.acked.load(std::memory_order_relaxed) != sent) {
      s.acked.store(sent, std::memory_order_release);
      s.acked.notify_one();
    }
  }
}

// A sender: `pings` round trips through `wake`.
template <typename Wake>
void Ping(PingSender& me, int64_t pings, Wake wake) {
  for (int64_t i = 1; i <= pings; ++i) {
    me.sent.store(i, std::memory_order_release);
    wake();
    for (int64_t seen = me.acked.load(std::memory_order_acquire); seen < i;
         seen = me.acked.load(std::memory_order_acquire)) {
      me.acked.wait(seen, std::memory_order_acquire);
    }
  }
}

void BM_Twinloop_Async(benchmark::State& state) {
  const int senders = static_cast<int>(state.range(0));
  const int64_t per_sender = kPings / senders;
  auto real = platform_real::RealPlatform::Create({.pool_size = 1});
  if (!Ok(state, real.status())) return;
  std::shared_ptr<platform::Waker> waker = (*real)->waker();
  std::vector<platform::Completion> out;
  for (auto _ : state) {
    std::vector<PingSender> pingers(senders);
    std::atomic<int> finished{0};
    std::vector<std::thread> threads;
    for (int s = 0; s < senders; ++s) {
      threads.emplace_back([&, s] {
        Ping(pingers[s], per_sender, [&] { waker->Wake(); });
        finished.fetch_add(1);
        waker->Wake();
      });
    }
    while (finished.load() < senders) {
      if (!Ok(state, (*real)->Poll(base::Duration::Max(), &out))) return;
      AckAll(pingers);
    }
    for (std::thread& t : threads) t.join();
  }
  state.SetItemsProcessed(state.iterations() * per_sender * senders);
}

void BM_Libuv_Async(benchmark::State& state) {
  const int senders = static_cast<int>(state.range(0));
  const int64_t per_sender = kPings / senders;
  struct Ctx {
    std::vector<PingSender>* pingers = nullptr;
    std::atomic<int> finished{0};
    int senders = 0;
  } ctx;
  ctx.senders = senders;
  uv_async_t async;
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  for (auto _ : state) {
    std::vector<PingSender> pingers(senders);
    ctx.pingers = &pingers;
    ctx.finished = 0;
    async.data = &ctx;
    uv_async_init(uv.get(), &async, [](uv_async_t* h) {
      Ctx& c = *static_cast<Ctx*>(h->data);
      AckAll(*c.pingers);
      if (c.finished.load() == c.senders) uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
    });
    std::vector<std::thread> threads;
    for (int s = 0; s < senders; ++s) {
      threads.emplace_back([&, s] {
        Ping(pingers[s], per_sender, [&] { uv_async_send(&async); });
        ctx.finished.fetch_add(1);
        uv_async_send(&async);
      });
    }
    uv_run(uv.get(), UV_RUN_DEFAULT);
    for (std::thread& t : threads) t.join();
  }
  state.SetItemsProcessed(state.iterations() * per_sender * senders);
}

// --- NextTickMicrotask ---------------------------------------------------------

constexpr int64_t kTicks = 100'000;

void BM_Twinloop_NextTickMicrotask(benchmark::State& state) {
  std::optional<bench::LoopOn> twin = NewRealTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    absl::Status script = loop.RunScript([&] {
      for (int64_t i = 0; i < kTicks; ++i) {
        loop.NextTick([&ran] { ++ran; }).IgnoreError();
        loop.QueueMicrotask([&ran] { ++ran; }).IgnoreError();
      }
    });
    if (!Ok(state, script) || !CountIs(state, ran, 2 * kTicks)) return;
  }
  state.SetItemsProcessed(state.iterations() * 2 * kTicks);
}

// --- PingPong ---------------------------------------------------------------------

constexpr int64_t kRoundTripsTcp = 20'000;
constexpr char kPing[] = "ping";

void BM_Twinloop_PingPong(benchmark::State& state) {
  std::optional<bench::LoopOn> twin = NewRealTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t pongs = 0;
  for (auto _ : state) {
    pongs = 0;
    int64_t got = 0;
    runtime::ServerId server = 0;
    absl::Status script = loop.RunScript([&] {
      absl::StatusOr<runtime::ServerId> sv = loop.Listen(
          "127.0.0.1", 0,
          [&](runtime::SocketId s) {
            loop.OnData(s, [&loop, s](std::string b) { loop.Write(s, std::move(b)).IgnoreError(); })
                .IgnoreError();
          },
          [&](absl::Status st) {
            if (!st.ok()) return;
            absl::StatusOr<runtime::SocketId> c =
                loop.Connect("127.0.0.1", *loop.LocalPort(server), nullptr);
            if (!c.ok()) return;
            const runtime::SocketId id = *c;
            loop.OnData(id, [&, id](std::string b) {
              got += static_cast<int64_t>(b.size());
              while (got >= 4) {
                got -= 4;
                if (++pongs == kRoundTripsTcp) {
                  loop.End(id).IgnoreError();
                  loop.CloseServer(server).IgnoreError();
                  return;
                }
                loop.Write(id, kPing).IgnoreError();
              }
            }).IgnoreError();
            loop.Write(id, kPing).IgnoreError();
          });
      if (sv.ok()) server = *sv;
    });
    if (!Ok(state, script) || !RunToEnd(state, loop) || !CountIs(state, pongs, kRoundTripsTcp)) return;
  }
  state.SetItemsProcessed(state.iterations() * kRoundTripsTcp);
}

// The same exchange on raw libuv handles.
struct UvPingPong {
  uv_loop_t* loop = nullptr;
  uv_tcp_t server{}, client{}, accepted{};
  uv_connect_t connect{};
  int64_t pongs = 0;
  int64_t got = 0;
  char client_buf[64 * 1024];
  char server_buf[64 * 1024];

  struct Write {
    uv_write_t req;
    std::string data;
  };
  static void Send(uv_stream_t* to, std::string data) {
    auto* w = new Write{{}, std::move(data)};
    uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
    uv_write(&w->req, to, &buf, 1, [](uv_write_t* r, int) { delete reinterpret_cast<Write*>(r); });
  }
  void CloseAll() {
    for (uv_tcp_t* h : {&server, &client, &accepted}) {
      if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(h))) {
        uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
      }
    }
  }
  int Start() {
    uv_tcp_init(loop, &server);
    uv_tcp_init(loop, &client);
    uv_tcp_init(loop, &accepted);
    server.data = client.data = accepted.data = connect.data = this;
    sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    if (int r = uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&addr), 0)) return r;
    if (int r = uv_listen(reinterpret_cast<uv_stream_t*>(&server), 511, [](uv_stream_t* s, int) {
          auto* self = static_cast<UvPingPong*>(s->data);
          uv_accept(s, reinterpret_cast<uv_stream_t*>(&self->accepted));
          uv_read_start(
              reinterpret_cast<uv_stream_t*>(&self->accepted),
              [](uv_handle_t* h, size_t, uv_buf_t* b) {
                auto* self = static_cast<UvPingPong*>(h->data);
                *b = uv_buf_init(self->server_buf, sizeof self->server_buf);
              },
              [](uv_stream_t* st, ssize_t n, const uv_buf_t* b) {
                if (n > 0) Send(st, std::string(b->base, static_cast<size_t>(n)));
              });
        })) {
      return r;
    }
    sockaddr_storage bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&bound), &len);
    return uv_tcp_connect(&connect, &client, reinterpret_cast<const sockaddr*>(&bound),
                          [](uv_connect_t* c, int status) {
                            auto* self = static_cast<UvPingPong*>(c->data);
                            if (status != 0) {
                              self->CloseAll();
                              return;
                            }
                            uv_read_start(
                                c->handle,
                                [](uv_handle_t* h, size_t, uv_buf_t* b) {
                                  auto* self = static_cast<UvPingPong*>(h->data);
                                  *b = uv_buf_init(self->client_buf, sizeof self->client_buf);
                                },
                                [](uv_stream_t* st, ssize_t n, const uv_buf_t*) {
                                  auto* self = static_cast<UvPingPong*>(st->data);
                                  if (n <= 0) return;
                                  self->got += n;
                                  while (self->got >= 4) {
                                    self->got -= 4;
                                    if (++self->pongs == kRoundTripsTcp) {
                                      self->CloseAll();
                                      return;
                                    }
                                    Send(st, kPing);
                                  }
                                });
                            Send(c->handle, kPing);
                          });
  }
};

void BM_Libuv_PingPong(benchmark::State& state) {
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  int64_t pongs = 0;
  for (auto _ : state) {
    UvPingPong pp;
    pp.loop = uv.get();
    if (!UvOk(state, pp.Start(), "ping-pong setup")) {
      pp.CloseAll();
      UvRunToEnd(state, uv.get());
      return;
    }
    if (!UvRunToEnd(state, uv.get())) return;
    pongs = pp.pongs;
    if (!CountIs(state, pongs, kRoundTripsTcp)) return;
  }
  state.SetItemsProcessed(state.iterations() * kRoundTripsTcp);
}

void Million(benchmark::internal::Benchmark* b) {
  b->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
}
void Real(benchmark::internal::Benchmark* b) {
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Twinloop_MillionTimers)->Apply(Million);
BENCHMARK(BM_Libuv_MillionTimers)->Apply(Million);
BENCHMARK(BM_Twinloop_LoopCount)->Apply(Real);
BENCHMARK(BM_Libuv_LoopCount)->Apply(Real);
BENCHMARK(BM_Twinloop_ImmediateChain)->Apply(Real);
BENCHMARK(BM_Libuv_ImmediateChain)->Apply(Real);
BENCHMARK(BM_Twinloop_QueueWorkRoundTrip)->Apply(Real);
BENCHMARK(BM_Libuv_QueueWorkRoundTrip)->Apply(Real);
BENCHMARK(BM_Twinloop_QueueWorkBatch)->Apply(Real);
BENCHMARK(BM_Libuv_QueueWorkBatch)->Apply(Real);
BENCHMARK(BM_Twinloop_Async)->Arg(1)->Arg(4)->Apply(Real);
BENCHMARK(BM_Libuv_Async)->Arg(1)->Arg(4)->Apply(Real);
BENCHMARK(BM_Twinloop_NextTickMicrotask)->Apply(Real);
BENCHMARK(BM_Twinloop_PingPong)->Apply(Real);
BENCHMARK(BM_Libuv_PingPong)->Apply(Real);

}  // namespace
