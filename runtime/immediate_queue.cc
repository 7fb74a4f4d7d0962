#include "runtime/immediate_queue.h"

#include <algorithm>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "runtime/generation.h"

namespace runtime {

ImmediateQueue::ImmediateQueue(absl::AnyInvocable<void(bool)> toggle_ref)
    : toggle_ref_(std::move(toggle_ref)),
      generation_(NextGeneration()) {}

Immediate ImmediateQueue::Push(absl::AnyInvocable<void()> callback) {
  const uint64_t id = next_id_++;
  queue_.push_back({id, false, std::move(callback)});
  if (count_++ == 0) toggle_ref_(true);
  return {generation_, id};
}

const ImmediateQueue::Entry* ImmediateQueue::Find(uint64_t id) const {
  for (const std::deque<Entry>* q : {&outstanding_, &queue_}) {
    auto it = std::lower_bound(q->begin(), q->end(), id,
                               [](const Entry& e, uint64_t v) { return e.id < v; });
    if (it != q->end() && it->id == id) return &*it;
  }
  return nullptr;
}

bool ImmediateQueue::Pending(Immediate im) const {
  if (!im || !Owns(im)) return false;
  const Entry* e = Find(im.id);
  return e != nullptr && !e->cleared;
}

void ImmediateQueue::Clear(Immediate im) {
  if (!im || !Owns(im)) return;
  Entry* e = const_cast<Entry*>(Find(im.id));
  if (e == nullptr || e->cleared) return;
  // It stays in its queue and is skipped when reached (Node unlinks it; the
  // observable order is the same). A running callback was moved out of its
  // entry before it ran, so this never destroys a callback on the stack.
  e->cleared = true;
  e->callback = nullptr;
  ABSL_RAW_CHECK(count_ > 0, "the immediate count went below 0");
  if (--count_ == 0) toggle_ref_(false);
}

void ImmediateQueue::ClearAll() {
  const bool had = count_ > 0;
  queue_.clear();
  outstanding_.clear();
  count_ = 0;
  if (had) toggle_ref_(false);
}

bool ImmediateQueue::Process(
    absl::FunctionRef<bool(uint64_t id, absl::AnyInvocable<void()>&)> run) {
  // Run leftovers from a failed pass first; otherwise take a snapshot so
  // immediates queued from now on wait for the next iteration. Leftovers that
  // were all cleared since must not cost the new ones an iteration.
  while (!outstanding_.empty() && outstanding_.front().cleared) outstanding_.pop_front();
  if (outstanding_.empty()) std::swap(outstanding_, queue_);
  while (!outstanding_.empty()) {
    Entry e = std::move(outstanding_.front());
    outstanding_.pop_front();
    if (e.cleared) continue;
    ABSL_RAW_CHECK(count_ > 0, "the immediate count went below 0");
    --count_;
    if (!run(e.id, e.callback)) return false;
  }
  return true;
}

}  // namespace runtime
