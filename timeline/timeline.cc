#include "timeline/timeline.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace timeline {
namespace {

using platform::TraceEventKind;

// Lane order: loop, pool-0, pool-1, ... by number, then anything else by name.
bool LaneBefore(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& name, int64_t* n) {
    if (name == "loop") return 0;
    absl::string_view rest = name;
    if (absl::ConsumePrefix(&rest, "pool-") && absl::SimpleAtoi(rest, n)) return 1;
    return 2;
  };
  int64_t na = 0, nb = 0;
  const int ra = rank(a, &na), rb = rank(b, &nb);
  if (ra != rb) return ra < rb;
  if (ra == 1 && na != nb) return na < nb;
  return a < b;
}

}  // namespace

std::string PoolTask::name() const {
  return label.empty() ? absl::StrCat("work ", id) : label;
}

double NiceTickStep(double raw) {
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * p >= raw * (1 - 1e-9)) return m * p;
  }
  return 10 * p;
}

RowPacking PackRows(const std::vector<std::pair<int64_t, int64_t>>& spans, int max_rows) {
  RowPacking out;
  out.row.assign(spans.size(), -1);
  std::vector<size_t> order(spans.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return spans[a].first < spans[b].first; });
  using FreeRow = std::pair<int64_t, int>;  // (free from, row): a min-heap
  std::priority_queue<FreeRow, std::vector<FreeRow>, std::greater<FreeRow>> free_rows;
  for (size_t i : order) {
    const auto [start, end] = spans[i];
    int row;
    if (!free_rows.empty() && free_rows.top().first <= start) {
      row = free_rows.top().second;
      free_rows.pop();
    } else if (out.rows < max_rows) {
      row = out.rows++;
    } else {
      ++out.unplaced;
      continue;
    }
    out.row[i] = row;
    free_rows.push({end, row});
  }
  return out;
}

int Timeline::LaneIndex(const std::string& name) const {
  for (size_t i = 0; i < lanes.size(); ++i) {
    if (lanes[i] == name) return static_cast<int>(i);
  }
  return -1;
}

TimelineBuilder::TimelineBuilder(int pool_size) {
  Lane("loop");
  for (int i = 0; i < pool_size && i < 1024; ++i) Lane(absl::StrCat("pool-", i));
}

int TimelineBuilder::Lane(const std::string& thread) {
  if (t_.lanes.empty()) {
    t_.lanes.push_back("loop");
    lane_index_["loop"] = 0;
  }
  // Every trace event names its thread: a hash lookup, not a scan of lanes.
  auto [it, added] = lane_index_.try_emplace(thread, static_cast<int>(t_.lanes.size()));
  if (added) t_.lanes.push_back(thread);
  return it->second;
}

bool TimelineBuilder::Keep() {
  if (items_ >= kMaxItems) {
    ++t_.dropped;
    return false;
  }
  ++items_;
  return true;
}

void TimelineBuilder::ClosePoll(int64_t t_ns) {
  if (poll_start_ns_ < 0) return;
  if (Keep()) {
    t_.loop_slices.push_back({.kind = LoopSlice::Kind::kPoll,
                              .start_ns = poll_start_ns_,
                              .end_ns = std::max(t_ns, poll_start_ns_),
                              .name = "poll",
                              .phase = "poll",
                              .detail = poll_timeout_});
  }
  poll_start_ns_ = -1;
}

void TimelineBuilder::Record(platform::TraceEvent e) {
  std::lock_guard<std::mutex> lock(mu_);
  t_.end_ns = std::max(t_.end_ns, e.t_ns);
  const int lane = Lane(e.thread);
  // The poll phase's wait ends at the loop's next event.
  if (lane == 0 && e.event != TraceEventKind::kPoll) ClosePoll(e.t_ns);
  switch (e.event) {
    case TraceEventKind::kCallbackBegin:
      if (callbacks_.empty() && e.kind == "work") labelling_task_ = e.id;
      callbacks_.push_back({std::move(e.kind), std::move(e.phase), e.id, e.t_ns});
      break;
    case TraceEventKind::kCallbackEnd: {
      if (callbacks_.empty()) break;  // a trace cut at its start
      Open open = std::move(callbacks_.back());
      callbacks_.pop_back();
      if (callbacks_.empty()) labelling_task_ = -1;
      if (Keep()) {
        t_.loop_slices.push_back({.kind = LoopSlice::Kind::kCallback,
                                  .start_ns = open.start_ns,
                                  .end_ns = e.t_ns,
                                  .depth = static_cast<int>(callbacks_.size()),
                                  .name = std::move(open.kind),
                                  .phase = std::move(open.phase),
                                  .id = open.id});
      }
      break;
    }
    case TraceEventKind::kCpuBegin:
      cpu_start_ns_ = e.t_ns;
      break;
    case TraceEventKind::kCpuEnd:
      if (cpu_start_ns_ >= 0 && Keep()) {
        t_.loop_slices.push_back({.kind = LoopSlice::Kind::kCpu,
                                  .start_ns = cpu_start_ns_,
                                  .end_ns = e.t_ns,
                                  .depth = static_cast<int>(callbacks_.size()),
                                  .name = "cpu"});
      }
      cpu_start_ns_ = -1;
      break;
    case TraceEventKind::kPoll:
      ClosePoll(e.t_ns);
      poll_start_ns_ = e.t_ns;
      poll_timeout_ = std::move(e.detail);
      break;
    case TraceEventKind::kLog:
      if (labelling_task_ >= 0) {
        auto it = task_index_.find(labelling_task_);
        if (it != task_index_.end() && t_.tasks[it->second].label.empty()) {
          t_.tasks[it->second].label = e.detail;
        }
      }
      if (Keep()) {
        t_.instants.push_back({Instant::Kind::kLog, lane, e.t_ns, std::move(e.detail)});
      }
      break;
    case TraceEventKind::kError:
      if (Keep()) {
        t_.instants.push_back({Instant::Kind::kError, lane, e.t_ns, std::move(e.detail)});
      }
      break;
    case TraceEventKind::kIoComplete:
      if (Keep()) {
        t_.instants.push_back(
            {Instant::Kind::kNetworkDone, lane, e.t_ns, absl::StrCat("net ", e.id)});
      }
      break;
    case TraceEventKind::kPoolEnqueue:
      if (task_index_.contains(e.id) || !Keep()) break;
      task_index_[e.id] = t_.tasks.size();
      t_.tasks.push_back({.id = e.id, .enqueue_ns = e.t_ns});
      break;
    case TraceEventKind::kPoolStart:
    case TraceEventKind::kPoolFinish:
    case TraceEventKind::kPoolCancel: {
      auto it = task_index_.find(e.id);
      if (it == task_index_.end()) break;  // dropped, or a trace cut at its start
      PoolTask& task = t_.tasks[it->second];
      if (e.event == TraceEventKind::kPoolStart) {
        task.start_ns = e.t_ns;
        task.lane = lane;
      } else if (e.event == TraceEventKind::kPoolFinish) {
        task.finish_ns = e.t_ns;
      } else {
        task.cancelled = true;
        task.cancel_ns = e.t_ns;
      }
      break;
    }
    default:
      break;
  }
}

Timeline TimelineBuilder::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (t_.lanes.empty()) t_.lanes.push_back("loop");
  const int64_t end = t_.end_ns;
  ClosePoll(end);
  if (cpu_start_ns_ >= 0 && Keep()) {  // a run stopped while the loop computed
    t_.loop_slices.push_back({.kind = LoopSlice::Kind::kCpu,
                              .start_ns = cpu_start_ns_,
                              .end_ns = end,
                              .depth = static_cast<int>(callbacks_.size()),
                              .name = "cpu"});
  }
  while (!callbacks_.empty()) {  // a run stopped inside a callback
    Open open = std::move(callbacks_.back());
    callbacks_.pop_back();
    if (Keep()) {
      t_.loop_slices.push_back({.start_ns = open.start_ns,
                                .end_ns = end,
                                .depth = static_cast<int>(callbacks_.size()),
                                .name = std::move(open.kind),
                                .phase = std::move(open.phase),
                                .id = open.id});
    }
  }
  std::stable_sort(t_.loop_slices.begin(), t_.loop_slices.end(),
                   [](const LoopSlice& a, const LoopSlice& b) {
                     return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.depth < b.depth;
                   });
  // Lanes were numbered as they appeared; put them in reading order.
  std::vector<std::string> sorted = t_.lanes;
  std::stable_sort(sorted.begin() + 1, sorted.end(), LaneBefore);
  std::vector<int> new_index(t_.lanes.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    new_index[lane_index_.at(sorted[i])] = static_cast<int>(i);
  }
  for (PoolTask& task : t_.tasks) {
    if (task.lane >= 0) task.lane = new_index[task.lane];
  }
  for (Instant& i : t_.instants) i.lane = new_index[i.lane];
  t_.lanes = std::move(sorted);
  Timeline out = std::move(t_);
  t_ = Timeline();
  lane_index_.clear();
  callbacks_.clear();
  task_index_.clear();
  items_ = 0;
  labelling_task_ = -1;
  cpu_start_ns_ = -1;
  return out;
}

}  // namespace timeline
