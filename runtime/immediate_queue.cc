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
  if (!im || !Owns(im) || im.id == running_) return false;
  const Entry* e = Find(im.id);
  return e != nullptr && !e->cleared;
}

void ImmediateQueue::Clear(Immediate im) {
  // The running one has run, for Node: clearing it is a no-op (and must not
  // destroy the callback on the stack).
  if (!im || !Owns(im) || im.id == running_) return;
  Entry* e = const_cast<Entry*>(Find(im.id));
  if (e == nullptr || e->cleared) return;
  // It stays in its queue and is skipped when reached (Node unlinks it; the
  // observable order is the same).
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

}  // namespace runtime
