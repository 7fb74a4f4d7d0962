#include "cli/timeline_outputs.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "timeline/chrome_trace.h"
#include "timeline/svg_timeline.h"

namespace scenario {

TimelineOutputs::TimelineOutputs(std::unique_ptr<OutputFile> chrome,
                                 std::unique_ptr<OutputFile> svg, PictureTitles titles,
                                 int pool_size)
    : chrome_(std::move(chrome)),
      svg_(std::move(svg)),
      titles_(std::move(titles)),
      builder_(pool_size) {}

absl::Status TimelineOutputs::Commit() {
  if (!wanted()) return absl::OkStatus();
  const timeline::Timeline t = builder_.Finish();
  if (chrome_ != nullptr) {
    timeline::WriteChromeTrace(t, {.process_name = titles_.process},
                               [this](std::string_view piece) { chrome_->Write(piece); });
  }
  if (svg_ != nullptr) {
    svg_->Write(timeline::SvgTimeline(t, {.title = titles_.title, .time_unit = titles_.time_unit}));
  }
  // Flush both, then rename both: a full disk leaves neither file behind.
  for (auto [flag, file] : {std::pair{"--trace_chrome", chrome_.get()},
                            std::pair{"--svg", svg_.get()}}) {
    if (file == nullptr) continue;
    if (absl::Status s = file->Flush(); !s.ok()) {
      Abandon();
      return absl::Status(s.code(), absl::StrCat(flag, ": ", s.message()));
    }
  }
  for (auto [flag, file] : {std::pair{"--trace_chrome", &chrome_}, std::pair{"--svg", &svg_}}) {
    if (*file == nullptr) continue;
    if (absl::Status s = (*file)->Commit(); !s.ok()) {
      Abandon();
      return absl::Status(s.code(), absl::StrCat(flag, ": ", s.message()));
    }
    file->reset();
  }
  return absl::OkStatus();
}

void TimelineOutputs::Abandon() {
  if (chrome_ != nullptr) chrome_->Abandon();
  if (svg_ != nullptr) svg_->Abandon();
}

}  // namespace scenario
