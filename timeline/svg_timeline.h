// A self-contained SVG picture of a Timeline, in the style of the drawings
// people make to explain Node's thread pool: a lane for the loop and one per
// pool thread, a bar per task, each task's wait in the queue drawn hatched in
// a queue lane (one row per overlapping wait; a wait under a pixel wide is
// left out, and its task's tooltip gives it), and a millisecond axis.
//
// Structure a test (or a script) can rely on: bars are <rect> elements with
// class "task", "queued", "callback", "cpu" or "poll" and `data-id`; axis
// ticks are <line class="tick" data-ms="..."> with a <text class="tick-label">;
// lanes are <text class="lane" data-lane="...">. Every bar has a <title>
// (a tooltip). Times map to x linearly: x = left + ms * px_per_ms, the same
// mapping for bars and ticks.
//
// Readability: labels sit inside their own bar and only when they fit, so
// they never overlap; lanes get thinner past 16 pool threads and queue rows
// past 8, so 100 tasks stay readable; all text is escaped and made valid
// UTF-8.
//
// Threading: pure functions of a Timeline.
#ifndef TWINLOOP_TIMELINE_SVG_TIMELINE_H_
#define TWINLOOP_TIMELINE_SVG_TIMELINE_H_

#include <string>

#include "timeline/timeline.h"

namespace timeline {

struct SvgOptions {
  std::string title;               // top line; empty for none
  std::string time_unit = "ms";    // axis caption, e.g. "virtual ms"
  int width_px = 960;              // whole picture; 320-20000
};

std::string SvgTimeline(const Timeline& t, const SvgOptions& options);

}  // namespace timeline

#endif  // TWINLOOP_TIMELINE_SVG_TIMELINE_H_
