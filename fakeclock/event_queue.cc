#include "fakeclock/event_queue.h"

#include <algorithm>
#include <utility>

#include "absl/base/internal/raw_logging.h"

#include "absl/strings/str_cat.h"

namespace fakeclock {

EventQueue::EventQueue(VirtualClock* clock) : clock_(clock) {}

absl::StatusOr<EventId> EventQueue::ScheduleAt(Instant t, Callback cb) {
  if (t < clock_->Now()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot schedule an event in the past: now is ",
                     clock_->Now().nanos(), " ns, asked for ", t.nanos(), " ns"));
  }
  if (t > kMaxVirtualTime) return TimeLimitError(absl::StrCat("an event at ", t.nanos(), " ns"));
  EventId id = next_seq_++;
  heap_.push_back({t, id});
  std::push_heap(heap_.begin(), heap_.end(), Later());
  callbacks_.emplace(id, std::move(cb));
  return id;
}

absl::StatusOr<EventId> EventQueue::ScheduleAfter(Duration delay, Callback cb) {
  if (delay < Duration::Zero()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event delay must be >= 0, got ", delay.nanos(), " ns"));
  }
  // Saturating, so the check below cannot be fooled by a wrap; the message
  // is only built when it is needed (this is the simulator's hot path).
  const Instant t = clock_->Now() + delay;
  if (t > kMaxVirtualTime) {
    return TimeLimitError(absl::StrCat("an event ", delay.nanos(), " ns from now"));
  }
  return ScheduleAt(t, std::move(cb));
}

bool EventQueue::Cancel(EventId id) { return callbacks_.erase(id) > 0; }

void EventQueue::SkipCancelled() {
  while (!heap_.empty() && !callbacks_.contains(heap_.front().seq)) {
    std::pop_heap(heap_.begin(), heap_.end(), Later());
    heap_.pop_back();
  }
}

std::optional<Instant> EventQueue::NextTime() {
  SkipCancelled();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().time;
}

bool EventQueue::RunNext() {
  SkipCancelled();
  if (heap_.empty()) return false;
  Entry e = heap_.front();
  std::pop_heap(heap_.begin(), heap_.end(), Later());
  heap_.pop_back();
  auto it = callbacks_.find(e.seq);
  ABSL_RAW_CHECK(it != callbacks_.end(), "a live heap entry has no callback");
  Callback cb = std::move(it->second);
  callbacks_.erase(it);
  // Cannot fail: every entry was scheduled at or after the clock's time.
  const absl::Status advanced = clock_->AdvanceTo(e.time);
  ABSL_RAW_CHECK(advanced.ok(), "an event was scheduled before now or past the time limit");
  cb();
  return true;
}

absl::StatusOr<size_t> EventQueue::RunUntil(Instant t) {
  if (t < clock_->Now()) {
    return absl::InvalidArgumentError(
        absl::StrCat("RunUntil into the past: now is ", clock_->Now().nanos(),
                     " ns, asked for ", t.nanos(), " ns"));
  }
  if (t > kMaxVirtualTime) {
    return TimeLimitError(absl::StrCat("running events until ", t.nanos(), " ns"));
  }
  size_t n = 0;
  for (std::optional<Instant> next = NextTime(); next && *next <= t;
       next = NextTime()) {
    RunNext();
    ++n;
  }
  const absl::Status advanced = clock_->AdvanceTo(t);
  ABSL_RAW_CHECK(advanced.ok(), "RunUntil's target was checked above");
  return n;
}

absl::StatusOr<size_t> EventQueue::RunUntilIdle(size_t max_events) {
  size_t n = 0;
  while (!empty()) {
    if (n == max_events) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "aborting after running ", n, " events at virtual time ",
          clock_->Now().nanos(), " ns: events keep scheduling more events"));
    }
    RunNext();
    ++n;
  }
  return n;
}

}  // namespace fakeclock
