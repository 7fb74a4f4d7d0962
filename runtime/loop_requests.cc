// Requests (pool work, network round trips), the poll phase and the pending
// phase: what libuv's uv__io_poll, uv__work_done and uv__run_pending do.
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "runtime/loop.h"

namespace runtime {

RequestId Loop::AddRequest(Request::Kind kind, Done&& done) {
  return requests_.Emplace(kind, kind == Request::Kind::kWork ? "work" : "net", std::move(done));
}

absl::StatusOr<RequestId> Loop::QueueWork(platform::PoolWork work, Done after) {
  absl::Status s = CheckUsable("QueueWork");
  if (!s.ok()) return s;
  if (!after) return absl::InvalidArgumentError("Loop::QueueWork: empty after callback");
  for (size_t i = 0; i < work.segments.size(); ++i) {
    if (work.segments[i].duration < Duration::Zero()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Loop::QueueWork: segment ", i, " has negative duration ",
                       work.segments[i].duration.nanos(), " ns"));
    }
  }
  const RequestId id = AddRequest(Request::Kind::kWork, std::move(after));
  platform_->SubmitWork(id, std::move(work));
  return id;
}

absl::Status Loop::CancelWork(RequestId id) {
  absl::Status s = CheckUsable("CancelWork", /*creates_work=*/false);
  if (!s.ok()) return s;
  const Request* req = requests_.Find(id);
  if (req == nullptr || req->kind == Request::Kind::kNetwork) {
    return absl::NotFoundError(
        absl::StrCat("Loop::CancelWork: no pending pool work or file/dns request ", id));
  }
  return platform_->Cancel(id);
}

absl::StatusOr<RequestId> Loop::StartNetwork(Duration nominal_latency, Done done) {
  absl::Status s = CheckUsable("StartNetwork");
  if (!s.ok()) return s;
  if (!done) return absl::InvalidArgumentError("Loop::StartNetwork: empty callback");
  if (nominal_latency < Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::StartNetwork: latency must be >= 0, got ", nominal_latency.nanos(), " ns"));
  }
  const RequestId id = AddRequest(Request::Kind::kNetwork, std::move(done));
  platform_->StartNetwork(id, {nominal_latency});
  return id;
}

absl::Status Loop::ConsumeCpu(Duration duration) {
  absl::Status s = CheckUsable("ConsumeCpu", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (duration < Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::ConsumeCpu: duration must be >= 0, got ", duration.nanos(), " ns"));
  }
  if (tracing()) Trace(platform::TraceEventKind::kCpuBegin, "", -1, absl::StrCat(duration.nanos()));
  absl::StatusOr<Instant> end = platform_->ConsumeCpu(duration);
  // The time the platform reports is a read like any other (never earlier
  // than the last one), but not a loop time update: libuv does not update
  // the loop time after a busy callback.
  if (end.ok() && *end > last_read_) last_read_ = *end;
  if (tracing()) Trace(platform::TraceEventKind::kCpuEnd);
  return end.status();
}

absl::Status Loop::Log(std::string_view label) {
  absl::Status s = CheckUsable("Log", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (tracing()) Trace(platform::TraceEventKind::kLog, "", -1, label);
  return absl::OkStatus();
}

void Loop::PollPhase(int64_t timeout_ms) {
  phase_ = Phase::kPoll;
  if (HasUndelivered()) timeout_ms = 0;
  // Node configures UV_METRICS_IDLE_TIME, so uv__io_poll first polls with
  // timeout 0, updates the loop time, and waits only for what is left of the
  // timeout measured from the loop time it started with. CPU burnt in
  // callbacks since the time was last read therefore does not delay timers.
  // A poll that may not wait makes that first poll only, and so one time
  // update (after it, below).
  //
  // When no callback ran since the last read (the timers phase found
  // nothing due: a busy socket loop), that read stands for this one: only
  // the loop's own bookkeeping came between, well under a microsecond,
  // which then counts as idle. On the simulated platform the two reads
  // would be equal. A loopback TCP exchange polls once per message, and a
  // clock read is 16 ns on a KVM guest.
  const bool may_wait = timeout_ms != 0;
  if (may_wait && callbacks_run_ != callbacks_at_read_) {
    const int64_t base_ms = now_ms_;
    UpdateTime();
    if (timeout_ms > 0) timeout_ms = std::max<int64_t>(0, timeout_ms - (now_ms_ - base_ms));
  }
  if (tracing()) Trace(platform::TraceEventKind::kPoll, "", -1, absl::StrCat(timeout_ms));
  // Completions a failed callback left behind are delivered first, without
  // asking the platform: they were polled already.
  if (!HasUndelivered()) {
    polled_.clear();
    delivered_ = 0;
    const Instant poll_start = last_read_;
    const absl::Status s = platform_->Poll(
        timeout_ms < 0 ? platform::kWaitForever : Duration::Millis(timeout_ms), &polled_);
    // uv__io_poll updates the loop time when epoll returns. A poll that
    // could not wait and found nothing leaves it, as libuv's does when
    // nothing is watched (it returns before epoll): the loop reads the
    // clock before this iteration's timers phase anyway, and JavaScript never sees
    // the loop time without a fresh read (Node's GetNow updates it). That
    // halves the clock reads of a setImmediate chain or an idle handle.
    if (may_wait || !polled_.empty()) UpdateTime();
    // Node's idle time (uv_metrics_idle_time): the time spent in the wait,
    // between the two reads uv__io_poll makes anyway. libuv stamps the
    // provider's entry only for a poll that may wait (timeout != 0).
    if (may_wait) counters_.idle = counters_.idle + (last_read_ - poll_start);
    if (!s.ok()) {
      Fail(s);
      return;
    }
  }
  while (HasUndelivered() && error_.ok()) Deliver(polled_[delivered_++], Phase::kPoll);
}

void Loop::FinishRequest(RequestId id, Request& req, absl::Status&& status,
                         platform::Result& result) {
  if (req.kind == Request::Kind::kWrite) {
    FinishWrite(req.socket, req.bytes, id, std::move(status), std::get<Done>(req.cb));
  } else {
    req.Finish(std::move(status), result);
  }
}

void Loop::Deliver(platform::Completion& c, Phase phase) {
  Request* found = requests_.Find(c.token);
  if (found == nullptr) {
    // The platform broke its contract; say so rather than drop it.
    Fail(absl::InternalError(
        absl::StrCat("platform delivered a completion for unknown request ", c.token)));
    return;
  }
  if (c.deferred && phase == Phase::kPoll) {
    pending_.push_back(std::move(c));  // uv__io_feed: run in the pending phase
    return;
  }
  if (found->persist != Request::Persist::kNo && c.status.ok() &&
      (found->persist == Request::Persist::kUntilError || !c.result.data.empty())) {
    // One more of a stream of completions: the request stays. Its callback
    // is moved out while it runs (it may add requests, which may move it,
    // or cancel it); it is looked up again only if the table moved anything.
    IoDone cb = std::move(found->io_done());
    const uint64_t moves = requests_.moves();
    RunMacrotask(phase, found->name, static_cast<int64_t>(c.token),
                 [&cb, &c] { cb(absl::OkStatus(), c.result); });
    Request* again = requests_.moves() == moves ? found : requests_.Find(c.token);
    if (again != nullptr) again->io_done() = std::move(cb);
    return;
  }
  // The request leaves the table but its callback runs where it lies: the
  // table's slots never move, and moving the callable out cost a tenth of
  // the simulator's virtual hour.
  Request& req = *requests_.Detach(c.token);
  absl::Cleanup release = [this] { requests_.Release(); };
  // Work cancelled before it started never waited for a thread to the end.
  // Only pool requests waited for a thread.
  if ((req.kind == Request::Kind::kWork || req.kind == Request::Kind::kIo) &&
      c.status.code() != absl::StatusCode::kCancelled) {
    histograms_->queue_wait.Record(c.queue_wait);
  }
  RunMacrotask(phase, req.name, static_cast<int64_t>(c.token),
               [this, &req, &c] { FinishRequest(c.token, req, std::move(c.status), c.result); });
}

void Loop::RunPendingBatch() {
  // uv__run_pending: a snapshot; what is deferred meanwhile waits a turn.
  std::deque<platform::Completion> batch;
  batch.swap(pending_);
  while (!batch.empty() && error_.ok()) {
    platform::Completion c = std::move(batch.front());
    batch.pop_front();
    Deliver(c, Phase::kPending);
  }
  // After a failure the rest run first next time.
  for (auto it = batch.rbegin(); it != batch.rend(); ++it) pending_.push_front(std::move(*it));
}

absl::Status Loop::CancelAllRequests() {
  absl::Status first;
  auto note = [&] {
    if (!error_.ok() && first.ok()) first = error_;
    error_ = absl::OkStatus();
    stop_ = false;
  };
  // Completions already received keep their own status.
  while (HasUndelivered()) {
    Deliver(polled_[delivered_++], Phase::kShutdown);
    note();
  }
  polled_.clear();
  delivered_ = 0;
  while (!pending_.empty()) {
    platform::Completion c = std::move(pending_.front());
    pending_.pop_front();
    Deliver(c, Phase::kShutdown);
    note();
  }
  // The rest are cancelled where the platform can (queued pool work never
  // runs; a round trip stops); either way no poll will deliver them now.
  for (RequestId id : requests_.Ids()) {
    // FAILED_PRECONDITION (pool work already running) changes nothing here.
    platform_->Cancel(id).IgnoreError();
    std::optional<Request> taken = requests_.Take(id);
    if (!taken) continue;
    Request req = std::move(*taken);
    platform::Result none;
    RunMacrotask(Phase::kShutdown, req.name, static_cast<int64_t>(id), [this, id, &req, &none] {
      FinishRequest(id, req, absl::CancelledError("the loop is shutting down"), none);
    });
    note();
  }
  return first;
}

}  // namespace runtime
