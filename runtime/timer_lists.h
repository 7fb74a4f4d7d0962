// TimerLists: Node's JavaScript timers (lib/internal/timers.js), in C++.
//
// Timers with the same duration share one list, in insertion order; lists are
// ordered in a priority queue by (expiry, list id). One pass over the expired
// lists uses a single `now`, so when the loop wakes late, one list's expired
// timers run back to back before the next list's, exactly as in Node. Lists
// drive one loop-level timer (Node's single uv_timer_t), which the host
// schedules; TimerLists tells it when through TimerHost.
//
// Threading: loop thread only (the Loop checks).
#ifndef TWINLOOP_RUNTIME_TIMER_LISTS_H_
#define TWINLOOP_RUNTIME_TIMER_LISTS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "base/block_pool.h"

namespace runtime {

class Timer;
class TimerLists;
struct TimerList;

// A place in a TimerList's circular, intrusive list: the list's own head is
// one, and so is every Timeout (Node's lib/internal/linkedlist.js, where a
// list is itself a node). Unlinked: both null.
struct TimerLink {
  TimerLink* prev = nullptr;
  TimerLink* next = nullptr;
};

// Node's Timeout object. Users hold it through `Timer`, as JavaScript holds a
// Timeout; it lives while its list or a user holds it. Intrusive (its list
// links and its reference count are inside it): one 80-byte block of its
// TimerLists' BlockPool per timer, which any thread may give back.
class Timeout final : private TimerLink {
 public:
  Timeout(const Timeout&) = delete;
  Timeout& operator=(const Timeout&) = delete;

  uint64_t id() const { return id_; }
  bool has_ref() const { return refed_; }
  // The duration in whole ms after Node's clamping, or -1 once cleared.
  int64_t duration_ms() const { return idle_timeout_ms_; }
  bool repeats() const { return repeats_; }
  // Loop time (ms) the current period started at.
  int64_t start_ms() const { return idle_start_ms_; }

 private:
  friend class Timer;
  friend class TimerLists;
  // Built around its callback: moving a callable in costs a call into its
  // manager, and assigning one over an empty one cost two.
  Timeout(absl::AnyInvocable<void()>&& callback, base::BlockPool* pool)
      : callback_(std::move(callback)), pool_(pool) {}
  ~Timeout() = default;
  bool linked() const { return prev != nullptr; }
  // Any thread may copy or drop a Timer, so the count is atomic.
  void AddRef() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      base::BlockPool* pool = pool_;
      this->~Timeout();
      pool->Free(this);
    }
  }
  static Timeout* From(TimerLink* link) { return static_cast<Timeout*>(link); }

  // 80 bytes in all: 16 of links, then these (the callable first, for its
  // 16-byte alignment).
  absl::AnyInvocable<void()> callback_;
  int64_t idle_start_ms_ = 0;
  uint64_t id_ : 48 = 0;         // unique in its TimerLists; 2^48 never wraps
  uint64_t refed_ : 1 = 1;       // Node's kRefed
  uint64_t destroyed_ : 1 = 0;   // Node's _destroyed
  uint64_t has_callback_ : 1 = 1;  // Node's _onTimeout != null
  uint64_t running_ : 1 = 0;     // its callback is on the stack
  uint64_t repeats_ : 1 = 0;     // setInterval: Node's _repeat, which always
                                 // equals the duration it re-arms with
  std::atomic<int32_t> refs_{1};
  // Node's _idleTimeout, truncated (at most TIMEOUT_MAX, 2^31 - 1); -1 = cleared.
  int32_t idle_timeout_ms_ = 0;
  // Where its block came from. It lives while this Timeout does, so it also
  // names the TimerLists that made it.
  base::BlockPool* const pool_;
};

// A counted reference to a Timeout: what SetTimeout returns and the other
// calls take. Copy, compare and test it as a pointer; any thread may copy or
// drop one (only the loop's thread may pass it to the loop).
class Timer {
 public:
  Timer() = default;
  Timer(std::nullptr_t) {}  // NOLINT: converts from nullptr, as a pointer does
  Timer(const Timer& o) : p_(o.p_) {
    if (p_ != nullptr) p_->AddRef();
  }
  Timer(Timer&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Timer& operator=(const Timer& o) {
    Timer(o).swap(*this);
    return *this;
  }
  Timer& operator=(Timer&& o) noexcept {
    Timer(std::move(o)).swap(*this);
    return *this;
  }
  ~Timer() {
    if (p_ != nullptr) p_->Release();
  }
  void swap(Timer& o) noexcept { std::swap(p_, o.p_); }
  void reset() { Timer().swap(*this); }

  Timeout* get() const { return p_; }
  Timeout* operator->() const { return p_; }
  Timeout& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  friend bool operator==(const Timer& a, const Timer& b) { return a.p_ == b.p_; }
  friend bool operator==(const Timer& a, std::nullptr_t) { return a.p_ == nullptr; }

 private:
  friend class TimerLists;
  // Takes over one reference `t` already holds.
  static Timer Adopt(Timeout* t) {
    Timer r;
    r.p_ = t;
    return r;
  }
  Timeout* p_ = nullptr;
};

// What TimerLists needs from the loop.
class TimerHost {
 public:
  virtual ~TimerHost() = default;
  // Node's getLibuvNow(): updates the loop time and returns it (ms).
  virtual int64_t RefreshNow() = 0;
  // Node's scheduleTimer(ms): (re)starts the loop timer `ms` from loop time.
  virtual void ScheduleTimer(int64_t ms) = 0;
  // Node's toggleTimerRef(): refs or unrefs the loop timer.
  virtual void ToggleTimerRef(bool ref) = 0;
  // Runs a timer's callback. Returns false if the loop must stop
  // dispatching (an error).
  virtual bool RunTimerCallback(Timeout& timer,
                                absl::AnyInvocable<void()>& callback) = 0;
  // Node's runNextTicks(): drains nextTicks and microtasks. TimerLists calls
  // it where Node does: before each timer or list after the first of a pass,
  // once the previous timer's interval has been re-armed. The drain after
  // the pass's last timer is the host's (Node's InternalCallbackScope).
  // Returns false if the loop must stop dispatching.
  virtual bool RunNextTicks() = 0;
};

struct TimerList {
  TimerList() { head.prev = head.next = &head; }
  TimerList(const TimerList&) = delete;
  TimerList& operator=(const TimerList&) = delete;
  bool empty() const { return head.next == &head; }

  int64_t msecs = 0;
  int64_t expiry_ms = 0;
  uint64_t id = 0;
  size_t heap_pos = 0;
  TimerLink head;  // each timer in the list holds one reference to itself
};

class TimerLists {
 public:
  // Node's TIMEOUT_MAX: 2^31 - 1 ms.
  static constexpr double kTimeoutMax = 2147483647.0;

  explicit TimerLists(TimerHost* host);
  TimerLists(const TimerLists&) = delete;
  TimerLists& operator=(const TimerLists&) = delete;
  ~TimerLists();

  // Node's rule: a delay that is not in [1, TIMEOUT_MAX] (NaN included)
  // becomes 1; the list key is the delay truncated to whole ms.
  static int64_t ClampDelay(double ms);

  Timer SetTimeout(absl::AnyInvocable<void()>&& callback, double ms);
  Timer SetInterval(absl::AnyInvocable<void()>&& callback, double ms);
  // Node's clearTimeout: a null, fired or already cleared timer is a no-op.
  void Clear(const Timer& t);
  void Ref(const Timer& t);
  void Unref(const Timer& t);
  // Node's timeout.refresh(): restarts the period from now. Re-arms a timer
  // that already fired; a cleared timer stays cleared.
  void Refresh(const Timer& t);
  bool Owns(const Timer& t) const { return t->pool_ == pool_; }
  // The timer whose callback is running (Node's `this` in it), or null.
  Timer Current() const {
    if (running_ == nullptr) return nullptr;
    running_->AddRef();
    return Timer::Adopt(running_);
  }

  // Node's processTimers(now), called when the loop timer fires. Returns 0
  // when no list is left, else the next expiry, negated when no timer is
  // ref'd (Node's convention, read by the loop to re-arm its timer).
  int64_t ProcessTimers(int64_t now);

  // Clears every timer, as clearTimeout would (Loop::Shutdown).
  void ClearAll();

  // Refed timers (Node's refCount).
  int64_t ref_count() const { return ref_count_; }
  size_t list_count() const { return heap_.size(); }
  // Timers waiting in a list.
  size_t timer_count() const;

 private:
  Timer Create(absl::AnyInvocable<void()>&& callback, double ms, bool repeat);
  // Appends `t` to the list for `msecs` (moving it if it is in a list).
  void Insert(Timeout& t, int64_t msecs, int64_t start_ms);
  // Takes `t` out of its list; the list's reference comes back (null if it
  // was in none).
  Timer Unlink(Timeout& t);
  void ListOnTimeout(TimerList* list, int64_t now);
  bool RunNextTicks();
  void IncRef();
  void DecRef();
  // Node's `refCount--` in listOnTimeout: no toggle.
  void DropRef();

  // Binary heap of lists by (expiry, id), with positions for removal.
  static bool Before(const TimerList& a, const TimerList& b);
  void HeapPush(TimerList* l);
  void HeapRemove(TimerList* l);
  void HeapFix(size_t i);
  void HeapSwap(size_t i, size_t j);

  TimerHost* host_;
  base::BlockPool* const pool_;  // the Timeouts' blocks; abandoned at the end
  uint64_t next_timer_id_ = 1;
  uint64_t next_list_id_ = 1;
  int64_t ref_count_ = 0;
  int64_t next_expiry_ms_ = INT64_MAX;  // Node's nextExpiry
  bool stopped_ = false;  // a callback failed; stop this pass
  Timeout* running_ = nullptr;  // whose callback is on the stack
  using ListMap = absl::flat_hash_map<int64_t, std::unique_ptr<TimerList>>;
  // Removes a list from the map (and from the short-list index and the
  // recent-list hint). The list being run (`running_list_`) lives on in
  // `erased_running_list_` until its run ends: Node's listOnTimeout holds
  // it, and a callback may clear its last timer.
  void EraseList(ListMap::iterator it);

  ListMap lists_;
  // The lists of durations under kShortMs, by duration (null: none): most
  // timers are short, and a mix of durations missed the recent-list hint
  // and paid a hash lookup per timer. Grows to the longest short duration
  // seen.
  static constexpr int64_t kShortMs = 4096;
  std::vector<TimerList*> short_lists_;
  TimerList* recent_list_ = nullptr;  // in lists_, or null
  TimerList* running_list_ = nullptr;  // whose timers ListOnTimeout runs
  std::unique_ptr<TimerList> erased_running_list_;
  std::vector<TimerList*> heap_;
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_TIMER_LISTS_H_
