// EventQueue: a discrete-event queue over a VirtualClock.
//
// Events are (time, sequence, callback). They run in time order; events at the
// same time run in the order they were scheduled (the sequence number breaks
// ties), which is what makes a simulation deterministic. Running an event first
// advances the clock to its time, so a callback always sees Now() == its time.
// A callback may schedule or cancel other events, including at the current
// time (those run after every event already queued for that time).
//
// Threading: not thread-safe; one thread drives a queue and its clock.
#ifndef TWINLOOP_FAKECLOCK_EVENT_QUEUE_H_
#define TWINLOOP_FAKECLOCK_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "fakeclock/virtual_clock.h"

namespace fakeclock {

// Identifies a scheduled event; its sequence number. Never reused.
using EventId = uint64_t;

class EventQueue {
 public:
  using Callback = absl::AnyInvocable<void()>;

  explicit EventQueue(VirtualClock* clock);
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  Instant Now() const { return clock_->Now(); }

  // Schedules `cb` at absolute time `t`; `t` before Now() is an error, and
  // `t` past kMaxVirtualTime is OUT_OF_RANGE.
  absl::StatusOr<EventId> ScheduleAt(Instant t, Callback cb);
  // Schedules `cb` after `delay` >= 0, within kMaxVirtualTime.
  absl::StatusOr<EventId> ScheduleAfter(Duration delay, Callback cb);

  // Cancels a pending event. Returns false if it already ran or was cancelled.
  bool Cancel(EventId id);

  bool empty() const { return callbacks_.empty(); }
  size_t size() const { return callbacks_.size(); }
  // Time of the earliest pending event, if any.
  std::optional<Instant> NextTime();

  // Runs the earliest event. Returns false when the queue is empty.
  bool RunNext();
  // Runs every event with time <= t, then advances the clock to t (if t is in
  // the future). Returns the number of events run.
  absl::StatusOr<size_t> RunUntil(Instant t);
  // Runs events until none are left, or `max_events` ran (then an error names
  // the virtual time, so a self-rescheduling event cannot hang a test).
  absl::StatusOr<size_t> RunUntilIdle(size_t max_events = 10'000'000);

 private:
  struct Entry {
    Instant time;
    EventId seq;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  // Drops cancelled entries from the top of the heap.
  void SkipCancelled();

  VirtualClock* clock_;
  EventId next_seq_ = 0;
  std::vector<Entry> heap_;  // min-heap by (time, seq) via Later
  absl::flat_hash_map<EventId, Callback> callbacks_;
};

}  // namespace fakeclock

#endif  // TWINLOOP_FAKECLOCK_EVENT_QUEUE_H_
