#include "platform/real/thread_pool.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>
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

// A spin-wait hint to the processor.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

// Takes `mu`, spinning briefly before sleeping in the kernel, like glibc's
// PTHREAD_MUTEX_ADAPTIVE_NP and absl::Mutex (std::mutex does not spin). The
// pool's critical sections are a queue pop, or moving the inbox's few
// tasks into the queue: a contended lock is
// usually free again within a few hundred nanoseconds, and a futex sleep
// and wakeup cost microseconds. A batch of submits against busy workers
// slept in the kernel on most locks. The spin is short (63 pause hints, a
// microsecond or two), so a preempted holder costs little.
std::unique_lock<std::mutex> LockSpinning(std::mutex& mu) {
  // Backing off between attempts: each try_lock writes the lock's cache
  // line, and trying in a tight loop slowed its holder.
  for (int i = 0; i < 7; ++i) {
    if (mu.try_lock()) return std::unique_lock<std::mutex>(mu, std::adopt_lock);
    if (i < 6) {
      for (int j = 0; j < (1 << i); ++j) CpuRelax();
    }
  }
  return std::unique_lock<std::mutex>(mu);
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

ThreadPool::ThreadPool(int size, PoolHooks hooks)
    : size_(size), hooks_(std::move(hooks)), head_chunk_(new InboxChunk), tail_chunk_(head_chunk_) {
  ABSL_RAW_CHECK(size >= 1 && size <= 1024, "pool size out of [1, 1024]");
}

void ThreadPool::StartThreads() {
  threads_.reserve(size_);
  for (int i = 0; i < size_; ++i) threads_.emplace_back([this, i] { Worker(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    DrainInbox();
    queue_.clear();  // dropped: never run, never reported
  }
  work_cv_.notify_all();
  stop_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  // Drained: the chunks from head_chunk_ to tail_chunk_ hold nothing.
  for (InboxChunk* c = head_chunk_; c != nullptr;) delete std::exchange(c, c->next.load());
  delete spare_chunk_.load();
}

void ThreadPool::Submit(uint64_t token, platform::PoolWork&& work) {
  // A worker that starts after this task is filed finds it: it looks at the
  // inbox before it first waits.
  if (!threads_started_) [[unlikely]] {
    threads_started_ = true;
    StartThreads();
  }
  bool wake = false;
  const auto now = std::chrono::steady_clock::now();
  const uint64_t tail = inbox_tail_.load(std::memory_order_relaxed);
  if (tail % kInboxChunk == 0 && tail != 0) {
    // The tail chunk is full: on to a spare one or a new one, linked before
    // its first task is published (the store of inbox_tail_ below).
    InboxChunk* next = spare_chunk_.exchange(nullptr, std::memory_order_acquire);
    if (next == nullptr) {
      next = new InboxChunk;
    } else {
      next->next.store(nullptr, std::memory_order_relaxed);
    }
    tail_chunk_->next.store(next, std::memory_order_release);
    tail_chunk_ = next;
  }
  Task& slot = tail_chunk_->tasks[tail % kInboxChunk];
  slot.token = token;
  slot.work = std::move(work);
  slot.enqueued = now;
  inbox_tail_.store(tail + 1, std::memory_order_seq_cst);
  // The peak of waiting tasks. left_seen_ only lags left_, so tail + 1 -
  // left_seen_ bounds the count from above, and left_ is read only when that
  // bound could set a new peak (while the queue grows, on every submit; the
  // read misses the cache at most once per take, when a worker wrote it).
  // Takes that race this submit, between its store and its read, are
  // counted before it: the peak is then short by them, a count that lasted
  // only those few nanoseconds. A take whose write this read does not see
  // yet counts as waiting: over by one for as long.
  const int64_t peak = max_queued_.load(std::memory_order_relaxed);
  if (static_cast<int64_t>(tail + 1 - left_seen_) > peak) {
    left_seen_ = left_.load(std::memory_order_relaxed);
    const int64_t waiting = static_cast<int64_t>(tail + 1 - left_seen_);
    if (waiting > peak) max_queued_.store(waiting, std::memory_order_relaxed);
  }
  // Every worker busy, or a woken one on its way: that one takes it from
  // the inbox (the next drain of a worker that finishes, or of the woken
  // one, which takes its wakeup off the count before it drains).
  if (idle_.load(std::memory_order_seq_cst) == 0 || signaled_.load(std::memory_order_seq_cst) > 0) {
    return;
  }
  {
    std::unique_lock<std::mutex> lock = LockSpinning(mu_);
    DrainInbox();
    // As libuv's post() (src/threadpool.c), signal only when a worker is
    // idle (a busy one takes the task when it finishes its own); and only
    // when no signalled worker is already on its way, which takes the task
    // and wakes the next if more wait (see TakeNext).
    wake = idle_ > 0 && signaled_ == 0;
    if (wake) ++signaled_;
  }
  if (wake) work_cv_.notify_one();
}

bool ThreadPool::DrainInbox() {
  // Sequentially consistent, not just acquire: a woken worker takes its
  // wakeup off signaled_ and then drains, while Submit files and then reads
  // signaled_; one of the two must see the other (a plain load on x86).
  const uint64_t tail = inbox_tail_.load(std::memory_order_seq_cst);
  uint64_t head = inbox_head_.load(std::memory_order_relaxed);
  if (head == tail) return false;
  for (; head != tail; ++head) {
    if (head % kInboxChunk == 0 && head != 0) {
      // The chunk is used up: on to the next (linked before task `head` was
      // published), and the spent one back to Submit (one spare is kept).
      InboxChunk* spent = head_chunk_;
      head_chunk_ = spent->next.load(std::memory_order_acquire);
      delete spare_chunk_.exchange(spent, std::memory_order_acq_rel);
    }
    queue_.push_back(std::move(head_chunk_->tasks[head % kInboxChunk]));
  }
  inbox_head_.store(head, std::memory_order_release);
  return true;
}

platform::PoolStats ThreadPool::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  DrainInbox();
  return {.queued = static_cast<int64_t>(queue_.size()),
          .busy = busy_,
          // Submit files a task before it counts the peak: a stats() on
          // another thread between the two sees the task queued.
          .max_queued = std::max(max_queued_.load(std::memory_order_relaxed),
                                 static_cast<int64_t>(queue_.size())),
          .max_busy = max_busy_};
}

absl::Status ThreadPool::Cancel(uint64_t token) {
  std::lock_guard<std::mutex> lock(mu_);
  DrainInbox();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->token == token) {
      queue_.erase(it);
      left_.store(left_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
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

bool ThreadPool::TakeNext(std::chrono::steady_clock::time_point now, Task* task,
                          base::Duration* queue_wait, bool* wake) {
  auto next = NextEligible();
  if (next == queue_.end()) return false;
  *task = std::move(*next);
  if (next == queue_.begin()) {
    queue_.pop_front();
  } else {
    queue_.erase(next);
  }
  left_.store(left_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (task->work.kind == platform::PoolWork::Kind::kSlowIo) ++slow_running_;
  max_busy_ = std::max(max_busy_, ++busy_);
  // `now` may have been read before `enqueued` (a worker reads the clock
  // before it takes the lock, Submit too): such a task waited for nothing.
  *queue_wait = base::Duration::Nanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::max(now, task->enqueued) - task->enqueued)
                                          .count());
  // Work left behind it, an idle worker, and no wakeup on its way: this
  // worker wakes the next (the chained wakeup of Go's and tokio's
  // schedulers). One wakeup is in flight at a time, so a burst of submits
  // costs a futex wake or two, not one per task.
  *wake = !queue_.empty() && idle_ > 0 && signaled_ == 0;
  if (*wake) ++signaled_;
  return true;
}

void ThreadPool::Worker(int index) {
  Task task;
  base::Duration queue_wait;
  bool have = false;  // `task` was taken when the previous one finished
  for (;;) {
    if (!have) {
      std::unique_lock<std::mutex> lock = LockSpinning(mu_);
      bool wake = false;
      for (;;) {
        if (stopping_) return;
        DrainInbox();
        if (TakeNext(std::chrono::steady_clock::now(), &task, &queue_wait, &wake)) break;
        idle_.fetch_add(1, std::memory_order_seq_cst);
        // Counted in before the last look: a submit this look misses sees
        // the count and wakes a worker under the lock, which this one holds
        // until it waits.
        if (inbox_tail_.load(std::memory_order_seq_cst) !=
            inbox_head_.load(std::memory_order_relaxed)) {
          idle_.fetch_sub(1, std::memory_order_relaxed);
          continue;
        }
        work_cv_.wait(lock);
        idle_.fetch_sub(1, std::memory_order_relaxed);
        if (signaled_.load(std::memory_order_relaxed) > 0) {
          signaled_.fetch_sub(1, std::memory_order_seq_cst);
        }
      }
      lock.unlock();
      if (wake) work_cv_.notify_one();
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
    if (!finished) return;  // the pool is stopping
    const uint64_t token = task.token;
    const base::Duration waited = queue_wait;
    const bool slow = task.work.kind == platform::PoolWork::Kind::kSlowIo;
    task.work = {};  // its body's captures go before its completion is told
    // Finishing and taking the next task share one critical section: a busy
    // worker takes the pool's lock once per task.
    bool wake = false;
    bool wake_all = false;
    const auto finished_at = std::chrono::steady_clock::now();
    {
      std::unique_lock<std::mutex> lock = LockSpinning(mu_);
      --busy_;
      if (slow) {
        --slow_running_;
        // A freed slow slot may let queued slow work start: every idle
        // worker looks again.
        wake_all = idle_ > 0 && !queue_.empty();
        if (wake_all) signaled_ = 0;
      }
      // From the queue first: the inbox holds only later work, and leaving
      // it be while the queue lasts keeps the inbox's tail, which Submit
      // writes on every task, out of this core's cache.
      have = !stopping_ && TakeNext(finished_at, &task, &queue_wait, &wake);
      if (!have && !stopping_ && DrainInbox()) {
        have = TakeNext(finished_at, &task, &queue_wait, &wake);
      }
    }
    if (wake_all) {
      work_cv_.notify_all();
    } else if (wake) {
      work_cv_.notify_one();
    }
    if (hooks_.on_done) hooks_.on_done(index, token, std::move(status), waited, finished_at);
  }
}

}  // namespace platform_real
