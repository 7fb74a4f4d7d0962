// The Node-facing facade: timers, immediates, nextTick and microtasks, and
// the loop's clocks. Each call checks the thread and the loop's state, then
// hands over to TimerLists, ImmediateQueue or TaskQueues.
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

absl::Status CheckTimer(const TimerLists& lists, const Timer& t, const char* method) {
  if (t == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("Loop::", method, ": null timer"));
  }
  if (!lists.Owns(t)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Loop::", method, ": timer ", t->id(), " belongs to another loop"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Timer> Loop::SetTimeout(Callback cb, double delay_ms) {
  absl::Status s = CheckUsable("SetTimeout");
  if (!s.ok()) return s;
  if (!cb) return absl::InvalidArgumentError("Loop::SetTimeout: empty callback");
  return timers_.SetTimeout(std::move(cb), delay_ms);
}

absl::StatusOr<Timer> Loop::SetInterval(Callback cb, double delay_ms) {
  absl::Status s = CheckUsable("SetInterval");
  if (!s.ok()) return s;
  if (!cb) return absl::InvalidArgumentError("Loop::SetInterval: empty callback");
  return timers_.SetInterval(std::move(cb), delay_ms);
}

absl::Status Loop::ClearTimeout(const Timer& t) {
  absl::Status s = CheckUsable("ClearTimeout", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (t == nullptr) return absl::OkStatus();  // clearTimeout(undefined)
  s = CheckTimer(timers_, t, "ClearTimeout");
  if (!s.ok()) return s;
  timers_.Clear(t);
  return absl::OkStatus();
}

absl::Status Loop::Ref(const Timer& t) {
  absl::Status s = CheckUsable("Ref", /*creates_work=*/false);
  if (s.ok()) s = CheckTimer(timers_, t, "Ref");
  if (!s.ok()) return s;
  timers_.Ref(t);
  return absl::OkStatus();
}

absl::Status Loop::Unref(const Timer& t) {
  absl::Status s = CheckUsable("Unref", /*creates_work=*/false);
  if (s.ok()) s = CheckTimer(timers_, t, "Unref");
  if (!s.ok()) return s;
  timers_.Unref(t);
  return absl::OkStatus();
}

absl::Status Loop::Refresh(const Timer& t) {
  absl::Status s = CheckUsable("Refresh");
  if (s.ok()) s = CheckTimer(timers_, t, "Refresh");
  if (!s.ok()) return s;
  timers_.Refresh(t);
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::HasRef(const Timer& t) const {
  absl::Status s = CheckUsable("HasRef", /*creates_work=*/false);
  if (s.ok()) s = CheckTimer(timers_, t, "HasRef");
  if (!s.ok()) return s;
  return t->has_ref();
}

absl::StatusOr<Timer> Loop::CurrentTimer() const {
  absl::Status s = CheckUsable("CurrentTimer", /*creates_work=*/false);
  if (!s.ok()) return s;
  Timer t = timers_.Current();
  if (t == nullptr) {
    return absl::FailedPreconditionError("Loop::CurrentTimer: no timer callback is running");
  }
  return t;
}

absl::StatusOr<Immediate> Loop::SetImmediate(Callback cb) {
  absl::Status s = CheckUsable("SetImmediate");
  if (!s.ok()) return s;
  if (!cb) return absl::InvalidArgumentError("Loop::SetImmediate: empty callback");
  return immediates_.Push(std::move(cb));
}

absl::Status Loop::ClearImmediate(Immediate im) {
  absl::Status s = CheckUsable("ClearImmediate", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (!im) return absl::OkStatus();
  if (!immediates_.Owns(im)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::ClearImmediate: immediate ", im.id, " belongs to another loop"));
  }
  immediates_.Clear(im);
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::ImmediatePending(Immediate im) const {
  absl::Status s = CheckUsable("ImmediatePending", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (im && !immediates_.Owns(im)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::ImmediatePending: immediate ", im.id, " belongs to another loop"));
  }
  return immediates_.Pending(im);
}

// Ticks and microtasks may still be queued while the loop shuts down: they
// drain after the callbacks Shutdown runs.
absl::Status Loop::NextTick(Callback cb) {
  absl::Status s = CheckUsable("NextTick", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (!cb) return absl::InvalidArgumentError("Loop::NextTick: empty callback");
  tasks_.PushTick(std::move(cb));
  return absl::OkStatus();
}

absl::Status Loop::QueueMicrotask(Callback cb) {
  absl::Status s = CheckUsable("QueueMicrotask", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (!cb) return absl::InvalidArgumentError("Loop::QueueMicrotask: empty callback");
  tasks_.PushMicrotask(std::move(cb));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Loop::NowMs() const {
  absl::Status s = CheckUsable("NowMs", /*creates_work=*/false);
  if (!s.ok()) return s;
  return now_ms_;
}

absl::StatusOr<Instant> Loop::HrTime() {
  absl::Status s = CheckUsable("HrTime", /*creates_work=*/false);
  if (!s.ok()) return s;
  // A read of its own (process.hrtime), not a loop time update.
  const Instant now = platform_->Now();
  if (now > last_read_) last_read_ = now;
  return last_read_;
}

}  // namespace runtime
