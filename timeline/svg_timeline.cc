#include "timeline/svg_timeline.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "base/printable.h"

namespace timeline {
namespace {

constexpr double kLeft = 88;     // lane names
constexpr double kRight = 28;
constexpr double kTop = 64;      // title and legend above
constexpr double kCharPx = 6.6;  // 11 px monospace: 0.6 em per character
constexpr double kLoopLanePx = 26;
constexpr int kMaxQueueRows = 48;

// Text from a run (labels, lane names) as XML character data: control
// characters and invalid UTF-8 escaped by base::Printable, markup escaped.
std::string Xml(absl::string_view text, size_t max_chars = 200) {
  std::string s = base::Printable(text, max_chars);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    // U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
    if (c == '\xef' && i + 2 < s.size() && s[i + 1] == '\xbf' &&
        (s[i + 2] == '\xbe' || s[i + 2] == '\xbf')) {
      out += s[i + 2] == '\xbe' ? "\\u{fffe}" : "\\u{ffff}";
      i += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(double v) { return absl::StrFormat("%.2f", v); }

std::string Ms(int64_t ns) {
  return absl::StrFormat("%.6g", static_cast<double>(ns) / 1e6);
}

class Picture {
 public:
  void Add(std::string s) {
    out_ += s;
    out_ += '\n';
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

struct Wait {
  const PoolTask* task;
  int64_t start_ns, end_ns;
  int row = 0;
};

}  // namespace

std::string SvgTimeline(const Timeline& t, const SvgOptions& options) {
  const double width = std::clamp(options.width_px, 320, 20000);
  const double plot_w = width - kLeft - kRight;
  // A run that took no time at all is drawn on 0-1 ms.
  const double end_ms = t.end_ns > 0 ? static_cast<double>(t.end_ns) / 1e6 : 1.0;
  const double step_ms = NiceTickStep(end_ms / std::max(1.0, std::floor(plot_w / 80)));
  const double axis_ms = std::ceil(end_ms / step_ms - 1e-9) * step_ms;
  const double px_per_ms = plot_w / axis_ms;
  auto x_of = [&](int64_t ns) { return kLeft + static_cast<double>(ns) / 1e6 * px_per_ms; };

  // Lanes below the loop: pool threads, then anything else (net).
  std::vector<int> other_lanes;
  for (size_t i = 1; i < t.lanes.size(); ++i) other_lanes.push_back(static_cast<int>(i));
  const double lane_px =
      other_lanes.size() <= 16 ? 26 : std::max(8.0, 416.0 / static_cast<double>(other_lanes.size()));

  // Queue waits, one row per overlap (PackRows); past kMaxQueueRows rows
  // the rest are counted, not drawn: the picture stays readable and bounded.
  std::vector<Wait> waits;
  for (const PoolTask& task : t.tasks) {
    const int64_t until = task.wait_end_ns() >= 0 ? task.wait_end_ns() : t.end_ns;
    // A wait under a pixel shows nothing and would take a row; the task's
    // tooltip still gives it.
    if (x_of(until) - x_of(task.enqueue_ns) >= 1) {
      waits.push_back({&task, task.enqueue_ns, until});
    }
  }
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Wait& w : waits) spans.push_back({w.start_ns, w.end_ns});
  const RowPacking packing = PackRows(spans, kMaxQueueRows);
  std::vector<Wait> drawn;
  for (size_t i = 0; i < waits.size(); ++i) {
    if (packing.row[i] < 0) continue;
    waits[i].row = packing.row[i];
    drawn.push_back(waits[i]);
  }
  waits = std::move(drawn);
  const int64_t not_drawn = packing.unplaced;
  const size_t rows = static_cast<size_t>(packing.rows);
  const double row_px = rows <= 8 ? 16 : std::max(3.0, 128.0 / static_cast<double>(rows));
  const double queue_px = rows == 0 ? 0 : static_cast<double>(rows) * row_px + 6;

  const double loop_y = kTop;
  const double lanes_y = loop_y + kLoopLanePx;
  const double queue_y = lanes_y + lane_px * static_cast<double>(other_lanes.size());
  const double axis_y = queue_y + queue_px + 4;
  const double height = axis_y + 40;

  Picture p;
  p.Add(absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" "
      "viewBox=\"0 0 %s %s\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">",
      Num(width), Num(height), Num(width), Num(height)));
  p.Add("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fde3c4\"/>"
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#f28e2b\" stroke-width=\"3\"/>"
        "</pattern></defs>");
  p.Add(absl::StrFormat("<rect class=\"background\" width=\"%s\" height=\"%s\" fill=\"#ffffff\"/>",
                        Num(width), Num(height)));
  if (!options.title.empty()) {
    p.Add(absl::StrFormat("<text class=\"title\" x=\"%s\" y=\"20\" font-size=\"14\" "
                          "font-weight=\"bold\">%s</text>",
                          Num(kLeft), Xml(options.title)));
  }
  // Legend.
  {
    double x = kLeft;
    const std::pair<const char*, const char*> items[] = {
        {"#59a14f", "pool task"}, {"url(#hatch)", "waiting in the queue"},
        {"#4e79a7", "callback on the loop"}, {"#e15759", "loop computing"},
        {"#d9d9d9", "loop waiting (poll)"}};
    for (const auto& [fill, text] : items) {
      p.Add(absl::StrFormat("<rect class=\"legend\" x=\"%s\" y=\"32\" width=\"12\" height=\"12\" "
                            "fill=\"%s\" stroke=\"#555555\" stroke-width=\"0.5\"/>",
                            Num(x), fill));
      p.Add(absl::StrFormat("<text class=\"legend\" x=\"%s\" y=\"42\">%s</text>", Num(x + 16),
                            text));
      x += 16 + kCharPx * static_cast<double>(std::string_view(text).size()) + 18;
    }
  }
  // Ticks and grid.
  for (double ms = 0; ms <= axis_ms * (1 + 1e-9); ms += step_ms) {
    const double x = kLeft + ms * px_per_ms;
    const std::string label = absl::StrFormat("%.6g", ms);
    p.Add(absl::StrFormat("<line class=\"grid\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                          "stroke=\"#eeeeee\"/>",
                          Num(x), Num(loop_y), Num(x), Num(axis_y)));
    p.Add(absl::StrFormat("<line class=\"tick\" data-ms=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" "
                          "y2=\"%s\" stroke=\"#333333\"/>",
                          label, Num(x), Num(axis_y), Num(x), Num(axis_y + 5)));
    p.Add(absl::StrFormat("<text class=\"tick-label\" x=\"%s\" y=\"%s\" text-anchor=\"middle\">"
                          "%s</text>",
                          Num(x), Num(axis_y + 17), label));
  }
  p.Add(absl::StrFormat("<line class=\"axis\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                        "stroke=\"#333333\"/>",
                        Num(kLeft), Num(axis_y), Num(kLeft + plot_w), Num(axis_y)));
  p.Add(absl::StrFormat("<text class=\"axis-caption\" x=\"%s\" y=\"%s\" text-anchor=\"end\">%s"
                        "</text>",
                        Num(kLeft + plot_w), Num(axis_y + 33), Xml(options.time_unit)));

  // Lane names and separators.
  auto lane_name = [&](const std::string& name, double y, double h) {
    p.Add(absl::StrFormat("<text class=\"lane\" data-lane=\"%s\" x=\"%s\" y=\"%s\" "
                          "text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>",
                          Xml(name, 40), Num(kLeft - 8), Num(y + h / 2),
                          Xml(name, 12)));
    p.Add(absl::StrFormat("<line class=\"lane-edge\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                          "stroke=\"#cccccc\"/>",
                          Num(kLeft), Num(y + h), Num(kLeft + plot_w), Num(y + h)));
  };
  lane_name("loop", loop_y, kLoopLanePx);
  for (size_t i = 0; i < other_lanes.size(); ++i) {
    lane_name(t.lanes[other_lanes[i]], lanes_y + lane_px * static_cast<double>(i), lane_px);
  }
  if (rows > 0) lane_name("queue", queue_y, queue_px);

  // A bar; `label` goes inside when it fits, else a shorter one, else none.
  auto bar = [&](const char* cls, int64_t id, double x0, double x1, double y, double h,
                 const char* fill, const std::string& title, const std::string& label,
                 const std::string& short_label) {
    const double w = std::max(1.0, x1 - x0);
    std::string s = absl::StrFormat(
        "<rect class=\"%s\" data-id=\"%d\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
        "fill=\"%s\"%s><title>%s</title></rect>",
        cls, id, Num(x0), Num(y), Num(w), Num(h), fill,
        // Bars that may touch end to end stay apart.
        std::string_view(cls) == "task" || std::string_view(cls) == "queued"
            ? " stroke=\"#ffffff\" stroke-width=\"1\""
            : "",
        Xml(title));
    p.Add(std::move(s));
    if (h < 11) return;
    for (const std::string* text : {&label, &short_label}) {
      const std::string shown = base::Printable(*text, 200);
      if (shown.empty() || kCharPx * static_cast<double>(shown.size()) + 6 > w) continue;
      p.Add(absl::StrFormat("<text class=\"bar-label\" x=\"%s\" y=\"%s\" text-anchor=\"middle\" "
                            "dominant-baseline=\"middle\" fill=\"%s\">%s</text>",
                            Num(x0 + w / 2), Num(y + h / 2),
                            std::string_view(cls) == "queued" ? "#7a3d00" : "#ffffff",
                            Xml(*text)));
      break;
    }
  };

  // The loop: what is drawn in one pixel column at one depth is drawn once.
  {
    struct Last {
      double right = -1;
    };
    std::vector<Last> last(3 * 8);
    for (const LoopSlice& s : t.loop_slices) {
      const int depth = std::min(s.depth, 7);
      const int k = static_cast<int>(s.kind);
      const double x0 = x_of(s.start_ns), x1 = x_of(s.end_ns);
      Last& l = last[k * 8 + depth];
      if (x1 - x0 < 1 && x0 < l.right) continue;
      l.right = std::max(x0 + 1, x1);
      const double inset = 3 + 3 * depth;
      switch (s.kind) {
        case LoopSlice::Kind::kCallback:
          bar("callback", s.id, x0, x1, loop_y + inset, kLoopLanePx - 2 * inset, "#4e79a7",
              absl::StrCat(s.name, " callback (", s.phase, " phase), ", Ms(s.start_ns), "-",
                           Ms(s.end_ns), " ms"),
              "", "");
          break;
        case LoopSlice::Kind::kCpu:
          bar("cpu", s.id, x0, x1, loop_y + inset + 2, kLoopLanePx - 2 * inset - 4, "#e15759",
              absl::StrCat("computing on the loop thread, ", Ms(s.start_ns), "-", Ms(s.end_ns),
                           " ms"),
              "", "");
          break;
        case LoopSlice::Kind::kPoll:
          bar("poll", s.id, x0, x1, loop_y + kLoopLanePx / 2 - 3, 6, "#d9d9d9",
              absl::StrCat("waiting in the poll phase, ", Ms(s.start_ns), "-", Ms(s.end_ns),
                           " ms"),
              "", "");
          break;
      }
    }
  }
  // Pool tasks; on each lane, what falls in one pixel column is drawn once.
  std::vector<double> lane_right(t.lanes.size(), -1);
  for (const PoolTask& task : t.tasks) {
    if (task.start_ns < 0 || task.lane < 1) continue;
    const auto pos = std::find(other_lanes.begin(), other_lanes.end(), task.lane);
    const double y = lanes_y + lane_px * static_cast<double>(pos - other_lanes.begin());
    const int64_t end_ns = task.finish_ns >= 0 ? task.finish_ns : t.end_ns;
    const double x0 = x_of(task.start_ns), x1 = x_of(end_ns);
    if (x1 - x0 < 1 && x0 < lane_right[task.lane]) continue;
    lane_right[task.lane] = std::max(x0 + 1, x1);
    bar("task", task.id, x0, x1, y + 3, lane_px - 6, "#59a14f",
        absl::StrCat(task.name(), ": queued at ", Ms(task.enqueue_ns), " ms, waited ",
                     Ms(task.queue_wait_ns()), " ms, ran ", Ms(task.start_ns), "-", Ms(end_ns),
                     " ms on ", t.lanes[task.lane], task.finish_ns < 0 ? " (unfinished)" : ""),
        task.name(), absl::StrCat("#", task.id));
  }
  // Queue waits.
  for (const Wait& w : waits) {
    const double y = queue_y + 3 + row_px * w.row;
    const PoolTask& task = *w.task;
    bar("queued", task.id, x_of(w.start_ns), x_of(w.end_ns), y, row_px - 1, "url(#hatch)",
        absl::StrCat(task.name(), ": waited in the queue ", Ms(w.start_ns), "-",
                     Ms(w.end_ns), " ms",
                     task.start_ns >= 0 ? "" : task.cancel_ns >= 0 ? " (cancelled)" : " (never ran)"),
        task.name(), absl::StrCat("#", task.id));
  }
  // Network completions: a tick on their lane.
  for (const Instant& i : t.instants) {
    if (i.kind != Instant::Kind::kNetworkDone || i.lane < 1) continue;
    const auto pos = std::find(other_lanes.begin(), other_lanes.end(), i.lane);
    const double y = lanes_y + lane_px * static_cast<double>(pos - other_lanes.begin());
    p.Add(absl::StrFormat("<rect class=\"net-done\" x=\"%s\" y=\"%s\" width=\"2\" height=\"%s\" "
                          "fill=\"#9c755f\"><title>%s done at %s ms</title></rect>",
                          Num(x_of(i.t_ns) - 1), Num(y + 3), Num(lane_px - 6), Xml(i.name),
                          Ms(i.t_ns)));
  }
  if (not_drawn > 0) {
    p.Add(absl::StrFormat("<text class=\"note\" x=\"%s\" y=\"%s\" text-anchor=\"end\" "
                          "fill=\"#7a3d00\"><title>%d more queue waits overlap these and are "
                          "not drawn</title>+%d more</text>",
                          Num(kLeft - 8), Num(queue_y + queue_px / 2 + 14), not_drawn, not_drawn));
  }
  if (t.dropped > 0) {
    p.Add(absl::StrFormat("<text class=\"note\" x=\"%s\" y=\"%s\" fill=\"#b00000\">%d items "
                          "not drawn (the timeline keeps at most %d)</text>",
                          Num(kLeft), Num(axis_y + 33), t.dropped, TimelineBuilder::kMaxItems));
  }
  p.Add("</svg>");
  return p.Take();
}

}  // namespace timeline
