// The handle registry: idle, prepare and check handles, and closing (libuv's
// src/unix/loop-watcher.c and uv_close).
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

const char* HandleKind(HandleType t) {
  switch (t) {
    case HandleType::kIdle: return "idle";
    case HandleType::kPrepare: return "prepare";
    case HandleType::kCheck: return "check";
  }
  return "?";
}

}  // namespace

void Loop::StartWatcher(Handle* h) {
  if (h->active) return;
  h->active = true;
  // libuv inserts at the head: the handle started last runs first.
  std::list<Handle*>& list = ListFor(h->type);
  list.push_front(h);
  h->in = &list;
  h->pos = list.begin();
  if (h->refed) ++active_ref_handles_;
}

void Loop::StopWatcher(Handle* h) {
  if (!h->active) return;
  ABSL_RAW_CHECK(h->in != nullptr, "an active handle is in no list");
  h->active = false;
  h->in->erase(h->pos);
  h->in = nullptr;
  if (h->refed) {
    ABSL_RAW_CHECK(active_ref_handles_ > 0, "the count of active ref'd handles went below 0");
    --active_ref_handles_;
  }
}

absl::StatusOr<Loop::Handle*> Loop::FindHandle(HandleId id, const char* method) {
  absl::Status s = CheckUsable(method, /*creates_work=*/false);
  if (!s.ok()) return s;
  auto it = handles_.find(id);
  if (it == handles_.end()) {
    return absl::NotFoundError(absl::StrCat("Loop::", method, ": unknown handle ", id,
                                            " (never created, or already closed)"));
  }
  return it->second.get();
}

absl::StatusOr<HandleId> Loop::NewHandle(HandleType type) {
  absl::Status s = CheckUsable("NewHandle");
  if (!s.ok()) return s;
  auto h = std::make_unique<Handle>();
  h->id = next_handle_id_++;
  h->type = type;
  const HandleId id = h->id;
  handles_.emplace(id, std::move(h));
  return id;
}

absl::Status Loop::StartHandle(HandleId id, Callback cb) {
  absl::StatusOr<Handle*> h = FindHandle(id, "StartHandle");
  if (!h.ok()) return h.status();
  if (state_ == State::kShuttingDown) {
    return absl::FailedPreconditionError("Loop::StartHandle: the loop is shutting down");
  }
  if ((*h)->closing) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::StartHandle: handle ", id, " is closing"));
  }
  if (!cb) return absl::InvalidArgumentError("Loop::StartHandle: empty callback");
  // uv_idle_start on an active handle is a no-op that keeps the old callback.
  if ((*h)->active) return absl::OkStatus();
  (*h)->cb = std::move(cb);
  StartWatcher(*h);
  return absl::OkStatus();
}

absl::Status Loop::StopHandle(HandleId id) {
  absl::StatusOr<Handle*> h = FindHandle(id, "StopHandle");
  if (!h.ok()) return h.status();
  StopWatcher(*h);
  return absl::OkStatus();
}

absl::Status Loop::RefHandle(HandleId id) {
  absl::StatusOr<Handle*> h = FindHandle(id, "RefHandle");
  if (!h.ok()) return h.status();
  if (!(*h)->refed) {
    (*h)->refed = true;
    if ((*h)->active) ++active_ref_handles_;
  }
  return absl::OkStatus();
}

absl::Status Loop::UnrefHandle(HandleId id) {
  absl::StatusOr<Handle*> h = FindHandle(id, "UnrefHandle");
  if (!h.ok()) return h.status();
  if ((*h)->refed) {
    (*h)->refed = false;
    if ((*h)->active) {
      ABSL_RAW_CHECK(active_ref_handles_ > 0, "the count of active ref'd handles went below 0");
      --active_ref_handles_;
    }
  }
  return absl::OkStatus();
}

absl::Status Loop::CloseHandle(HandleId id, Callback on_close) {
  absl::StatusOr<Handle*> h = FindHandle(id, "CloseHandle");
  if (!h.ok()) return h.status();
  if ((*h)->closing) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::CloseHandle: handle ", id, " is already closing"));
  }
  (*h)->closing = true;
  StopWatcher(*h);
  (*h)->close_cb = std::move(on_close);
  // libuv pushes onto loop->closing_handles, so the last closed runs first.
  closing_.push_front(*h);
  return absl::OkStatus();
}

void Loop::CloseAllHandles() {
  // In id order, so the close callbacks run newest first, as libuv's stack.
  std::vector<HandleId> open;
  for (const auto& [id, h] : handles_) {
    if (!h->closing) open.push_back(id);
  }
  std::sort(open.begin(), open.end());
  for (HandleId id : open) {
    Handle* h = handles_.at(id).get();
    h->closing = true;
    StopWatcher(h);
    closing_.push_front(h);
  }
}

void Loop::RunWatcherList(std::list<Handle*>& list, HandleType type, Phase phase) {
  // uv__run_idle/prepare/check: move the list aside; each handle goes back
  // before its callback runs, so handles started meanwhile wait a turn.
  std::list<Handle*> queue;
  queue.splice(queue.begin(), list);
  for (Handle* h : queue) h->in = &queue;
  while (!queue.empty() && error_.ok()) {
    Handle* h = queue.front();
    list.splice(list.end(), queue, queue.begin());
    h->in = &list;
    if (h->internal) {
      h->cb();
      continue;
    }
    Callback cb = std::move(h->cb);
    RunMacrotask(phase, HandleKind(type), static_cast<int64_t>(h->id), cb);
    if (!h->cb) h->cb = std::move(cb);  // unless the callback restarted it
  }
  for (Handle* h : queue) h->in = &list;
  list.splice(list.end(), queue);
}

void Loop::RunClosingBatch() {
  std::deque<Handle*> batch;
  batch.swap(closing_);
  while (!batch.empty()) {
    Handle* h = batch.front();
    batch.pop_front();
    auto node = handles_.extract(h->id);
    std::unique_ptr<Handle> owned = std::move(node.mapped());
    if (owned->close_cb) {
      RunMacrotask(Phase::kClose, "close", static_cast<int64_t>(owned->id), owned->close_cb);
    }
    if (!error_.ok()) break;
  }
  // After a failure the rest close next time, before anything closed since.
  closing_.insert(closing_.begin(), batch.begin(), batch.end());
}

}  // namespace runtime
