#include "timeline/ascii_timeline.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/printable.h"

namespace timeline {
namespace {

constexpr int kNameWidth = 10;
constexpr int kMaxQueueRows = 16;
constexpr std::string_view kMarks =
    "123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

std::string Name(const std::string& s) {
  std::string n = base::Printable(s, kNameWidth - 1);
  if (n.size() < kNameWidth) n.append(kNameWidth - n.size(), ' ');
  return n;
}

}  // namespace

std::string AsciiTimeline(const Timeline& t, const AsciiOptions& options) {
  const int cols = std::clamp(options.columns, 10, 1000);
  // A run that took no time at all is drawn on 0-1 ms.
  const double end_ms = t.end_ns > 0 ? static_cast<double>(t.end_ns) / 1e6 : 1.0;
  // About one label every 10 columns, on a round number.
  const double step_ms = NiceTickStep(end_ms / std::max(1, cols / 10));
  const double axis_ms = std::ceil(end_ms / step_ms - 1e-9) * step_ms;
  auto col = [&](int64_t ns) {
    return std::clamp(
        static_cast<int>(std::lround(static_cast<double>(ns) / 1e6 / axis_ms * cols)), 0, cols);
  };
  auto mark = [&](size_t task_index) { return kMarks[task_index % kMarks.size()]; };

  std::string axis(kNameWidth + cols + 12, ' ');
  for (double ms = 0; ms <= axis_ms * (1 + 1e-9); ms += step_ms) {
    const std::string label = absl::StrFormat("%.6g", ms);
    const size_t at = kNameWidth + static_cast<size_t>(std::lround(ms / axis_ms * cols));
    axis.replace(at, label.size(), label);
  }
  axis.erase(axis.find_last_not_of(' ') + 1);
  std::string out = absl::StrCat(axis, " ", options.time_unit, "\n");

  for (size_t lane = 1; lane < t.lanes.size(); ++lane) {
    std::string row(cols, ' ');
    bool any = false;
    for (size_t i = 0; i < t.tasks.size(); ++i) {
      const PoolTask& task = t.tasks[i];
      if (task.lane != static_cast<int>(lane) || task.start_ns < 0) continue;
      any = true;
      const int a = col(task.start_ns);
      const int b = std::max(a + 1, col(task.finish_ns >= 0 ? task.finish_ns : t.end_ns));
      for (int c = a; c < b && c < cols; ++c) row[c] = mark(i);
    }
    if (!any && t.lanes[lane].rfind("pool-", 0) != 0) continue;  // net: nothing to draw
    std::string line = Name(t.lanes[lane]) + row;
    line.erase(line.find_last_not_of(' ') + 1);  // an idle thread: its name only
    absl::StrAppend(&out, line, "\n");
  }
  // The queue, one row per overlap (PackRows), at most kMaxQueueRows; the
  // waits that do not fit are counted.
  std::vector<std::pair<int64_t, int64_t>> spans;  // columns
  std::vector<size_t> waiting;                     // their tasks
  for (size_t i = 0; i < t.tasks.size(); ++i) {
    const PoolTask& task = t.tasks[i];
    const int a = col(task.enqueue_ns);
    const int b = col(task.wait_end_ns() >= 0 ? task.wait_end_ns() : t.end_ns);
    if (b <= a) continue;
    spans.push_back({a, b});
    waiting.push_back(i);
  }
  const RowPacking packing = PackRows(spans, kMaxQueueRows);
  std::vector<std::string> rows(static_cast<size_t>(packing.rows), std::string(cols, ' '));
  for (size_t k = 0; k < spans.size(); ++k) {
    if (packing.row[k] < 0) continue;
    std::string& r = rows[static_cast<size_t>(packing.row[k])];
    const auto [a, b] = spans[k];
    r[static_cast<size_t>(a)] = mark(waiting[k]);
    for (int64_t c = a + 1; c < b && c < cols; ++c) r[static_cast<size_t>(c)] = '~';
  }
  const int64_t not_drawn = packing.unplaced;
  for (std::string& r : rows) {
    r.erase(r.find_last_not_of(' ') + 1);
    absl::StrAppend(&out, Name("queue"), r, "\n");
  }
  if (not_drawn > 0) absl::StrAppend(&out, Name(""), "(", not_drawn, " more waiting)\n");
  std::string legend;
  for (size_t i = 0; i < t.tasks.size() && i < kMarks.size(); ++i) {
    const PoolTask& task = t.tasks[i];
    absl::StrAppend(&legend, legend.empty() ? "" : ", ", std::string(1, mark(i)), "=",
                    base::Printable(task.name(), 24));
  }
  if (t.tasks.size() > kMarks.size()) absl::StrAppend(&legend, ", ... (marks repeat)");
  if (!legend.empty()) {
    absl::StrAppend(&out, Name(""), legend, rows.empty() ? "" : "; ~ waiting in the queue", "\n");
  }
  return out;
}

}  // namespace timeline
