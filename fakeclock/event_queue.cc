#include "fakeclock/event_queue.h"

#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"

namespace fakeclock {

EventQueue::EventQueue(VirtualClock* clock) : clock_(clock) {}

absl::Status EventQueue::CheckTime(Instant t) const {
  if (t < clock_->Now()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot schedule an event in the past: now is ",
                     clock_->Now().nanos(), " ns, asked for ", t.nanos(), " ns"));
  }
  if (t > kMaxVirtualTime) return TimeLimitError(absl::StrCat("an event at ", t.nanos(), " ns"));
  return absl::OkStatus();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline EventId EventQueue::Add(Instant t, Slot*& slot) {
  const uint32_t index = free_slots_.Take(slots_);
  Slot& s = slots_[index];
  s.serial = next_serial_++;
  Enqueue(t, index);
  ++size_;
  slot = &s;
  return EventId{s.serial, index};
}

absl::StatusOr<EventId> EventQueue::ScheduleAt(Instant t, Callback cb) {
  if (t < clock_->Now() || t > kMaxVirtualTime) return CheckTime(t);
  Slot* s;
  const EventId id = Add(t, s);
  s->cb = std::move(cb);
  s->target = nullptr;
  return id;
}

absl::StatusOr<EventId> EventQueue::ScheduleAt(Instant t, Target* target, uint64_t tag) {
  ABSL_RAW_CHECK(target != nullptr, "EventQueue::ScheduleAt without a target");
  if (t < clock_->Now() || t > kMaxVirtualTime) return CheckTime(t);
  Slot* s;
  const EventId id = Add(t, s);
  s->target = target;
  s->tag = tag;
  return id;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void EventQueue::Enqueue(Instant t, uint32_t slot) {
  Slot& s = slots_[slot];
  s.seq = next_seq_++;
  if (fifo_.empty() || fifo_.back().time <= t) {
    // Later than (or as late as) everything in the FIFO, and its sequence
    // number is the largest yet: the FIFO stays sorted.
    fifo_.push_back({t, s.seq, slot});
    s.heap_pos = kInFifo;
    return;
  }
  heap_.emplace_back();
  SiftUp(heap_.size() - 1, {t, s.seq, slot});
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void EventQueue::Dequeue(uint32_t slot) {
  Slot& s = slots_[slot];
  if (s.heap_pos == kInFifo) {
    s.heap_pos = kNotInHeap;
    s.seq = 0;  // its FIFO entry is stale now
    TrimFifo();
  } else {
    RemoveAt(s.heap_pos);
  }
}

void EventQueue::TrimFifo() {
  while (!fifo_.empty()) {
    const Entry& e = fifo_.front();
    const Slot& s = slots_[e.slot];
    if (s.heap_pos == kInFifo && s.seq == e.seq) return;
    fifo_.pop_front();
  }
}

absl::Status EventQueue::CheckDelay(Duration delay) const {
  if (delay < Duration::Zero()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event delay must be >= 0, got ", delay.nanos(), " ns"));
  }
  return TimeLimitError(absl::StrCat("an event ", delay.nanos(), " ns from now"));
}

absl::StatusOr<EventId> EventQueue::ScheduleAfter(Duration delay, Callback cb) {
  // Saturating, so the check cannot be fooled by a wrap; the message is
  // only built when it is needed (this is the simulator's hot path).
  const Instant t = clock_->Now() + delay;
  if (delay < Duration::Zero() || t > kMaxVirtualTime) return CheckDelay(delay);
  return ScheduleAt(t, std::move(cb));
}

absl::StatusOr<EventId> EventQueue::ScheduleAfter(Duration delay, Target* target, uint64_t tag) {
  const Instant t = clock_->Now() + delay;
  if (delay < Duration::Zero() || t > kMaxVirtualTime) return CheckDelay(delay);
  return ScheduleAt(t, target, tag);
}

EventQueue::Slot* EventQueue::Find(EventId id) {
  if (id.slot >= slots_.size()) return nullptr;
  Slot& s = slots_[id.slot];
  return s.serial == id.serial && s.heap_pos != kNotInHeap ? &s : nullptr;
}

bool EventQueue::Cancel(EventId id) {
  if (Find(id) == nullptr) return false;
  Dequeue(id.slot);
  --size_;
  // Destroyed last, after the lanes are whole: captured state may run code.
  Slot& s = ReleaseSlot(id.slot);
  if (s.target == nullptr) Callback dropped = std::move(s.cb);
  return true;
}

absl::Status EventQueue::Reschedule(EventId id, Instant t) {
  Slot* s = Find(id);
  if (s == nullptr) {
    return absl::NotFoundError(absl::StrCat("event ", id.serial, " already ran or was cancelled"));
  }
  if (t < clock_->Now() || t > kMaxVirtualTime) return CheckTime(t);
  // A fresh sequence number: it goes behind everything already at `t`, as a
  // cancel and a new schedule would.
  if (s->heap_pos != kInFifo) {
    const Entry moved{t, next_seq_++, id.slot};
    s->seq = moved.seq;
    const size_t i = s->heap_pos;
    if (i > 0 && Before(moved, heap_[(i - 1) / 2])) {
      SiftUp(i, moved);
    } else {
      SiftDown(i, moved);
    }
    return absl::OkStatus();
  }
  Dequeue(id.slot);
  Enqueue(t, id.slot);
  return absl::OkStatus();
}

void EventQueue::Place(size_t i, const Entry& e) {
  heap_[i] = e;
  slots_[e.slot].heap_pos = static_cast<uint32_t>(i);
}

void EventQueue::SiftUp(size_t i, Entry e) {
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!Before(e, heap_[parent])) break;
    Place(i, heap_[parent]);
    i = parent;
  }
  Place(i, e);
}

void EventQueue::SiftDown(size_t i, Entry e) {
  const size_t n = heap_.size();
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && Before(heap_[child + 1], heap_[child])) ++child;
    if (!Before(heap_[child], e)) break;
    Place(i, heap_[child]);
    i = child;
  }
  Place(i, e);
}

void EventQueue::RemoveAt(size_t i) {
  slots_[heap_[i].slot].heap_pos = kNotInHeap;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;
  if (i > 0 && Before(last, heap_[(i - 1) / 2])) {
    SiftUp(i, last);
  } else {
    SiftDown(i, last);
  }
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline EventQueue::Slot& EventQueue::ReleaseSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  s.serial = 0;
  s.seq = 0;
  s.heap_pos = kNotInHeap;
  free_slots_.Put(slot);
  return s;
}

bool EventQueue::RunNext() {
  if (size_ == 0) return false;
  RunFront();
  return true;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void EventQueue::RunFront() {
  const Entry e = Front();
  Dequeue(e.slot);
  --size_;
  Slot& s = ReleaseSlot(e.slot);
  // Cannot fail: every entry was scheduled at or after the clock's time.
  const absl::Status advanced = clock_->AdvanceTo(e.time);
  ABSL_RAW_CHECK(advanced.ok(), "an event was scheduled before now or past the time limit");
  if (Target* target = s.target; target != nullptr) {
    target->OnEvent(s.tag);  // the slot is free: nothing reads it after this
    return;
  }
  Callback cb = std::move(s.cb);
  cb();
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
  return RunThrough(t);
}

size_t EventQueue::RunThrough(Instant t) {
  ABSL_RAW_CHECK(t >= clock_->Now() && t <= kMaxVirtualTime, "RunThrough out of range");
  if (t == clock_->Now() && (size_ == 0 || Front().time > t)) return 0;  // nothing due
  size_t n = 0;
  while (size_ > 0 && Front().time <= t) {
    RunFront();
    ++n;
  }
  const absl::Status advanced = clock_->AdvanceTo(t);
  ABSL_RAW_CHECK(advanced.ok(), "RunThrough's target was checked above");
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
