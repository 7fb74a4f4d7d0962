#include "examples/example_files.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "timeline/chrome_trace.h"
#include "timeline/svg_timeline.h"

namespace examples {
namespace {

absl::Status WriteFile(const std::string& flag, const std::string& path,
                       const std::string& text) {
  std::ofstream out(UserPath(path), std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat("--", flag, ": cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string UserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || cwd == nullptr || *cwd == '\0') return path;
  return std::string(cwd) + "/" + path;
}

absl::Status WritePictures(const timeline::Timeline& t, const std::string& title,
                           const std::string& time_unit, const std::string& svg_path,
                           const std::string& chrome_path) {
  if (!svg_path.empty()) {
    absl::Status s = WriteFile(
        "svg", svg_path, timeline::SvgTimeline(t, {.title = title, .time_unit = time_unit}));
    if (!s.ok()) return s;
  }
  if (!chrome_path.empty()) {
    return WriteFile("trace_chrome", chrome_path,
                     timeline::ChromeTraceJson(t, {.process_name = title}));
  }
  return absl::OkStatus();
}

}  // namespace examples
