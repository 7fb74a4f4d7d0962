#include "platform/real/real_platform.h"

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"

namespace platform_real {

namespace {
// A TCP completion's time until Poll takes it.
constexpr base::Instant kUnstamped = base::Instant::Max();
const std::string kLoopThread = "loop";
const std::string kNetThread = "net";
}  // namespace

// Wakes the loop from any thread, and does nothing once the platform is
// gone (a thread may keep the Waker longer than the platform lives).
//
// Senders share the lock (uv_async_send is thread-safe and coalesces), so
// many threads waking at once do not queue behind one another; only Detach
// takes it alone.
class RealPlatform::AsyncWaker : public platform::Waker {
 public:
  explicit AsyncWaker(uv_async_t* async) : async_(async) {}
  void Wake() override {
    std::shared_lock<std::shared_mutex> lock(mu_);
    if (async_ != nullptr) uv_async_send(async_);
  }
  void Detach() {
    std::unique_lock<std::shared_mutex> lock(mu_);
    async_ = nullptr;
  }

 private:
  std::shared_mutex mu_;
  uv_async_t* async_;
};

struct RealPlatform::NetworkTimer {
  uv_timer_t timer;
  uint64_t token;
  RealPlatform* platform;
  base::Instant due;
};

namespace {

// libuv timers count whole milliseconds of a floored loop time, so one can
// fire up to a millisecond early by uv_hrtime; round the wait up.
uint64_t CeilMillis(base::Duration d) {
  return static_cast<uint64_t>((std::max<int64_t>(d.nanos(), 0) + 999'999) / 1'000'000);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RealPlatform>> RealPlatform::Create(RealConfig config) {
  // Node ignores SIGPIPE at startup (src/node.cc): a write to a closed
  // socket is then EPIPE, not the end of the process.
  static const bool sigpipe_ignored = [] {
    signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)sigpipe_ignored;
  if (config.pool_size < 1 || config.pool_size > kMaxPoolSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pool_size must be in [1, ", kMaxPoolSize, "], got ", config.pool_size));
  }
  std::unique_ptr<RealPlatform> p(new RealPlatform(config));
  absl::Status s = p->Init();
  if (!s.ok()) return s;
  return p;
}

RealPlatform::RealPlatform(RealConfig config) : config_(config) {}

absl::Status RealPlatform::Init() {
  if (int r = uv_loop_init(&uv_); r != 0) {
    return absl::InternalError(absl::StrCat("uv_loop_init: ", uv_strerror(r)));
  }
  uv_ready_ = true;
  origin_ns_ = uv_hrtime();
  // The async handle stays ref'd: it is what a Poll with no timeout waits
  // on, and what pool completions and the Waker signal.
  // The timer first: it cannot fail, and the destructor closes only the
  // handles that exist.
  uv_timer_init(&uv_, &poll_timer_);
  poll_timer_ready_ = true;
  async_.data = this;
  if (int r = uv_async_init(
          &uv_, &async_, [](uv_async_t* a) { static_cast<RealPlatform*>(a->data)->StopWaiting(); });
      r != 0) {
    return absl::InternalError(absl::StrCat("uv_async_init: ", uv_strerror(r)));
  }
  async_ready_ = true;
  tcp_ = std::make_unique<TcpStreams>(
      &uv_, [this](uint64_t token, absl::Status&& status, int64_t value, std::string&& data) {
        // On the loop thread, inside libuv or a submit: no lock and no
        // wakeup; Poll takes it before it returns, and stamps it then (one
        // clock read per poll, not one per chunk: it happened during that
        // poll's libuv pass).
        platform::Completion& c = loop_done_.emplace_back();
        c.token = token;
        c.status = std::move(status);
        c.result.value = value;
        c.result.data = std::move(data);
        c.time = kUnstamped;
        StopWaiting();
      });
  poll_timer_.data = this;
  waker_ = std::make_shared<AsyncWaker>(&async_);
  for (int i = 0; i < config_.pool_size; ++i) pool_thread_names_.push_back(absl::StrCat("pool-", i));
  pool_done_ = std::make_unique<PoolDone[]>(config_.pool_size);
  taken_.resize(config_.pool_size);
  pool_ = std::make_unique<ThreadPool>(
      config_.pool_size,
      PoolHooks{.on_start =
                    [this](int thread, uint64_t token) {
                      Trace(pool_thread_names_[thread],
                            platform::TraceEventKind::kPoolStart, token);
                    },
                .on_done =
                    [this](int thread, uint64_t token, absl::Status status,
                           base::Duration queue_wait,
                           std::chrono::steady_clock::time_point finished) {
                      Trace(pool_thread_names_[thread],
                            platform::TraceEventKind::kPoolFinish, token);
                      // steady_clock and uv_hrtime both read CLOCK_MONOTONIC.
                      const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             finished.time_since_epoch())
                                             .count();
                      Post(thread, token, std::move(status), queue_wait,
                           base::Instant::FromNanos(ns - static_cast<int64_t>(origin_ns_)));
                    }});
  return absl::OkStatus();
}

RealPlatform::~RealPlatform() {
  if (waker_ != nullptr) waker_->Detach();
  pool_.reset();  // joins the threads: no completion can be posted after this
  if (!uv_ready_) return;
  if (tcp_ != nullptr) tcp_->CloseAll();
  for (auto& [token, timer] : network_) CloseNetworkTimer(timer);
  network_.clear();
  if (async_ready_) uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  if (poll_timer_ready_) uv_close(reinterpret_cast<uv_handle_t*>(&poll_timer_), nullptr);
  uv_run(&uv_, UV_RUN_DEFAULT);  // runs the close callbacks
  tcp_.reset();
  const int r = uv_loop_close(&uv_);
  ABSL_RAW_CHECK(r == 0, "uv_loop_close: a libuv handle was left open");
}

base::Instant RealPlatform::Now() {
  if (fresh_read_ != kUnstamped) return std::exchange(fresh_read_, kUnstamped);
  return ReadClock();
}

base::Instant RealPlatform::ReadClock() const {
  // uv_hrtime's own clock (CLOCK_MONOTONIC, libuv's src/unix/linux.c), read
  // directly: the loop reads it twice per iteration, and libuv's wrapper
  // cost as much as the read.
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const uint64_t ns = static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
  return base::Instant::FromNanos(static_cast<int64_t>(ns - origin_ns_));
}

std::shared_ptr<platform::Waker> RealPlatform::waker() { return waker_; }

void RealPlatform::Trace(const std::string& thread, platform::TraceEventKind event,
                         uint64_t token) {
  if (config_.trace == nullptr) return;
  config_.trace->Record({.t_ns = ReadClock().nanos(),
                         .thread = thread,
                         .event = event,
                         .id = static_cast<int64_t>(token)});
}

void RealPlatform::PostOnLoop(uint64_t token, absl::Status status) {
  platform::Completion& c = loop_done_.emplace_back();
  c.token = token;
  c.status = std::move(status);
  c.time = ReadClock();
  StopWaiting();
}

void RealPlatform::Post(int thread, uint64_t token, absl::Status status, base::Duration queue_wait,
                        base::Instant at) {
  PoolDone& mine = pool_done_[thread];
  {
    std::lock_guard<std::mutex> lock(mine.mu);
    platform::Completion& c = mine.done.emplace_back();
    c.token = token;
    c.status = std::move(status);
    c.time = at;
    c.queue_wait = queue_wait;
  }
  // After the append: a Poll that clears the flags then takes the list.
  mine.waiting.store(true, std::memory_order_release);
  done_waiting_.store(true, std::memory_order_release);
  uv_async_send(&async_);
}

void RealPlatform::TakePoolDone(std::vector<platform::Completion>* out) {
  // Cleared before the lists are read: a completion posted meanwhile is
  // either taken now or sets the flag again for the next poll.
  if (!done_waiting_.exchange(false, std::memory_order_acq_rel)) return;
  for (int t = 0; t < config_.pool_size; ++t) {
    PoolDone& d = pool_done_[t];
    if (!d.waiting.exchange(false, std::memory_order_acq_rel)) continue;
    std::lock_guard<std::mutex> lock(d.mu);
    taken_[t].swap(d.done);
  }
  finish_order_.Merge(taken_, out);
}

absl::Status RealPlatform::Poll(base::Duration timeout, std::vector<platform::Completion>* out) {
  ForgetRead();
  stamp_read_ = kUnstamped;
  const size_t before = out->size();
  const absl::Status s = PollOnce(timeout, out);
  if (!io_.empty()) {
    for (size_t i = before; i < out->size(); ++i) {
      platform::Completion& c = (*out)[i];
      auto it = io_.find(c.token);
      if (it == io_.end()) continue;
      // A body that threw keeps its INTERNAL status.
      if (c.status.ok()) {
        c.status = std::move(it->second->status);
        c.result.value = it->second->value;
        c.result.data = std::move(it->second->data);
      }
      io_.erase(it);
    }
  }
  fresh_read_ = stamp_read_;
  return s;
}

absl::Status RealPlatform::PollOnce(base::Duration timeout,
                                    std::vector<platform::Completion>* out) {
  auto take = [&] {
    // Most polls of a busy loop find nothing: they skip the lock. A
    // completion posted just after this read is taken by the next poll; one
    // posted before a blocking poll's wakeup is seen (the wakeup orders it).
    // The pool threads' first, then what the loop thread made (sockets,
    // network timers, cancellations) in the order it happened: libuv's
    // order between the two is epoll's, where its async handle is one
    // descriptor among the sockets.
    if (done_waiting_.load(std::memory_order_acquire)) TakePoolDone(out);
    if (!loop_done_.empty()) {
      base::Instant now = kUnstamped;
      for (platform::Completion& c : loop_done_) {
        if (c.time == kUnstamped) {
          if (now == kUnstamped) now = stamp_read_ = ReadClock();
          c.time = now;
        }
      }
      // Usually nothing came from the pool: the two vectors trade buffers
      // instead of moving each completion.
      if (out->empty()) {
        out->swap(loop_done_);
      } else {
        for (platform::Completion& c : loop_done_) out->push_back(std::move(c));
      }
      loop_done_.clear();
    }
  };
  take();
  if (!out->empty() || timeout <= base::Duration::Zero()) {
    // Let due network timers fire, without waiting. With no network timer
    // running or closing, libuv has nothing to do but an epoll_wait of zero
    // (the pool's completions are already in done_; a Waker's signal only
    // matters to a poll that blocks, and the next one will see it), so the
    // system call is skipped: an idle handle or a chain of immediates spins
    // the loop without entering the kernel (libuv makes the call on every
    // iteration, as its loop always watches its own async descriptor).
    if (!network_.empty() || closing_network_timers_ > 0 || tcp_->active()) {
      stamp_read_ = kUnstamped;  // time passes in libuv: a stamp before it is stale
      uv_run(&uv_, UV_RUN_NOWAIT);
      take();
    }
    return absl::OkStatus();
  }
  const bool forever = timeout == platform::kWaitForever;
  // A wait with no deadline reads no clock (the ping-pong benchmark polls
  // forever once per message).
  const base::Instant deadline = forever ? base::Instant::Max() : ReadClock() + timeout;
  for (;;) {
    poll_timed_out_ = false;
    if (!forever) {
      uv_update_time(&uv_);  // libuv's time is stale after callbacks ran
      // uv_stop as well: libuv runs due timers at the start of uv_run and
      // then polls with the timers left, so a poll timer that came due just
      // before (a millisecond boundary passed since uv_update_time) would
      // fire first and leave the poll waiting with no timeout at all. A
      // stopped loop polls without waiting (uv_backend_timeout is 0).
      uv_timer_start(
          &poll_timer_,
          [](uv_timer_t* h) {
            static_cast<RealPlatform*>(h->data)->poll_timed_out_ = true;
            uv_stop(h->loop);
          },
          CeilMillis(deadline - ReadClock()), 0);
    }
    // libuv runs until a completion was made, the Waker woke it, or the poll
    // timer ran out: each of those calls uv_stop. UV_RUN_DEFAULT rather than
    // UV_RUN_ONCE, which reads the clock a third time (and runs the timers
    // again) at the end of its pass: one clock read less per blocking poll,
    // which a TCP ping-pong makes once per message. A pass that made nothing
    // (a read that found EAGAIN) goes on waiting, where UV_RUN_ONCE returned
    // empty-handed.
    waiting_ = true;
    stamp_read_ = kUnstamped;
    uv_run(&uv_, UV_RUN_DEFAULT);
    waiting_ = false;
    if (!forever) uv_timer_stop(&poll_timer_);
    take();
    // Never return before the deadline for nothing: libuv's millisecond
    // clock can run up to a millisecond ahead of uv_hrtime.
    if (!out->empty() || !poll_timed_out_ || ReadClock() >= deadline) return absl::OkStatus();
  }
}

void RealPlatform::SubmitWork(uint64_t token, platform::PoolWork&& work) {
  ForgetRead();
  Trace(kLoopThread, platform::TraceEventKind::kPoolEnqueue, token);
  pool_->Submit(token, std::move(work));
}

void RealPlatform::SubmitIo(uint64_t token, platform::PoolIo io) {
  ForgetRead();
  auto outcome = std::make_shared<IoOutcome>();
  platform::PoolWork work;
  work.kind = platform::IsSlowIo(io) ? platform::PoolWork::Kind::kSlowIo
                                     : platform::PoolWork::Kind::kFastIo;
  work.body = [outcome, io = std::move(io)] { *outcome = RunPosixIo(io); };
  io_[token] = std::move(outcome);
  SubmitWork(token, std::move(work));
}

void RealPlatform::SubmitNet(uint64_t token, platform::NetOp&& op) {
  ForgetRead();
  tcp_->Submit(token, std::move(op));
}

void RealPlatform::CloseNetworkTimer(NetworkTimer* timer) {
  uv_timer_stop(&timer->timer);
  ++closing_network_timers_;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer->timer), [](uv_handle_t* h) {
    auto* t = reinterpret_cast<NetworkTimer*>(h);
    --t->platform->closing_network_timers_;
    delete t;
  });
}

void RealPlatform::StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) {
  ForgetRead();
  auto* t = new NetworkTimer{.token = token, .platform = this};
  t->due = ReadClock() + std::max(trip.nominal_latency, base::Duration::Zero());
  uv_timer_init(&uv_, &t->timer);
  StartNetworkTimer(t);
  network_[token] = t;
}

void RealPlatform::StartNetworkTimer(NetworkTimer* t) {
  uv_update_time(&uv_);  // from now, not from the last poll
  uv_timer_start(
      &t->timer,
      [](uv_timer_t* h) {
        auto* t = reinterpret_cast<NetworkTimer*>(h);
        RealPlatform* self = t->platform;
        if (self->ReadClock() < t->due) {  // libuv's millisecond clock ran ahead
          self->StartNetworkTimer(t);
          return;
        }
        self->network_.erase(t->token);
        self->Trace(kNetThread, platform::TraceEventKind::kIoComplete, t->token);
        self->PostOnLoop(t->token, absl::OkStatus());
        self->CloseNetworkTimer(t);
      },
      CeilMillis(t->due - ReadClock()), 0);
}

absl::Status RealPlatform::Cancel(uint64_t token) {
  ForgetRead();
  if (absl::Status s = tcp_->Cancel(token); !absl::IsNotFound(s)) return s;
  if (auto it = network_.find(token); it != network_.end()) {
    CloseNetworkTimer(it->second);
    network_.erase(it);
    Trace(kNetThread, platform::TraceEventKind::kIoCancel, token);
    PostOnLoop(token, absl::CancelledError("network round trip cancelled"));
    return absl::OkStatus();
  }
  absl::Status s = pool_->Cancel(token);
  if (!s.ok()) return s;
  io_.erase(token);
  Trace(kLoopThread, platform::TraceEventKind::kPoolCancel, token);
  PostOnLoop(token, absl::CancelledError("work cancelled before it started"));
  return absl::OkStatus();
}

absl::StatusOr<base::Instant> RealPlatform::ConsumeCpu(base::Duration duration) {
  ForgetRead();
  if (duration > base::Duration::Zero()) SpinThreadCpu(duration, [] { return false; });
  return ReadClock();
}

}  // namespace platform_real
