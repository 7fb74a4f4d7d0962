// Timeline: a run's trace reshaped into lanes and bars, the form every
// picture of it is drawn from (Chrome trace, SVG, the ASCII lanes of
// examples/signup).
//
// TimelineBuilder is a platform::TraceSink: give it to the platform (alone,
// or beside a trace writer through platform::TeeTraceSink) and it turns
// begin/end event pairs into intervals as the run goes, so a run is never
// stored twice. Lanes are the threads the trace names: "loop", then
// "pool-0", "pool-1", ... in number order, then "net" when the network
// completed something.
//
// What becomes what:
// - loop lane: every callback (cb_begin..cb_end, nested callbacks one level
//   deeper), every loop-thread `cpu` op (cpu_begin..cpu_end), and every wait
//   in the poll phase (from `poll` to the loop's next event);
// - pool lanes: each pool task from pool_start to pool_finish; its queue wait
//   is the interval from pool_enqueue to pool_start;
// - instants: log labels (loop), errors (loop), network completions (net).
// A task is labelled by the first log line its completion callback writes,
// so a picture of a scenario shows the names the scenario gave.
//
// Memory is bounded: after kMaxItems intervals and instants the builder keeps
// counting but stores nothing more, and the timeline says it was truncated.
//
// Threading: Record may be called from any thread (pool threads on the real
// platform); it serialises on a mutex. Finish is called once, after the run.
#ifndef TWINLOOP_TIMELINE_TIMELINE_H_
#define TWINLOOP_TIMELINE_TIMELINE_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "platform/trace.h"

namespace timeline {

// An interval on the loop lane.
struct LoopSlice {
  enum class Kind { kCallback, kCpu, kPoll };
  Kind kind = Kind::kCallback;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int depth = 0;       // 0 for a callback the loop ran; +1 per enclosing one
  std::string name;    // callback kind ("timeout", "work", ...), "cpu" or "poll"
  std::string phase;   // the loop phase, for callbacks
  int64_t id = -1;     // timer, immediate or request id; -1 when none
  std::string detail;  // poll: its timeout in ms (-1: none)
};

// A pool task: queued at enqueue_ns, run on `lane` from start_ns to finish_ns.
struct PoolTask {
  int64_t id = -1;        // the request id the trace gives it
  int64_t enqueue_ns = -1;
  int64_t start_ns = -1;  // -1: never started (cancelled, or the run ended)
  int64_t finish_ns = -1; // -1: not finished when the run ended
  int lane = -1;          // index into Timeline::lanes; -1 until started
  bool cancelled = false;
  int64_t cancel_ns = -1; // when it was cancelled (pool_cancel), or -1
  std::string label;      // first log line of its completion callback

  int64_t queue_wait_ns() const { return start_ns < 0 ? -1 : start_ns - enqueue_ns; }
  // When it stopped waiting in the queue: started, cancelled, or (-1) never.
  int64_t wait_end_ns() const { return start_ns >= 0 ? start_ns : cancel_ns; }
  // What pictures call it: its label, or "work <id>".
  std::string name() const;
};

struct Instant {
  enum class Kind { kLog, kError, kNetworkDone };
  Kind kind = Kind::kLog;
  int lane = 0;
  int64_t t_ns = 0;
  std::string name;  // the label, the error message, or "net <id>"
};

struct Timeline {
  std::vector<std::string> lanes;      // lanes[0] == "loop"
  std::vector<LoopSlice> loop_slices;  // by start time, outer before inner
  std::vector<PoolTask> tasks;         // by enqueue order
  std::vector<Instant> instants;       // in trace order
  int64_t end_ns = 0;                  // the latest time the trace reached
  int64_t dropped = 0;                 // items not kept (memory bound)

  // Index of a lane by name, or -1.
  int LaneIndex(const std::string& name) const;
};

// An axis step for a span that should show about `raw` per tick: the
// smallest of 1, 2 and 5 times a power of ten at or above `raw`.
double NiceTickStep(double raw);

// Rows for intervals [start, end) that may overlap, as both pictures draw
// queue waits: in start order, each takes the row that has been free the
// longest (free from at most its start), else a new row while there are
// fewer than `max_rows`; one that fits nowhere gets -1. n log n.
struct RowPacking {
  std::vector<int> row;  // per interval, in the order given
  int rows = 0;          // rows used
  int64_t unplaced = 0;  // intervals with row -1
};
RowPacking PackRows(const std::vector<std::pair<int64_t, int64_t>>& spans, int max_rows);

class TimelineBuilder : public platform::TraceSink {
 public:
  static constexpr int64_t kMaxItems = 2'000'000;

  // `pool_size` threads get lanes pool-0.. up front (0: only those seen).
  explicit TimelineBuilder(int pool_size = 0);

  void Record(platform::TraceEvent e) override;
  // The timeline so far; anything still open ends at the last time seen.
  Timeline Finish();

 private:
  struct Open {
    std::string kind, phase;
    int64_t id;
    int64_t start_ns;
  };
  int Lane(const std::string& thread);
  bool Keep();
  void ClosePoll(int64_t t_ns);

  std::mutex mu_;
  Timeline t_;
  std::vector<Open> callbacks_;  // the callbacks running now, outermost first
  int64_t cpu_start_ns_ = -1;
  int64_t poll_start_ns_ = -1;
  std::string poll_timeout_;
  absl::flat_hash_map<int64_t, size_t> task_index_;  // id -> tasks
  absl::flat_hash_map<std::string, int> lane_index_;  // thread -> t_.lanes
  int64_t labelling_task_ = -1;  // a work callback is running for this task
  int64_t items_ = 0;
};

}  // namespace timeline

#endif  // TWINLOOP_TIMELINE_TIMELINE_H_
