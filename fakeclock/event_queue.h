// EventQueue: a discrete-event queue over a VirtualClock.
//
// Events are (time, sequence, callback), the callback a callable or a
// Target and a tag. They run in time order; events at the
// same time run in the order they were scheduled (the sequence number breaks
// ties), which is what makes a simulation deterministic. Running an event first
// advances the clock to its time, so a callback always sees Now() == its time.
// A callback may schedule, move or cancel other events, including at the
// current time (those run after every event already queued for that time).
//
// The simulator's hot path: every simulated callback is at least one event.
// Callbacks live in a slab of slots reused through a free list, so nothing
// is hashed. Events wait in one of two lanes, both ordered by (time,
// sequence): a FIFO takes every event at or after its last one (a stream of
// round trips with one latency, a disk's queue), in O(1); the rest go to a
// binary heap that keeps each slot's position, so a cancelled or moved heap
// event leaves at once. A cancelled FIFO event is skipped when it reaches
// the front. The next event is the earlier of the two fronts.
//
// Threading: not thread-safe; one thread drives a queue and its clock.
#ifndef TWINLOOP_FAKECLOCK_EVENT_QUEUE_H_
#define TWINLOOP_FAKECLOCK_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "base/free_slots.h"
#include "base/ring.h"
#include "fakeclock/virtual_clock.h"

namespace fakeclock {

// Identifies a scheduled event. `serial` is never reused, so an id that ran
// or was cancelled stays stale even after its slot holds another event.
struct EventId {
  uint64_t serial = 0;
  uint32_t slot = 0;
  friend bool operator==(const EventId& a, const EventId& b) {
    return a.serial == b.serial && a.slot == b.slot;
  }
};

class EventQueue {
 public:
  using Callback = absl::AnyInvocable<void()>;

  // Hears the events scheduled for it, each by the tag it was given. For
  // callers with many events of one kind (the CPU model's finishes, network
  // round trips, pool waits): a target and a tag cost nothing to store, move
  // or destroy, where a callable costs calls to its manager at each step.
  class Target {
   public:
    virtual void OnEvent(uint64_t tag) = 0;

   protected:
    ~Target() = default;
  };

  explicit EventQueue(VirtualClock* clock);
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  Instant Now() const { return clock_->Now(); }

  // Schedules `cb` at absolute time `t`; `t` before Now() is an error, and
  // `t` past kMaxVirtualTime is OUT_OF_RANGE.
  absl::StatusOr<EventId> ScheduleAt(Instant t, Callback cb);
  // Schedules `cb` after `delay` >= 0, within kMaxVirtualTime.
  absl::StatusOr<EventId> ScheduleAfter(Duration delay, Callback cb);
  // The same, with `target->OnEvent(tag)` as the callback. `target` must
  // outlive the event (or cancel it).
  absl::StatusOr<EventId> ScheduleAt(Instant t, Target* target, uint64_t tag);
  absl::StatusOr<EventId> ScheduleAfter(Duration delay, Target* target, uint64_t tag);

  // Cancels a pending event. Returns false if it already ran or was cancelled.
  bool Cancel(EventId id);
  // Moves a pending event to `t`, exactly as Cancel and then ScheduleAt with
  // the same callback would (it runs after events already queued for `t`),
  // without giving up its slot or its id. NOT_FOUND if it already ran or was
  // cancelled; the errors of ScheduleAt for `t`, and then nothing moves.
  absl::Status Reschedule(EventId id, Instant t);

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // Time of the earliest pending event, if any.
  std::optional<Instant> NextTime() const {
    if (size_ == 0) return std::nullopt;
    return Front().time;
  }

  // Runs the earliest event. Returns false when the queue is empty.
  bool RunNext();
  // Runs every event with time <= t, then advances the clock to t (if t is in
  // the future). Returns the number of events run.
  absl::StatusOr<size_t> RunUntil(Instant t);
  // RunUntil for a `t` known to be valid (Now() <= t <= kMaxVirtualTime,
  // asserted): the simulator's poll runs it twice per loop iteration.
  size_t RunThrough(Instant t);
  // Runs events until none are left, or `max_events` ran (then an error names
  // the virtual time, so a self-rescheduling event cannot hang a test).
  absl::StatusOr<size_t> RunUntilIdle(size_t max_events = 10'000'000);

 private:
  static constexpr uint32_t kNotInHeap = UINT32_MAX;  // free, or ran
  static constexpr uint32_t kInFifo = UINT32_MAX - 1;
  struct Entry {
    Instant time;
    uint64_t seq;  // schedule order: breaks ties between equal times
    uint32_t slot;
  };
  struct Slot {
    Callback cb;              // unless target is set
    Target* target = nullptr;
    uint64_t tag = 0;
    uint64_t serial = 0;  // of the event it holds; 0 while free
    uint64_t seq = 0;     // its entry's; a FIFO entry with another is stale
    uint32_t heap_pos = kNotInHeap;  // or kInFifo
  };
  static bool Before(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }
  absl::Status CheckTime(Instant t) const;
  absl::Status CheckDelay(Duration delay) const;
  // The steps declared inline here are defined in event_queue.cc, where
  // the hot paths inline them.
  // Takes a free slot for an event at `t` (within the limits) and files it;
  // the caller fills in what runs.
  inline EventId Add(Instant t, Slot*& slot);
  // The earliest pending entry (size_ > 0).
  const Entry& Front() const {
    if (fifo_.empty()) return heap_.front();
    if (heap_.empty()) return fifo_.front();
    return Before(heap_.front(), fifo_.front()) ? heap_.front() : fifo_.front();
  }
  // Files slot `slot`'s event at `t` with a fresh sequence number.
  inline void Enqueue(Instant t, uint32_t slot);
  // Takes slot `slot`'s event out of its lane (a FIFO entry goes stale).
  inline void Dequeue(uint32_t slot);
  // Drops stale entries from the FIFO's front, so its front is live.
  void TrimFifo();
  // The slot of a pending event, or nullptr for a stale id.
  Slot* Find(EventId id);
  void Place(size_t i, const Entry& e);
  void SiftUp(size_t i, Entry e);
  void SiftDown(size_t i, Entry e);
  // Takes the heap entry at `i` out, keeping the heap ordered.
  void RemoveAt(size_t i);
  // Runs the earliest event (size_ > 0): RunNext without the test.
  inline void RunFront();
  // Frees a slot (its event already left its lane); its callback stays in
  // it until the caller moves it out (the slot is not reused before then).
  inline Slot& ReleaseSlot(uint32_t slot);

  VirtualClock* clock_;
  uint64_t next_seq_ = 0;
  uint64_t next_serial_ = 1;
  size_t size_ = 0;          // pending events
  std::vector<Entry> heap_;  // min-heap by (time, seq)
  base::Ring<Entry> fifo_;   // sorted by (time, seq); front live
  std::vector<Slot> slots_;
  base::FreeSlots free_slots_;
};

}  // namespace fakeclock

#endif  // TWINLOOP_FAKECLOCK_EVENT_QUEUE_H_
