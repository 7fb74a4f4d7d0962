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

#include <cstdint>
#include <list>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"

namespace runtime {

class TimerLists;
struct TimerList;

// Node's Timeout object. Users hold it through `Timer` (a shared pointer), as
// JavaScript holds a Timeout; it lives while a list or the user holds it.
class Timeout {
 public:
  uint64_t id() const { return id_; }
  bool has_ref() const { return refed_; }
  // The duration in whole ms after Node's clamping, or -1 once cleared.
  int64_t duration_ms() const { return idle_timeout_ms_; }
  bool repeats() const { return repeat_ms_ > 0; }
  // Loop time (ms) the current period started at.
  int64_t start_ms() const { return idle_start_ms_; }

 private:
  friend class TimerLists;
  uint64_t owner_ = 0;  // generation of the TimerLists that made it
  uint64_t id_ = 0;
  int64_t idle_start_ms_ = 0;
  int64_t idle_timeout_ms_ = 0;  // Node's _idleTimeout, truncated; -1 = cleared
  int64_t repeat_ms_ = 0;        // Node's _repeat; 0 for setTimeout
  bool refed_ = true;         // Node's kRefed
  bool destroyed_ = false;    // Node's _destroyed
  bool has_callback_ = true;  // Node's _onTimeout != null
  bool running_ = false;      // its callback is on the stack
  absl::AnyInvocable<void()> callback_;
  TimerList* list_ = nullptr;  // the list it is in, if any
  std::list<std::shared_ptr<Timeout>>::iterator pos_;
};

using Timer = std::shared_ptr<Timeout>;

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
  int64_t msecs;
  int64_t expiry_ms;
  uint64_t id;
  size_t heap_pos = 0;
  std::list<Timer> timers;
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

  Timer SetTimeout(absl::AnyInvocable<void()> callback, double ms);
  Timer SetInterval(absl::AnyInvocable<void()> callback, double ms);
  // Node's clearTimeout: a null, fired or already cleared timer is a no-op.
  void Clear(const Timer& t);
  void Ref(const Timer& t);
  void Unref(const Timer& t);
  // Node's timeout.refresh(): restarts the period from now. Re-arms a timer
  // that already fired; a cleared timer stays cleared.
  void Refresh(const Timer& t);
  bool Owns(const Timer& t) const { return t->owner_ == generation_; }

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
  Timer Create(absl::AnyInvocable<void()> callback, double ms, bool repeat);
  void Insert(const Timer& t, int64_t msecs, int64_t start_ms);
  void Unlink(Timeout& t);
  void ListOnTimeout(const std::shared_ptr<TimerList>& list, int64_t now);
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
  const uint64_t generation_;  // NextGeneration(); stamps every Timeout
  uint64_t next_timer_id_ = 1;
  uint64_t next_list_id_ = 1;
  int64_t ref_count_ = 0;
  int64_t next_expiry_ms_ = INT64_MAX;  // Node's nextExpiry
  bool stopped_ = false;  // a callback failed; stop this pass
  absl::flat_hash_map<int64_t, std::shared_ptr<TimerList>> lists_;
  std::vector<TimerList*> heap_;
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_TIMER_LISTS_H_
