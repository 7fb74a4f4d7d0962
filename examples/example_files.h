// Files the examples read and write: paths as the user typed them, and the
// pictures (--svg, --trace_chrome) of a simulated run.
//
// Threading: plain functions; call them from one thread.
#ifndef TWINLOOP_EXAMPLES_EXAMPLE_FILES_H_
#define TWINLOOP_EXAMPLES_EXAMPLE_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "timeline/timeline.h"

namespace examples {

// Under `bazel run` the program starts in its runfiles tree; a relative path
// the user typed is relative to where they typed it (BUILD_WORKING_DIRECTORY).
std::string UserPath(const std::string& path);

// Writes `t` as an SVG to `svg_path` and as a Chrome trace to `chrome_path`;
// an empty path writes nothing. Errors name the flag and the path.
absl::Status WritePictures(const timeline::Timeline& t, const std::string& title,
                           const std::string& time_unit, const std::string& svg_path,
                           const std::string& chrome_path);

}  // namespace examples

#endif  // TWINLOOP_EXAMPLES_EXAMPLE_FILES_H_
