#include "timeline/chrome_trace.h"

#include <nlohmann/json.hpp>

namespace timeline {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kPid = 1;

int Tid(int lane) { return lane + 1; }

double Micros(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

class EventWriter {
 public:
  explicit EventWriter(const std::function<void(std::string_view)>& write) : write_(write) {}
  void Add(const Json& event) {
    write_(first_ ? "\n" : ",\n");
    first_ = false;
    // Labels come from users and may not be UTF-8: replace, never throw.
    write_(event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

 private:
  const std::function<void(std::string_view)>& write_;
  bool first_ = true;
};

Json Complete(const std::string& name, const char* cat, int lane, int64_t start_ns,
              int64_t end_ns) {
  Json e;
  e["name"] = name;
  e["cat"] = cat;
  e["ph"] = "X";
  e["ts"] = Micros(start_ns);
  e["dur"] = Micros(end_ns - start_ns);
  e["pid"] = kPid;
  e["tid"] = Tid(lane);
  return e;
}

}  // namespace

void WriteChromeTrace(const Timeline& t, const ChromeTraceOptions& options,
                      const std::function<void(std::string_view)>& write) {
  write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
  EventWriter out(write);
  out.Add({{"name", "process_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", 0},
           {"args", {{"name", options.process_name}}}});
  for (size_t lane = 0; lane < t.lanes.size(); ++lane) {
    const int tid = Tid(static_cast<int>(lane));
    out.Add({{"name", "thread_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
             {"args", {{"name", t.lanes[lane]}}}});
    out.Add({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
             {"args", {{"sort_index", lane}}}});
  }
  for (const LoopSlice& s : t.loop_slices) {
    switch (s.kind) {
      case LoopSlice::Kind::kCallback: {
        Json e = Complete(s.name, "callback", 0, s.start_ns, s.end_ns);
        e["args"]["phase"] = s.phase;
        if (s.id >= 0) e["args"]["id"] = s.id;
        out.Add(e);
        break;
      }
      case LoopSlice::Kind::kCpu:
        out.Add(Complete("cpu", "cpu", 0, s.start_ns, s.end_ns));
        break;
      case LoopSlice::Kind::kPoll: {
        Json e = Complete("poll", "poll", 0, s.start_ns, s.end_ns);
        e["args"]["timeout_ms"] = s.detail;
        out.Add(e);
        break;
      }
    }
  }
  for (const PoolTask& task : t.tasks) {
    const std::string name = task.name();
    if (task.start_ns >= 0) {
      // The task's slice first: a flow's end binds to the slice open on its
      // thread at that moment ("bp":"e"), so the slice must already be there.
      const int64_t end_ns = task.finish_ns >= 0 ? task.finish_ns : t.end_ns;
      Json e = Complete(name, "task", task.lane, task.start_ns, end_ns);
      e["args"]["id"] = task.id;
      e["args"]["queue_wait_ms"] = static_cast<double>(task.queue_wait_ns()) / 1e6;
      if (task.finish_ns < 0) e["args"]["unfinished"] = true;
      out.Add(e);
      // The wait in the queue, then the hand-over to the thread that took it.
      out.Add({{"name", "queued: " + name}, {"cat", "queue"}, {"ph", "b"},
               {"ts", Micros(task.enqueue_ns)}, {"pid", kPid}, {"tid", Tid(0)}, {"id", task.id}});
      out.Add({{"name", "queued: " + name}, {"cat", "queue"}, {"ph", "e"},
               {"ts", Micros(task.start_ns)}, {"pid", kPid}, {"tid", Tid(0)}, {"id", task.id}});
      out.Add({{"name", "queue"}, {"cat", "queue"}, {"ph", "s"}, {"ts", Micros(task.enqueue_ns)},
               {"pid", kPid}, {"tid", Tid(0)}, {"id", task.id}});
      out.Add({{"name", "queue"}, {"cat", "queue"}, {"ph", "f"}, {"bp", "e"},
               {"ts", Micros(task.start_ns)}, {"pid", kPid}, {"tid", Tid(task.lane)},
               {"id", task.id}});
    } else {
      // Never ran: an instant where it left the queue (cancelled) or where
      // it was queued (the run ended first).
      const bool cancelled = task.cancel_ns >= 0;
      out.Add({{"name", std::string(cancelled ? "cancelled: " : "never started: ") + name},
               {"cat", "queue"}, {"ph", "i"}, {"s", "t"},
               {"ts", Micros(cancelled ? task.cancel_ns : task.enqueue_ns)}, {"pid", kPid},
               {"tid", Tid(0)}});
    }
  }
  for (const Instant& i : t.instants) {
    const char* cat = i.kind == Instant::Kind::kLog     ? "log"
                      : i.kind == Instant::Kind::kError ? "error"
                                                        : "net";
    out.Add({{"name", i.name}, {"cat", cat}, {"ph", "i"}, {"s", "t"}, {"ts", Micros(i.t_ns)},
             {"pid", kPid}, {"tid", Tid(i.lane)}});
  }
  Json other{{"generator", "twinloop"}, {"end_ms", static_cast<double>(t.end_ns) / 1e6}};
  if (t.dropped > 0) other["dropped_items"] = t.dropped;
  write("\n],\"otherData\":");
  write(other.dump());
  write("}\n");
}

std::string ChromeTraceJson(const Timeline& t, const ChromeTraceOptions& options) {
  std::string s;
  WriteChromeTrace(t, options, [&s](std::string_view piece) { s.append(piece); });
  return s;
}

}  // namespace timeline
