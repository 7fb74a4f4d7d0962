// A Timeline's pool lanes as text, for a terminal: one row per pool thread,
// one character column per slice of time, each task drawn with its own mark
// (1-9, then a-z, A-Z), and below them the queue, one row per overlapping
// wait, drawn with '~' after the waiting task's mark. A legend maps marks to
// task labels.
//
//              0        100       200       300
//   pool-0     11111111111111111111555555555555
//   queue      5~~~~~~~~~~~~~~~~~~~
//
// Threading: a pure function of a Timeline.
#ifndef TWINLOOP_TIMELINE_ASCII_TIMELINE_H_
#define TWINLOOP_TIMELINE_ASCII_TIMELINE_H_

#include <string>

#include "timeline/timeline.h"

namespace timeline {

struct AsciiOptions {
  int columns = 60;  // 10-1000
  std::string time_unit = "ms";
};

std::string AsciiTimeline(const Timeline& t, const AsciiOptions& options);

}  // namespace timeline

#endif  // TWINLOOP_TIMELINE_ASCII_TIMELINE_H_
