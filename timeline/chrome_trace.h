// The Chrome Trace Event format (the JSON object form, with "traceEvents"),
// as Perfetto (ui.perfetto.dev) and chrome://tracing read it.
//
// Only the format's published fields are used: complete events ("ph":"X",
// `ts`/`dur` in microseconds) for callbacks, loop-thread cpu, poll waits and
// pool tasks; nestable async events ("b"/"e", category "queue") for each
// task's queue wait, plus a flow ("s" -> "f") from the loop, where the task
// was queued, to the pool thread that took it; thread-scoped instant events
// ("i") for log labels, errors and network completions; metadata ("M")
// naming the process and each thread. Threads are the timeline's lanes in
// order: tid 1 is the loop, then the pool threads (tid 2+N is pool-N when the
// builder was given the pool's size), then any further lane (net).
//
// Threading: pure functions of a Timeline.
#ifndef TWINLOOP_TIMELINE_CHROME_TRACE_H_
#define TWINLOOP_TIMELINE_CHROME_TRACE_H_

#include <functional>
#include <string>
#include <string_view>

#include "timeline/timeline.h"

namespace timeline {

struct ChromeTraceOptions {
  std::string process_name = "twinloop";
};

// Writes the document in pieces (one event per call, roughly), so a large
// run is never held twice in memory.
void WriteChromeTrace(const Timeline& t, const ChromeTraceOptions& options,
                      const std::function<void(std::string_view)>& write);

// The whole document as one string.
std::string ChromeTraceJson(const Timeline& t, const ChromeTraceOptions& options);

}  // namespace timeline

#endif  // TWINLOOP_TIMELINE_CHROME_TRACE_H_
