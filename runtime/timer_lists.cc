#include "runtime/timer_lists.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/cleanup/cleanup.h"

namespace runtime {

TimerLists::TimerLists(TimerHost* host)
    : host_(host), pool_(base::BlockPool::Create(sizeof(Timeout), alignof(Timeout))) {}

TimerLists::~TimerLists() {
  // Each list's references go; a Timer a user still holds stays valid, and
  // keeps the pool alive until it is dropped.
  for (auto& [msecs, list] : lists_) {
    while (!list->empty()) Unlink(*Timeout::From(list->head.next));
  }
  pool_->Abandon();
}

int64_t TimerLists::ClampDelay(double ms) {
  // Node's Timeout constructor: `if (!(after >= 1 && after <= TIMEOUT_MAX))
  // after = 1`; insert() then truncates to whole milliseconds.
  if (!(ms >= 1 && ms <= kTimeoutMax)) return 1;
  return static_cast<int64_t>(std::trunc(ms));
}

// A pending timer is one block of its pool.
static_assert(base::BlockPool::BlockBytes(sizeof(Timeout), alignof(Timeout)) <= 80,
              "a pending timer must cost at most 80 bytes (issue #12's target is 100)");

Timer TimerLists::Create(absl::AnyInvocable<void()>&& callback, double ms,
                         bool repeat) {
  Timer t = Timer::Adopt(new (pool_->Allocate()) Timeout(std::move(callback), pool_));
  t->id_ = next_timer_id_++;
  // ClampDelay's result is at most TIMEOUT_MAX, 2^31 - 1.
  t->idle_timeout_ms_ = static_cast<int32_t>(ClampDelay(ms));
  t->repeats_ = repeat;
  IncRef();
  // The start is read fresh (getLibuvNow), so CPU spent earlier in the
  // current callback counts.
  Insert(*t, t->idle_timeout_ms_, host_->RefreshNow());
  return t;
}

Timer TimerLists::SetTimeout(absl::AnyInvocable<void()>&& callback, double ms) {
  return Create(std::move(callback), ms, /*repeat=*/false);
}

Timer TimerLists::SetInterval(absl::AnyInvocable<void()>&& callback, double ms) {
  return Create(std::move(callback), ms, /*repeat=*/true);
}

void TimerLists::Insert(Timeout& t, int64_t msecs, int64_t start_ms) {
  t.idle_start_ms_ = start_ms;
  // A short duration's list is found by index. Timers of one long duration
  // usually come in runs (an interval re-arming, a server's per-request
  // timeouts): the last list used is checked before the map.
  TimerList* list = nullptr;
  if (static_cast<uint64_t>(msecs) < short_lists_.size()) {  // a negative one is not short
    list = short_lists_[static_cast<size_t>(msecs)];
  } else if (recent_list_ != nullptr && recent_list_->msecs == msecs) {
    list = recent_list_;
  }
  if (list == nullptr) {
    std::unique_ptr<TimerList>& slot = lists_[msecs];
    if (slot == nullptr) {
      const int64_t expiry_ms = start_ms + msecs;
      slot = std::make_unique<TimerList>();
      slot->msecs = msecs;
      slot->expiry_ms = expiry_ms;
      slot->id = next_list_id_++;
      if (msecs >= 0 && msecs < kShortMs) {
        if (msecs >= static_cast<int64_t>(short_lists_.size())) {
          short_lists_.resize(static_cast<size_t>(msecs) + 1, nullptr);
        }
        short_lists_[static_cast<size_t>(msecs)] = slot.get();
      }
      HeapPush(slot.get());
      if (next_expiry_ms_ > expiry_ms) {
        host_->ScheduleTimer(msecs);
        next_expiry_ms_ = expiry_ms;
      }
    }
    list = recent_list_ = slot.get();
  }
  // L.append moves the item: the reference its old list held moves with it.
  Timer held = Unlink(t);
  if (held == nullptr) {
    t.AddRef();  // the new list's
  } else {
    held.p_ = nullptr;  // now the new list's
  }
  TimerLink* tail = list->head.prev;
  t.prev = tail;
  t.next = &list->head;
  tail->next = &t;
  list->head.prev = &t;
}

Timer TimerLists::Unlink(Timeout& t) {
  if (!t.linked()) return nullptr;
  t.prev->next = t.next;
  t.next->prev = t.prev;
  t.prev = t.next = nullptr;
  return Timer::Adopt(&t);
}

void TimerLists::IncRef() {
  if (ref_count_++ == 0) host_->ToggleTimerRef(true);
}

void TimerLists::DecRef() {
  ABSL_RAW_CHECK(ref_count_ > 0, "the timer ref count went below 0");
  if (--ref_count_ == 0) host_->ToggleTimerRef(false);
}

void TimerLists::DropRef() {
  ABSL_RAW_CHECK(ref_count_ > 0, "the timer ref count went below 0");
  --ref_count_;
}

void TimerLists::Clear(const Timer& t) {
  // clearTimeout(): `if (timer && timer._onTimeout)`, then unenroll().
  if (t == nullptr || !t->has_callback_) return;
  t->has_callback_ = false;
  if (!t->running_) t->callback_ = nullptr;
  if (t->destroyed_) return;
  t->destroyed_ = true;
  Timer from_list = Unlink(*t);  // dropped last: `t` may be its only holder
  // Node deletes only ref'd lists when they empty ("unrefed ones are
  // incredibly likely to come from http and be recreated shortly after").
  if (t->refed_) {
    auto it = lists_.find(t->idle_timeout_ms_);
    if (it != lists_.end() && it->second->empty()) {
      HeapRemove(it->second.get());
      EraseList(it);
    }
    DecRef();
  }
  t->idle_timeout_ms_ = -1;
}

void TimerLists::ClearAll() {
  std::vector<Timer> all;
  for (const auto& [msecs, list] : lists_) {
    for (TimerLink* l = list->head.next; l != &list->head; l = l->next) {
      Timeout* t = Timeout::From(l);
      t->AddRef();
      all.push_back(Timer::Adopt(t));
    }
  }
  for (const Timer& t : all) Clear(t);
  // Emptied unref'd lists stay in Node; nothing will run them now.
  for (auto& [msecs, list] : lists_) {
    HeapRemove(list.get());
    if (list.get() == running_list_) erased_running_list_ = std::move(list);
  }
  lists_.clear();
  short_lists_.clear();
  recent_list_ = nullptr;
}

size_t TimerLists::timer_count() const {
  size_t n = 0;
  for (const auto& [msecs, list] : lists_) {
    for (const TimerLink* l = list->head.next; l != &list->head; l = l->next) ++n;
  }
  return n;
}

void TimerLists::Ref(const Timer& t) {
  if (t->refed_) return;
  t->refed_ = true;
  if (!t->destroyed_) IncRef();
}

void TimerLists::Unref(const Timer& t) {
  if (!t->refed_) return;
  t->refed_ = false;
  if (!t->destroyed_) DecRef();
}

void TimerLists::Refresh(const Timer& t) {
  // insertGuarded(item, refed, getLibuvNow())
  const int64_t msecs = t->idle_timeout_ms_;
  if (msecs < 0) return;
  Insert(*t, msecs, host_->RefreshNow());
  if (t->destroyed_) {
    t->destroyed_ = false;
    if (t->refed_) IncRef();
  }
}

bool TimerLists::RunNextTicks() {
  if (!host_->RunNextTicks()) stopped_ = true;
  return !stopped_;
}

int64_t TimerLists::ProcessTimers(int64_t now) {
  next_expiry_ms_ = INT64_MAX;
  stopped_ = false;
  bool ran_list = false;
  while (!heap_.empty()) {
    TimerList* top = heap_.front();
    if (top->expiry_ms > now || stopped_) {
      next_expiry_ms_ = top->expiry_ms;
      return ref_count_ > 0 ? next_expiry_ms_ : -next_expiry_ms_;
    }
    // Node drains between lists (`if (ranAtLeastOneList) runNextTicks()`),
    // after peeking the next list. The drain may clear that list (freeing it)
    // or add others, so look again; Node would run the peeked list, which is
    // then empty or unchanged, so the result is the same.
    if (ran_list) {
      ran_list = false;
      RunNextTicks();
      continue;
    }
    ran_list = true;
    // The list outlives its run even if a callback erases it from the map
    // (EraseList keeps it), and is not freed, so no later list takes its
    // address before the run ends.
    running_list_ = top;
    {
      // The host's callbacks report failure by their result and do not
      // throw (Loop::Invoke catches); if one did, the run's pointers are
      // reset here and in ListOnTimeout, so none outlives its list or timer.
      absl::Cleanup done = [this] {
        running_list_ = nullptr;
        erased_running_list_.reset();
      };
      ListOnTimeout(top, now);
    }
  }
  return 0;
}

void TimerLists::ListOnTimeout(TimerList* list, int64_t now) {
  const int64_t msecs = list->msecs;
  bool ran_in_list = false;
  while (!list->empty()) {
    Timeout* first = Timeout::From(list->head.next);
    if (now - first->idle_start_ms_ < msecs) {
      // The rest of this list is not due yet: it waits with a fresh id, so it
      // goes behind lists of equal expiry.
      list->expiry_ms = std::max(first->idle_start_ms_ + msecs, now + 1);
      list->id = next_list_id_++;
      HeapFix(list->heap_pos);
      return;
    }
    // Node drains between timers of a list, after peeking the next one and
    // before removing it (`if (ranAtLeastOneTimer) runNextTicks()`). The
    // drain may clear the peeked timer (unlinking it), so it is held.
    Timer timer;
    if (ran_in_list) {
      first->AddRef();
      timer = Timer::Adopt(first);
      if (!RunNextTicks()) return;
      Timer from_list = Unlink(*first);
    } else {
      timer = Unlink(*first);  // the list's reference is now ours
    }
    ran_in_list = true;
    if (!timer->has_callback_) {
      if (!timer->destroyed_) {
        timer->destroyed_ = true;
        if (timer->refed_) DropRef();
      }
      continue;
    }
    // An interval re-arms from the time read just before its callback.
    const int64_t start = timer->repeats_ ? host_->RefreshNow() : 0;
    timer->running_ = true;
    running_ = timer.get();
    bool ok;
    {
      absl::Cleanup ran = [this, &timer] {
        running_ = nullptr;
        timer->running_ = false;
      };
      ok = host_->RunTimerCallback(*timer, timer->callback_);
    }
    if (!timer->has_callback_) timer->callback_ = nullptr;
    if (timer->repeats_ && timer->idle_timeout_ms_ != -1) {
      // Node sets _idleTimeout = _repeat; only a clear changes either.
      Insert(*timer, timer->idle_timeout_ms_, start);
    } else if (!timer->linked() && !timer->destroyed_) {
      timer->destroyed_ = true;
      if (timer->refed_) DropRef();  // Node decrements without a toggle
    }
    if (!ok) {
      stopped_ = true;
      return;
    }
  }
  auto it = lists_.find(msecs);
  if (it != lists_.end() && it->second.get() == list) {
    HeapRemove(list);
    EraseList(it);
  }
}

void TimerLists::EraseList(ListMap::iterator it) {
  if (it->second.get() == recent_list_) recent_list_ = nullptr;
  if (static_cast<uint64_t>(it->first) < short_lists_.size()) {
    short_lists_[static_cast<size_t>(it->first)] = nullptr;
  }
  if (it->second.get() == running_list_) erased_running_list_ = std::move(it->second);
  lists_.erase(it);
}

bool TimerLists::Before(const TimerList& a, const TimerList& b) {
  return a.expiry_ms != b.expiry_ms ? a.expiry_ms < b.expiry_ms : a.id < b.id;
}

void TimerLists::HeapSwap(size_t i, size_t j) {
  std::swap(heap_[i], heap_[j]);
  heap_[i]->heap_pos = i;
  heap_[j]->heap_pos = j;
}

void TimerLists::HeapFix(size_t i) {
  while (i > 0 && Before(*heap_[i], *heap_[(i - 1) / 2])) {
    HeapSwap(i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
  for (;;) {
    size_t best = i;
    const size_t l = 2 * i + 1, r = 2 * i + 2;
    if (l < heap_.size() && Before(*heap_[l], *heap_[best])) best = l;
    if (r < heap_.size() && Before(*heap_[r], *heap_[best])) best = r;
    if (best == i) return;
    HeapSwap(i, best);
    i = best;
  }
}

void TimerLists::HeapPush(TimerList* l) {
  l->heap_pos = heap_.size();
  heap_.push_back(l);
  HeapFix(l->heap_pos);
}

void TimerLists::HeapRemove(TimerList* l) {
  const size_t i = l->heap_pos;
  ABSL_RAW_CHECK(i < heap_.size() && heap_[i] == l, "timer list is not where the heap says");
  HeapSwap(i, heap_.size() - 1);
  heap_.pop_back();
  if (i < heap_.size()) HeapFix(i);
}

}  // namespace runtime
