#include "cli/timeline_outputs.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "timeline/chrome_trace.h"
#include "timeline/svg_timeline.h"

namespace scenario {

TimelineOutputs::TimelineOutputs(std::unique_ptr<OutputFile> chrome,
                                 std::unique_ptr<OutputFile> svg, PictureTitles titles)
    : chrome_(std::move(chrome)), svg_(std::move(svg)), titles_(std::move(titles)) {}

absl::Status TimelineOutputs::Commit() {
  if (!wanted()) return absl::OkStatus();
  const timeline::Timeline t = builder_.Finish();
  if (chrome_ != nullptr) {
    timeline::WriteChromeTrace(t, {.process_name = titles_.process},
                               [this](std::string_view piece) { chrome_->Write(piece); });
    if (absl::Status s = chrome_->Commit(); !s.ok()) {
      Abandon();
      return absl::Status(s.code(), absl::StrCat("--trace_chrome: ", s.message()));
    }
    chrome_.reset();
  }
  if (svg_ != nullptr) {
    svg_->Write(timeline::SvgTimeline(t, {.title = titles_.title, .time_unit = titles_.time_unit}));
    if (absl::Status s = svg_->Commit(); !s.ok()) {
      Abandon();
      return absl::Status(s.code(), absl::StrCat("--svg: ", s.message()));
    }
    svg_.reset();
  }
  return absl::OkStatus();
}

void TimelineOutputs::Abandon() {
  if (chrome_ != nullptr) chrome_->Abandon();
  if (svg_ != nullptr) svg_->Abandon();
}

}  // namespace scenario
