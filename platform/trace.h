// Trace: the single record of what happened in a run.
//
// The loop core records callback begin/end with their phase, timer fires and
// user log lines; the platform records pool task enqueue/start/finish and I/O
// completions. Both write to one TraceSink, so the record has one order: the
// order things happened in. The JSON-lines serialisation is versioned (see
// platform/TRACE.md); replay and timelines are built on it.
//
// Threading: a TraceSink may be called from the loop thread and from pool
// threads (on the real platform). JsonLinesTraceWriter and MemoryTraceSink
// lock internally.
#ifndef TWINLOOP_PLATFORM_TRACE_H_
#define TWINLOOP_PLATFORM_TRACE_H_

#include <cstdint>
#include <mutex>
#include <functional>
#include <string>
#include <vector>

namespace platform {

inline constexpr int kTraceVersion = 1;

// What happened. The names are the `ev` field of platform/TRACE.md.
enum class TraceEventKind : uint8_t {
  kCallbackBegin,   // cb_begin
  kCallbackEnd,     // cb_end
  kTimerFire,       // timer_fire
  kPoll,            // poll
  kCpuBegin,        // cpu_begin
  kCpuEnd,          // cpu_end
  kLog,             // log
  kError,           // error
  kPoolEnqueue,     // pool_enqueue
  kPoolStart,       // pool_start
  kPoolFinish,      // pool_finish
  kPoolCancel,      // pool_cancel
  kIoComplete,      // io_complete
  kIoCancel,        // io_cancel
  kClockBackwards,  // clock_backwards
  kLoopShutdown,    // loop_shutdown
  kLoopClose,       // loop_close
};

// The `ev` name, e.g. "cb_begin".
const char* TraceEventName(TraceEventKind kind);

struct TraceEvent {
  int64_t t_ns = 0;     // platform time, nanoseconds
  std::string thread;   // "loop" or "pool-N"
  TraceEventKind event = TraceEventKind::kLog;
  std::string phase;    // loop phase, when the event belongs to one
  std::string kind;     // callback kind: "timeout", "immediate", ...
  int64_t id = -1;      // timer, request or task id; -1 when none
  std::string detail;   // label for "log", message for "error"

  bool operator==(const TraceEvent&) const = default;
};

// One JSON object, without a trailing newline. Fields that are empty or -1
// are left out, so lines stay short and stable.
std::string TraceEventToJson(const TraceEvent& e);

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void Record(TraceEvent e) = 0;
};

// Keeps every event in memory; for tests and for replay.
class MemoryTraceSink : public TraceSink {
 public:
  void Record(TraceEvent e) override;
  std::vector<TraceEvent> events() const;
  // The events serialised as JSON lines, one per event.
  std::string ToJsonLines() const;

 private:
  mutable std::mutex mu_;
  std::vector<TraceEvent> events_;
};

// Writes one JSON line per event, after a header line naming the format
// version and the run's configuration (a JSON object given by the caller).
// Each line, newline included, goes to `write_line`, one call at a time;
// the writer checks for errors.
class JsonLinesTraceWriter : public TraceSink {
 public:
  using LineWriter = std::function<void(const std::string& line)>;
  JsonLinesTraceWriter(LineWriter write_line, const std::string& header_json);
  void Record(TraceEvent e) override;

 private:
  std::mutex mu_;
  LineWriter write_line_;
};

// Passes every event to each of its sinks in order (a trace file and a
// timeline, say). Null sinks are skipped. Thread-safe when its sinks are.
class TeeTraceSink : public TraceSink {
 public:
  explicit TeeTraceSink(std::vector<TraceSink*> sinks);
  void Record(TraceEvent e) override;

 private:
  std::vector<TraceSink*> sinks_;
};

}  // namespace platform

#endif  // TWINLOOP_PLATFORM_TRACE_H_
