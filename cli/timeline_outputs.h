// The pictures `twinloop run` and `twinloop replay` draw of a run
// (--trace_chrome, --svg): a timeline built from the run's trace events as
// they come, and the files the pictures go to. The pictures are written when
// the run has succeeded, and like the trace they appear only then.
//
// Threading: sink() may be called from any thread (it locks); the rest from
// the thread that runs the command.
#ifndef TWINLOOP_CLI_TIMELINE_OUTPUTS_H_
#define TWINLOOP_CLI_TIMELINE_OUTPUTS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "cli/output_file.h"
#include "platform/trace.h"
#include "timeline/timeline.h"

namespace scenario {

struct PictureTitles {
  std::string process;    // the Chrome trace's process name
  std::string title;      // the SVG's top line
  std::string time_unit;  // the SVG's axis caption
};

class TimelineOutputs {
 public:
  // Either file may be null (not asked for). Every one of the pool's
  // `pool_size` threads gets a lane, also one that never ran a task.
  TimelineOutputs(std::unique_ptr<OutputFile> chrome, std::unique_ptr<OutputFile> svg,
                  PictureTitles titles, int pool_size);

  // Where the platform's and the loop's trace events go; null when no
  // picture was asked for.
  platform::TraceSink* sink() { return wanted() ? &builder_ : nullptr; }
  bool wanted() const { return chrome_ != nullptr || svg_ != nullptr; }

  // Draws the pictures and commits the files: both are written and flushed
  // before either is renamed into place, so a write error leaves neither.
  // An error says which flag's file failed ("--svg: ...").
  absl::Status Commit();
  void Abandon();

 private:
  std::unique_ptr<OutputFile> chrome_;
  std::unique_ptr<OutputFile> svg_;
  PictureTitles titles_;
  timeline::TimelineBuilder builder_;
};

}  // namespace scenario

#endif  // TWINLOOP_CLI_TIMELINE_OUTPUTS_H_
