#include "platform/real/thread_pool.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"

namespace platform_real {
namespace {

int64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

bool SpinThreadCpu(base::Duration duration, absl::FunctionRef<bool()> stop) {
  const int64_t start = ThreadCpuNanos();
  const int64_t want = duration.nanos();
  int64_t next_check = start + 1'000'000;
  for (;;) {
    const int64_t now = ThreadCpuNanos();
    if (now - start >= want) return true;
    if (now >= next_check) {
      if (stop()) return false;
      next_check = now + 1'000'000;
    }
  }
}

ThreadPool::ThreadPool(int size, PoolHooks hooks) : size_(size), hooks_(std::move(hooks)) {
  ABSL_RAW_CHECK(size >= 1 && size <= 1024, "pool size out of [1, 1024]");
  threads_.reserve(size);
  for (int i = 0; i < size; ++i) threads_.emplace_back([this, i] { Worker(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();  // dropped: never run, never reported
  }
  work_cv_.notify_all();
  stop_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::Submit(uint64_t token, platform::PoolWork work) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({token, std::move(work), std::chrono::steady_clock::now()});
    max_queued_ = std::max<int64_t>(max_queued_, static_cast<int64_t>(queue_.size()));
    // As libuv's post() (src/threadpool.c): signal only when a worker is
    // idle; a busy one takes the task when it finishes its own.
    wake = idle_ > 0;
  }
  if (wake) work_cv_.notify_one();
}

platform::PoolStats ThreadPool::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return {.queued = static_cast<int64_t>(queue_.size()),
          .busy = busy_,
          .max_queued = max_queued_,
          .max_busy = max_busy_};
}

absl::Status ThreadPool::Cancel(uint64_t token) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->token == token) {
      queue_.erase(it);
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("pool work ", token, " already started or finished"));
}

std::deque<ThreadPool::Task>::iterator ThreadPool::NextEligible() {
  return platform::NextEligibleWork(queue_, slow_running_, size());
}

bool ThreadPool::RunSegment(const platform::Segment& segment) {
  if (segment.duration <= base::Duration::Zero()) return true;
  if (segment.kind == platform::Segment::Kind::kCpu) {
    return SpinThreadCpu(segment.duration, [this] {
      std::lock_guard<std::mutex> lock(mu_);
      return stopping_;
    });
  }
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::nanoseconds(segment.duration.nanos());
  return !stop_cv_.wait_until(lock, deadline, [this] { return stopping_; });
}

void ThreadPool::Worker(int index) {
  for (;;) {
    Task task;
    base::Duration queue_wait;
    {
      std::unique_lock<std::mutex> lock(mu_);
      std::deque<Task>::iterator next;
      for (;;) {
        if (stopping_) break;
        next = NextEligible();
        if (next != queue_.end()) break;
        ++idle_;
        work_cv_.wait(lock);
        --idle_;
      }
      if (stopping_) return;
      task = std::move(*next);
      queue_.erase(next);
      if (task.work.kind == platform::PoolWork::Kind::kSlowIo) ++slow_running_;
      max_busy_ = std::max(max_busy_, ++busy_);
      queue_wait = base::Duration::Nanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             std::chrono::steady_clock::now() - task.enqueued)
                                             .count());
    }
    if (hooks_.on_start) hooks_.on_start(index, task.token);
    bool finished = true;
    for (const platform::Segment& segment : task.work.segments) {
      if (!RunSegment(segment)) {
        finished = false;
        break;
      }
    }
    absl::Status status;
    if (finished && task.work.body) {
      try {
        task.work.body();
      } catch (const std::exception& e) {
        status = absl::InternalError(absl::StrCat("pool work threw: ", e.what()));
      } catch (...) {
        status = absl::InternalError("pool work threw a non-standard exception");
      }
    }
    const bool slow = task.work.kind == platform::PoolWork::Kind::kSlowIo;
    {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
      if (slow) --slow_running_;
    }
    if (slow) work_cv_.notify_all();  // a freed slow slot may let queued slow work start
    if (!finished) return;  // the pool is stopping
    if (hooks_.on_done) hooks_.on_done(index, task.token, std::move(status), queue_wait);
  }
}

}  // namespace platform_real
