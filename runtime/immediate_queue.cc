#include "runtime/immediate_queue.h"

#include <utility>

namespace runtime {

ImmediateQueue::ImmediateQueue(absl::AnyInvocable<void(bool)> toggle_ref)
    : toggle_ref_(std::move(toggle_ref)) {}

Immediate ImmediateQueue::Push(absl::AnyInvocable<void()> callback) {
  auto im = std::make_shared<ImmediateState>();
  im->owner_ = this;
  im->id_ = next_id_++;
  im->callback_ = std::move(callback);
  ++count_;
  if (ref_count_++ == 0) toggle_ref_(true);
  queue_.push_back(im);
  return im;
}

void ImmediateQueue::Clear(const Immediate& im) {
  if (im == nullptr || im->destroyed_) return;
  --count_;
  im->destroyed_ = true;
  if (im->refed_ && --ref_count_ == 0) toggle_ref_(false);
  im->refed_ = false;
  // It stays in its queue and is skipped when reached (Node unlinks it; the
  // observable order is the same). A running callback was moved out before
  // it ran, so this never destroys a callback on the stack.
  im->callback_ = nullptr;
}

bool ImmediateQueue::Process(
    absl::FunctionRef<bool(ImmediateState&, absl::AnyInvocable<void()>&)> run) {
  // Run leftovers from a failed pass first; otherwise take a snapshot so
  // immediates queued from now on wait for the next iteration.
  if (outstanding_.empty()) std::swap(outstanding_, queue_);
  while (!outstanding_.empty()) {
    Immediate im = std::move(outstanding_.front());
    outstanding_.pop_front();
    if (im->destroyed_) continue;
    im->destroyed_ = true;
    --count_;
    if (im->refed_) --ref_count_;
    im->refed_ = false;  // Node: immediate[kRefed] = null once it ran
    absl::AnyInvocable<void()> cb = std::move(im->callback_);
    if (!run(*im, cb)) return false;
  }
  return true;
}

}  // namespace runtime
